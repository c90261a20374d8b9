"""The referat: recording each case during the meeting, then send → approve → correct.

Minutes go from "utkast" (draft, only the secretariat sees it) to "sendt" (members read it)
to "godkjent" (approved under the Godkjenning item of the body's next meeting). Approved
minutes are locked; a correction is a new, numbered MinutesRevision with a reason.
The case owner's memo (toppnotat) is edited in services.memos.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment, TreatmentInput
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.models.minutes import MinutesRevision
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput, NotFound

#: Meeting statuses in which a case is closed: its vedtak must be filled in.
HELD_STATUSES = ("gjennomført", "referat godkjent")
LOCKED_MESSAGE = "Referatet er godkjent og låst. Rettelser føres som en ny revisjon."
#: Field names of the treatment texts, as the secretariat knows them (log and revisions).
FIELD_LABELS = {
    "presentation": "Hva ble lagt frem",
    "inputs": "Innspill",
    "decision": "Vedtak",
    "summary": "Saksbeskrivelse",
    "proposed_decision": "Forslag til vedtak",
}


@dataclass(frozen=True)
class MinutesInput:
    """What the secretariat records for a case: presentation, innspill in order, vedtak."""

    version: int | None
    presentation: str = ""
    inputs: tuple[str, ...] = ()
    decision: str = ""


@dataclass(frozen=True)
class CorrectionInput:
    """A correction to approved minutes: the corrected texts of one case and why."""

    version: int | None
    reason: str
    decision: str
    inputs: tuple[str, ...] = ()
    presentation: str = ""


@dataclass
class MinutesResult:
    treatment: Treatment
    changes: dict[str, list]
    #: The earlier meeting whose minutes this Godkjenning vedtak approved, if any.
    approved: Meeting | None = None


def split_inputs(text: str) -> tuple[str, ...]:
    """One innspill per line; blank lines are ignored."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _flush(session: Session, what: str) -> None:
    """Flush; a row someone else saved since we read it is refused as a stale edit."""
    try:
        session.flush()
    except StaleDataError:
        raise audit.stale_edit(what) from None


def _meeting_of(treatment: Treatment) -> Meeting:
    if treatment.meeting is None:
        raise InvalidInput(
            "Saken er registrert uten møte; det føres ikke referat for den", field="decision"
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


def _apply_texts(session: Session, treatment: Treatment, values: dict[str, Any]) -> dict[str, list]:
    """Apply presentation/decision/inputs; bump the version when anything changed.

    Innspill live in their own rows, so a change to them alone would leave the treatment's
    version as it was; marking a column modified makes the version move (and be checked).
    """
    inputs = values.pop("inputs", None)
    # No flush on the way (loading the innspill would flush): the caller's _flush() is the
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


def is_approval_item(session: Session, treatment: Treatment) -> bool:
    """Whether the treatment is its meeting's Godkjenning item (the first case of that type)."""
    if treatment.meeting_id is None or treatment.sakstype != "Godkjenning":
        return False
    first = session.scalar(
        select(AgendaItem.treatment_id)
        .join(Treatment, AgendaItem.treatment_id == Treatment.id)
        .where(
            AgendaItem.meeting_id == treatment.meeting_id,
            AgendaItem.kind == "case",
            Treatment.sakstype == "Godkjenning",
        )
        .order_by(AgendaItem.position, AgendaItem.id)
        .limit(1)
    )
    return first == treatment.id


def minutes_awaiting_approval(session: Session, meeting: Meeting) -> Meeting | None:
    """The body's latest meeting before this one whose minutes are not approved (not cancelled)."""
    if meeting.first_date is None:
        return None
    first_day = (
        select(MeetingDay.meeting_id, func.min(MeetingDay.date).label("first"))
        .group_by(MeetingDay.meeting_id)
        .subquery()
    )
    return session.scalar(
        select(Meeting)
        .join(first_day, first_day.c.meeting_id == Meeting.id)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.id != meeting.id,
            Meeting.status != "avlyst",
            Meeting.minutes_status != "godkjent",
            first_day.c.first < meeting.first_date,
        )
        .order_by(first_day.c.first.desc(), Meeting.id.desc())
        .limit(1)
    )


def record_minutes(
    session: Session, user: User | None, treatment: Treatment, data: MinutesInput
) -> MinutesResult:
    """Record what was presented, the innspill and the vedtak of a case.

    Refused on a stale form, on locked minutes, and without vedtak once the meeting is held
    (except Eventuelt, where nothing means "Det kom ingen saker til eventuelt."). A vedtak
    on the meeting's Godkjenning item approves the previous meeting's minutes.
    """
    meeting = _meeting_of(treatment)
    audit.check_version(treatment, data.version, "Saken")
    if meeting.minutes_locked:
        raise Conflict(LOCKED_MESSAGE, field="decision")
    if meeting.status == "avlyst":
        raise InvalidInput("Møtet er avlyst; det føres ikke referat", field="decision")
    decision = (data.decision or "").strip()
    if not decision and meeting.status in HELD_STATUSES and treatment.sakstype != "Eventuelt":
        raise InvalidInput("Vedtak må fylles ut når møtet er gjennomført", field="decision")
    changes = _apply_texts(
        session,
        treatment,
        {
            "presentation": (data.presentation or "").strip(),
            "decision": decision,
            "inputs": tuple(t.strip() for t in data.inputs if t.strip()),
        },
    )
    _flush(session, "Saken")
    approved = None
    already = session.scalar(
        select(Meeting.id).where(Meeting.minutes_approved_by_id == treatment.id)
    )
    if decision and already is None and is_approval_item(session, treatment):
        approved = approve_previous_minutes(session, user, treatment, missing_ok=True)
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
    return MinutesResult(treatment, changes, approved)


def send_minutes(session: Session, user: User | None, meeting: Meeting) -> Meeting:
    """Send the draft minutes of a held meeting to the members (they may then read them)."""
    if meeting.minutes_status == "sendt":
        raise Conflict("Referatet er allerede sendt til medlemmene", field="minutes_status")
    if meeting.minutes_status == "godkjent":
        raise Conflict("Referatet er allerede godkjent", field="minutes_status")
    if meeting.status != "gjennomført":
        raise InvalidInput(
            "Referatet kan sendes til medlemmene når møtet er gjennomført", field="status"
        )
    missing = [
        i.treatment.number
        for i in meeting.items
        if i.kind == "case" and i.treatment.sakstype != "Eventuelt" and not i.treatment.decision
    ]
    if missing:
        raise InvalidInput(
            f"Vedtak mangler i sak {', '.join(missing)}. Fyll inn vedtakene før referatet sendes.",
            field="minutes_status",
        )
    changes = audit.diff(meeting, {"minutes_status": "sendt"})
    _flush(session, "Møtet")
    audit.record(
        session,
        user,
        "minutes.send",
        meeting,
        f"Referatet fra møte {meeting.number} i {meeting.body.short_name} ble sendt til medlemmene",
        body=meeting.body,
        changes=changes,
    )
    return meeting


def approve_previous_minutes(
    session: Session, user: User | None, treatment: Treatment, *, missing_ok: bool = False
) -> Meeting | None:
    """Approve the previous meeting's minutes under this meeting's Godkjenning item.

    The previous meeting is the body's latest one before this whose minutes are not
    approved; it becomes "referat godkjent" and its minutes are locked, and the statuses it
    decided for change requests take effect. Minutes not yet sent to the members are
    refused. With `missing_ok`, no such meeting is not an error.
    """
    meeting = _meeting_of(treatment)
    if not is_approval_item(session, treatment):
        raise InvalidInput(
            "Referatet fra forrige møte godkjennes under godkjenningssaken (den første saken "
            "med sakstype Godkjenning) i neste møte",
            field="decision",
        )
    previous = minutes_awaiting_approval(session, meeting)
    if previous is None:
        if missing_ok:
            return None
        raise NotFound(
            f"{meeting.body.short_name} har ikke noe tidligere referat som venter på godkjenning",
            field="decision",
        )
    if previous.minutes_status == "utkast":
        raise Conflict(
            f"Referatet fra møte {previous.number} i {previous.body.short_name} er ikke sendt til medlemmene ennå, og kan ikke "
            "godkjennes før det er sendt. Send referatet først.",
            field="decision",
        )
    changes = audit.diff(previous, {"minutes_status": "godkjent", "status": "referat godkjent"})
    previous.minutes_approved_by = treatment
    previous.minutes_approved_at = utcnow()
    changes["minutes_approved_by"] = [None, f"{treatment.number} ({meeting.title})"]
    _flush(session, "Møtet")
    audit.record(
        session,
        user,
        "minutes.approve",
        previous,
        f"Referatet fra møte {previous.number} i {previous.body.short_name} ble godkjent i sak {treatment.number} ({meeting.title})",
        body=meeting.body,
        changes=changes,
    )
    # Imported here: change_outcomes builds on this module. What the approved meeting
    # decided about change requests now reaches their statuses.
    from govern.services.change_outcomes import apply_approved_minutes

    apply_approved_minutes(session, previous, user)
    return previous


def correct_minutes(
    session: Session,
    user: User | None,
    meeting: Meeting,
    treatment: Treatment,
    data: CorrectionInput,
) -> MinutesRevision:
    """Correct a case in approved minutes: apply the change and write it as a new revision."""
    if not meeting.minutes_locked:
        raise Conflict(
            "Referatet er ikke godkjent ennå; før endringene direkte på saken", field="reason"
        )
    if treatment.meeting_id != meeting.id:
        raise NotFound("Saken hører ikke til dette møtet", field="treatment")
    audit.check_version(treatment, data.version, "Saken")
    reason = (data.reason or "").strip()
    if not reason:
        raise InvalidInput("Skriv hvorfor referatet rettes", field="reason")
    decision = (data.decision or "").strip()
    if not decision and treatment.sakstype != "Eventuelt":
        raise InvalidInput("Vedtak må fylles ut når møtet er gjennomført", field="decision")
    last = session.scalar(
        select(func.max(MinutesRevision.number)).where(MinutesRevision.meeting_id == meeting.id)
    )
    changes = _apply_texts(
        session,
        treatment,
        {
            "presentation": (data.presentation or "").strip(),
            "decision": decision,
            "inputs": tuple(t.strip() for t in data.inputs if t.strip()),
        },
    )
    if not changes:
        raise InvalidInput(
            "Ingenting er endret; skriv den rettede teksten før du lagrer", field="decision"
        )
    revision = MinutesRevision(
        meeting_id=meeting.id,
        number=(last or 1) + 1,
        user_id=user.id if getattr(user, "is_authenticated", False) else None,
        reason=reason,
        changes=[
            {"treatment": treatment.number, "field": name, "before": before, "after": after}
            for name, (before, after) in changes.items()
        ],
    )
    session.add(revision)
    # Touching the meeting makes two corrections saved at once collide on its version
    # instead of on the revision number.
    meeting.updated_at = utcnow()
    _flush(session, "Referatet")
    audit.record(
        session,
        user,
        "minutes.correct",
        meeting,
        f"Referatet fra møte {meeting.number} i {meeting.body.short_name} ble rettet i revisjon {revision.number} "
        f"(sak {treatment.number}): {reason}",
        body=meeting.body,
        changes=changes,
    )
    return revision
