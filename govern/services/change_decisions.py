"""Meeting decisions about change requests: the endringsråd's prioritisation, escalation to
the produktråd and, by hand, the produktråd's decision on the request.

The decisions reach the requests' statuses when the meeting's minutes are approved
(services.change_outcomes); record_escalation_outcome is the fallback for an escalation
decided outside govern, or minutes approved without an outcome chosen.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.cases import Case
from govern.models.changes import ChangeRequest, ProductArea
from govern.models.meetings import Meeting
from govern.services import agenda
from govern.services.changes import backlog, record_event, set_status
from govern.services.errors import Conflict, InvalidInput

OPEN_MEETING_STATUSES = ("planlagt", "innkalt")


def _kr(amount: int) -> str:
    return f"{amount:,}".replace(",", " ") + " kr"


def prioritisation_text(area: ProductArea, lines, available: int, cut: int | None) -> str:
    """The ranked list as decision text, with running sums and the budget line."""
    rows = [
        _(
            "Endringsrådet prioriterer endringsønskene for %(area)s i denne rekkefølgen "
            "(tilgjengelig budsjett %(available)s):",
            area=area.name,
            available=_kr(available),
        )
    ]
    for i, line in enumerate(lines):
        if i == cut:
            rows.append(
                _("--- Budsjettet er brukt opp her; ønskene under ligger utenfor rammen ---")
            )
        r = line.request
        rows.append(
            _(
                "%(position)s. %(number)s %(title)s – %(cost)s (sum %(running)s)",
                position=line.position,
                number=r.number,
                title=r.title,
                cost=_kr(r.cost_nok),
                running=_kr(line.running),
            )
        )
    return "\n".join(rows)


def record_prioritisation(
    session: Session, area: ProductArea, meeting: Meeting, year: int, actor=None
):
    """Put the ranked backlog on the meeting's agenda as a decision, with its case number."""
    if meeting.body_id != area.body_id:
        raise InvalidInput(_("Velg et møte i endringsrådet"), field="meeting_id")
    if meeting.status not in OPEN_MEETING_STATUSES:
        raise Conflict(
            _("Møte %(number)s er ikke lenger åpent for nye saker", number=meeting.number),
            field="meeting_id",
        )
    plan = backlog(session, area, year)
    if not plan.lines:
        raise Conflict(
            _("Ingen endringsønsker å prioritere for %(year)s", year=year), field="meeting_id"
        )
    # The case is written in the body's document language, as its toppnotat and referat are.
    with use_language(area.body.document_language):
        case = agenda.CaseItemInput(
            sakstype="Beslutning",
            title=_(
                "Prioritering av endringsønsker %(year)s – %(area)s", year=year, area=area.name
            ),
            summary=_(
                "Rangert liste over endringsønsker for %(area)s, budsjettår %(year)s.",
                area=area.name,
                year=year,
            ),
            proposed_decision=prioritisation_text(area, plan.lines, plan.available, plan.cut),
        )
    item = agenda.add_case_item(session, meeting, case, None, actor)
    treatment = item.treatment
    for line in plan.lines:
        # Within the budget line the meeting prioritises the request (services.change_outcomes
        # moves it when the minutes are approved); a planned one is past that already.
        decided = "prioritert" if line.within and line.request.status != "planlagt" else None
        where = "innenfor budsjettet" if line.within else "under budsjettgrensen"
        record_event(
            line.request,
            actor,
            None,
            decided,
            f"Rangert som nr. {line.position} i sak {treatment.number}, {where}",
            treatment,
        )
    session.flush()
    return treatment


def next_open_meeting(session: Session, body) -> Meeting | None:
    """The body's next planned or called meeting from today."""
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.body_id == body.id, Meeting.status.in_(OPEN_MEETING_STATUSES))
        .order_by(Meeting.year, Meeting.seq)
    ).all()
    today = date.today()
    return next((m for m in meetings if m.first_date is None or m.first_date >= today), None)


def escalate(
    session: Session,
    request: ChangeRequest,
    meeting: Meeting | None,
    reason: str,
    actor=None,
):
    """Make the request a case for the body the endringsråd escalates to, on its agenda."""
    body = request.area.body
    target = body.escalates_to
    if target is None:
        raise Conflict(
            _("%(body)s har ikke noe organ å eskalere til", body=body.short_name),
            field="meeting_id",
        )
    if request.status in ("levert", "avvist", "eskalert"):
        raise Conflict(
            _(
                "Et endringsønske som er %(status)s, kan ikke eskaleres",
                status=request.status_label.lower(),
            ),
            field="status",
        )
    if not reason.strip():
        raise InvalidInput(_("Skriv hvorfor saken eskaleres"), field="reason")
    if meeting is None:
        meeting = next_open_meeting(session, target)
        if meeting is None:
            raise Conflict(
                _(
                    "%(body)s har ikke noe planlagt møte; legg inn et møte først",
                    body=target.short_name,
                ),
                field="meeting_id",
            )
    elif meeting.body_id != target.id:
        raise InvalidInput(_("Velg et møte i %(body)s", body=target.short_name), field="meeting_id")
    # The case is written in the target body's document language.
    with use_language(target.document_language):
        summary = _(
            "Eskalert fra %(body)s: endringsønske %(number)s «%(title)s», estimert %(cost)s.",
            body=body.short_name,
            number=request.number,
            title=request.title,
            cost=_kr(request.cost_nok),
        )
        summary += "\n\n" + _("Begrunnelse: %(reason)s", reason=reason.strip())
        if request.need:
            summary += "\n\n" + _("Behov: %(need)s", need=request.need)
        case = agenda.CaseItemInput(
            sakstype="Beslutning",
            title=_(
                "Eskalert endringsønske %(number)s: %(title)s",
                number=request.number,
                title=request.title,
            ),
            summary=summary,
        )
    item = agenda.add_case_item(session, meeting, case, None, actor)
    treatment = item.treatment
    treatment.case.key = _case_key(session, body, request)
    old = request.status
    request.status = "eskalert"
    request.rank = None
    request.escalation = treatment
    record_event(
        request,
        actor,
        old,
        "eskalert",
        f"Eskalert til {target.short_name}, sak {treatment.number}: {reason.strip()}",
        treatment,
    )
    session.flush()
    return treatment


def _case_key(session: Session, body, request: ChangeRequest) -> str:
    """A name for the escalated case, so the exchange file can refer to it."""
    base = key = f"endringsonske-{body.slug}-{request.seq:03d}"
    n = 1
    while session.scalar(select(Case.id).where(Case.key == key)) is not None:
        n += 1
        key = f"{base}-{n}"
    return key


def record_escalation_outcome(
    session: Session, request: ChangeRequest, outcome: str, reason: str = "", actor=None
) -> ChangeRequest:
    """The produktråd's decision put on the request by hand: prioritised, or rejected with a
    reason (the fallback when the outcome did not come with the approved minutes)."""
    if request.status != "eskalert" or request.escalation is None:
        raise Conflict(_("Endringsønsket er ikke eskalert"), field="outcome")
    if outcome not in ("prioritert", "avvist"):
        raise InvalidInput(_("Velg prioritert eller avvist"), field="outcome")
    treatment = request.escalation
    decided = treatment.decision.strip()
    note = f"{treatment.body.short_name} vedtok i sak {treatment.number}"
    note += f": {decided}" if decided else ""
    return set_status(
        session, request, outcome, reason=reason, note=note, treatment=treatment, actor=actor
    )
