"""The ranked result of a round written into a treatment's forslag til vedtak or vedtak."""

from __future__ import annotations

from sqlalchemy.orm import Session

from govern.domain import priority_scoring as scoring
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.cases import Treatment
from govern.models.priorities import PrioritisationRound
from govern.services import audit
from govern.services.errors import InvalidInput
from govern.services.minutes import ensure_minutes_open
from govern.services.priorities import result

DECISION_FIELDS = {"proposed_decision": "forslag til vedtak", "decision": "vedtak"}


def check_minutes_open(treatment: Treatment, field: str) -> None:
    """The minutes' lifecycle: approved minutes are locked (the same rule as recording the
    minutes and editing the memo), and a cancelled meeting gets no vedtak."""
    meeting = treatment.meeting
    if meeting is None:
        return
    ensure_minutes_open(
        meeting,
        field="treatment",
        message=_(
            "Referatet fra møte %(meeting)s er godkjent og låst, så rangeringen kan ikke skrives "
            "inn i sak %(case)s. Rettelser føres som en ny revisjon av referatet.",
            meeting=meeting.number,
            case=treatment.number,
        ),
    )
    if field == "decision" and meeting.status == "avlyst":
        raise InvalidInput(
            _("Møte %(number)s er avlyst; det føres ikke vedtak.", number=meeting.number),
            field="treatment",
        )


def write_ranking(
    session: Session,
    round_: PrioritisationRound,
    treatment: Treatment,
    field: str,
    version: int | None,
    actor=None,
) -> str:
    """Write the ranking as numbered lines into the treatment's proposed decision or decision."""
    if field not in DECISION_FIELDS:
        raise InvalidInput(_("Velg forslag til vedtak eller vedtak."), field="field")
    audit.check_version(treatment, version, _("Saken"))
    check_minutes_open(treatment, field)
    ranked = result(session, round_).ranked
    if not ranked:
        raise InvalidInput(_("Runden har ingen scorede tiltak ennå."), field="field")
    # The case's text is in the body's document language, as its toppnotat and referat are.
    with use_language(treatment.body.document_language):
        heading = _(
            "Prioritert rekkefølge etter prioriteringsmodellen (%(round)s):", round=round_.title
        )
        text = heading + "\n\n" + "\n".join(scoring.ranking_lines(ranked))
    changes = audit.diff(treatment, {field: text})
    session.flush()
    audit.record(
        session,
        actor,
        "treatment.update",
        treatment,
        f"Rangeringen fra «{round_.title}» skrevet inn som {DECISION_FIELDS[field]} i sak "
        f"{treatment.number}",
        body=treatment.body,
        changes=changes,
    )
    return text
