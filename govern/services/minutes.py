"""The referat: recording each case during the meeting, then send → approve → correct.

Minutes go from "utkast" (draft, only the secretariat sees it) to "sendt" (members read it)
to "godkjent" (approved under the Godkjenning item of a later meeting of the body). Saving
that vedtak approves nothing by itself: approval follows the approving meeting, as the body's
rule says (when that meeting is marked held, or when its own minutes are sent), and the
secretariat confirms what will be locked. The Godkjenning item may also postpone the
approval; a later meeting then approves those minutes.

Approved minutes lock everything they report (attendance, innspill, vedtak, the agenda with
presenters and sub-points, attachments): every write checks ensure_minutes_open(). A
correction is a new, numbered MinutesRevision with a reason (attendance_corrections for the
attendance). The case owner's memo (toppnotat) is edited in services.memos.

This module records the minutes; minutes_approval says what an approval would lock,
minutes_locking sends and approves, minutes_corrections corrects approved minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.accounts import User
from govern.models.cases import Treatment, TreatmentInput
from govern.models.meetings import Meeting
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput
from govern.services.minutes_approval import ApprovalPlan, is_approval_item, plan_approval

#: Meeting statuses in which a case is closed: its vedtak must be filled in.
HELD_STATUSES = ("gjennomført", "referat godkjent")
LOCKED_MESSAGE = lazy_gettext("Referatet er godkjent og låst. Rettelser føres som en ny revisjon.")
#: What a Godkjenning vedtak that postpones the approval reads like, to start from.
POSTPONED_TEXT = "Referatet fra forrige møte godkjennes ikke, og behandles på nytt i neste møte."
#: Field names of the treatment texts, as the secretariat knows them (log and revisions).
FIELD_LABELS = {
    "presentation": "Hva ble lagt frem",
    "inputs": "Innspill",
    "decision": "Vedtak",
    "summary": "Saksbeskrivelse",
    "proposed_decision": "Forslag til vedtak",
    "minutes_postponed": "Godkjenning av forrige referat utsatt",
    "attendance": "Oppmøte",
}
#: The same names in the reader's language (the revision lists show them).
_FIELD_TEXTS = {
    "presentation": lazy_gettext("Hva ble lagt frem"),
    "inputs": lazy_gettext("Innspill"),
    "decision": lazy_gettext("Vedtak"),
    "summary": lazy_gettext("Saksbeskrivelse"),
    "proposed_decision": lazy_gettext("Forslag til vedtak"),
    "minutes_postponed": lazy_gettext("Godkjenning av forrige referat utsatt"),
    "attendance": lazy_gettext("Oppmøte"),
}


def field_labels() -> dict[str, str]:
    """FIELD_LABELS in the current language."""
    return {name: str(text) for name, text in _FIELD_TEXTS.items()}


def ensure_minutes_open(
    meeting: Meeting | None, *, field: str | None = None, message: str | None = None
) -> None:
    """The one guard of the record: refuse any change to what approved minutes report.

    Every service that writes attendance, texts, vedtak, the agenda or attachments of a
    meeting calls it; a change after approval goes through the correction flow instead.
    """
    if meeting is not None and meeting.minutes_locked:
        raise Conflict(message or str(LOCKED_MESSAGE), field=field)


@dataclass(frozen=True)
class MinutesInput:
    """What the secretariat records for a case: presentation, innspill in order, vedtak."""

    version: int | None
    presentation: str = ""
    inputs: tuple[str, ...] = ()
    decision: str = ""
    #: Only on the Godkjenning item: the previous minutes are not approved (postponed).
    #: None leaves it as it is.
    postponed: bool | None = None


@dataclass
class MinutesResult:
    treatment: Treatment
    changes: dict[str, list]
    #: Minutes this Godkjenning vedtak may now approve (to be confirmed), if any.
    approval_due: ApprovalPlan | None = None


def split_inputs(text: str) -> tuple[str, ...]:
    """One innspill per line; blank lines are ignored."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def flush_or_stale(session: Session, what: str) -> None:
    """Flush; a row someone else saved since we read it is refused as a stale edit."""
    try:
        session.flush()
    except StaleDataError:
        raise audit.stale_edit(what) from None


def meeting_of(treatment: Treatment) -> Meeting:
    """The treatment's meeting; a case registered without one has no minutes."""
    if treatment.meeting is None:
        raise InvalidInput(
            _("Saken er registrert uten møte; det føres ikke referat for den"), field="decision"
        )
    return treatment.meeting


def _set_inputs(treatment: Treatment, texts: tuple[str, ...]) -> None:
    """Replace the innspill in order, reusing the rows (in their order) so that no two rows
    ever hold the same position on the way; new rows go after the last one."""
    rows = list(treatment.inputs)
    after = max((r.position for r in rows), default=-1) + 1
    for i, text in enumerate(texts):
        if i < len(rows):
            rows[i].text = text
        else:
            treatment.inputs.append(TreatmentInput(position=after + i - len(rows), text=text))
    for extra in rows[len(texts) :]:
        treatment.inputs.remove(extra)


def apply_texts(session: Session, treatment: Treatment, values: dict[str, Any]) -> dict[str, list]:
    """Apply presentation/decision/inputs; bump the version when anything changed.

    Innspill live in their own rows, so a change to them alone would leave the treatment's
    version as it was; marking a column modified makes the version move (and be checked).
    """
    inputs = values.pop("inputs", None)
    # No flush on the way (loading the innspill would flush): the caller's flush_or_stale() is the
    # one place a lost update shows, and is turned into the usual refusal there.
    with session.no_autoflush:
        before = [i.text for i in treatment.inputs]
        changes = audit.diff(treatment, values)
        if inputs is not None and before != list(inputs):
            changes["inputs"] = [before, list(inputs)]
            _set_inputs(treatment, inputs)
    if changes:
        flag_modified(treatment, "decision")
    return changes


def record_minutes(
    session: Session, user: User | None, treatment: Treatment, data: MinutesInput
) -> MinutesResult:
    """Record what was presented, the innspill and the vedtak of a case.

    Refused on a stale form, on locked minutes, and without vedtak once the meeting is held
    (except Eventuelt, where nothing means "Det kom ingen saker til eventuelt."). A vedtak
    on the meeting's Godkjenning item approves nothing by itself: the result says which
    minutes it may now approve, for the secretariat to confirm.
    """
    meeting = meeting_of(treatment)
    decision, postponed = check_minutes(session, treatment, data)
    with session.no_autoflush:
        changes = audit.diff(treatment, {"minutes_postponed": postponed})
    changes |= apply_texts(
        session,
        treatment,
        {
            "presentation": (data.presentation or "").strip(),
            "decision": decision,
            "inputs": tuple(t.strip() for t in data.inputs if t.strip()),
        },
    )
    flush_or_stale(session, _("Saken"))
    if changes:
        audit.record(
            session,
            user,
            "treatment.minutes",
            treatment,
            f"Referat for sak {treatment.number} ({meeting.title}) ble ført",
            body=meeting.body,
            changes=changes,
        )
    due = None
    if is_approval_item(session, treatment):
        plan = plan_approval(session, meeting)
        due = plan if plan is not None and plan.ready else None
    return MinutesResult(treatment, changes, due)


def check_minutes(session: Session, treatment: Treatment, data: MinutesInput) -> tuple[str, bool]:
    """The rules a case's minutes are saved by, checked without changing anything: the form's
    version, open minutes, a meeting not cancelled, a vedtak once the meeting is held (but in
    Eventuelt), the Godkjenning item's postponement. Returns the vedtak and the postponement."""
    meeting = meeting_of(treatment)
    audit.check_version(treatment, data.version, _("Saken"))
    ensure_minutes_open(meeting, field="decision")
    if meeting.status == "avlyst":
        raise InvalidInput(_("Møtet er avlyst; det føres ikke referat"), field="decision")
    decision = (data.decision or "").strip()
    if not decision and meeting.status in HELD_STATUSES and treatment.sakstype != "Eventuelt":
        raise InvalidInput(_("Vedtak må fylles ut når møtet er gjennomført"), field="decision")
    return decision, _postponed(session, treatment, data.postponed, decision)


def _postponed(session: Session, treatment: Treatment, wanted: bool | None, decision: str) -> bool:
    """The Godkjenning item's choice to postpone the approval; only there, and with a vedtak."""
    if wanted is None:
        return treatment.minutes_postponed
    if wanted and not is_approval_item(session, treatment):
        raise InvalidInput(
            _("Bare godkjenningssaken kan utsette godkjenningen av forrige referat"),
            field="postponed",
        )
    if wanted and not decision:
        raise InvalidInput(
            _("Skriv vedtaket om at referatet ikke godkjennes eller utsettes"), field="decision"
        )
    return bool(wanted)
