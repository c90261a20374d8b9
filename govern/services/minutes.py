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


def ensure_minutes_open(
    meeting: Meeting | None, *, field: str | None = None, message: str | None = None
) -> None:
    """The one guard of the record: refuse any change to what approved minutes report.

    Every service that writes attendance, texts, vedtak, the agenda or attachments of a
    meeting calls it; a change after approval goes through the correction flow instead.
    """
    if meeting is not None and meeting.minutes_locked:
        raise Conflict(message or LOCKED_MESSAGE, field=field)


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
    #: Minutes this Godkjenning vedtak may now approve (to be confirmed), if any.
    approval_due: ApprovalPlan | None = None


@dataclass
class LockedMinutes:
    """One meeting's minutes as an approval would lock them: what is in them."""

    meeting: Meeting
    cases: int
    decisions: int
    attendance: int
    attachments: int


@dataclass
class ApprovalPlan:
    """What approving under a meeting's Godkjenning item would lock, or why it cannot."""

    treatment: Treatment
    minutes: list[LockedMinutes]
    #: Why the approval cannot happen now (Norwegian), or "" when it can.
    blocked: str = ""

    @property
    def ready(self) -> bool:
        return bool(self.minutes) and not self.blocked

    @property
    def meetings(self) -> list[Meeting]:
        return [m.meeting for m in self.minutes]


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
    first = _first_approval_item(session, treatment.meeting_id)
    return first is not None and first.id == treatment.id


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
    on the meeting's Godkjenning item approves nothing by itself: the result says which
    minutes it may now approve, for the secretariat to confirm.
    """
    meeting = _meeting_of(treatment)
    audit.check_version(treatment, data.version, "Saken")
    ensure_minutes_open(meeting, field="decision")
    if meeting.status == "avlyst":
        raise InvalidInput("Møtet er avlyst; det føres ikke referat", field="decision")
    decision = (data.decision or "").strip()
    if not decision and meeting.status in HELD_STATUSES and treatment.sakstype != "Eventuelt":
        raise InvalidInput("Vedtak må fylles ut når møtet er gjennomført", field="decision")
    postponed = _postponed(session, treatment, data.postponed, decision)
    with session.no_autoflush:
        changes = audit.diff(treatment, {"minutes_postponed": postponed})
    changes |= _apply_texts(
        session,
        treatment,
        {
            "presentation": (data.presentation or "").strip(),
            "decision": decision,
            "inputs": tuple(t.strip() for t in data.inputs if t.strip()),
        },
    )
    _flush(session, "Saken")
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


def _postponed(session: Session, treatment: Treatment, wanted: bool | None, decision: str) -> bool:
    """The Godkjenning item's choice to postpone the approval; only there, and with a vedtak."""
    if wanted is None:
        return treatment.minutes_postponed
    if wanted and not is_approval_item(session, treatment):
        raise InvalidInput(
            "Bare godkjenningssaken kan utsette godkjenningen av forrige referat",
            field="postponed",
        )
    if wanted and not decision:
        raise InvalidInput(
            "Skriv vedtaket om at referatet ikke godkjennes eller utsettes", field="decision"
        )
    return bool(wanted)


def approval_item(session: Session, meeting: Meeting) -> Treatment | None:
    """The meeting's Godkjenning item (its first case of that type), if it has one."""
    return _first_approval_item(session, meeting.id)


def _first_approval_item(session: Session, meeting_id: int) -> Treatment | None:
    return session.scalar(
        select(Treatment)
        .join(AgendaItem, AgendaItem.treatment_id == Treatment.id)
        .where(
            AgendaItem.meeting_id == meeting_id,
            AgendaItem.kind == "case",
            Treatment.sakstype == "Godkjenning",
        )
        .order_by(AgendaItem.position, AgendaItem.id)
        .limit(1)
    )


def minutes_to_approve(session: Session, meeting: Meeting) -> list[Meeting]:
    """Earlier minutes this meeting approves, oldest first: the latest unapproved ones, and
    any sent earlier whose approval a meeting postponed (sent, never approved)."""
    latest = minutes_awaiting_approval(session, meeting)
    if latest is None:
        return []
    first_day = (
        select(MeetingDay.meeting_id, func.min(MeetingDay.date).label("first"))
        .group_by(MeetingDay.meeting_id)
        .subquery()
    )
    waiting = session.scalars(
        select(Meeting)
        .join(first_day, first_day.c.meeting_id == Meeting.id)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.id != latest.id,
            Meeting.status == "gjennomført",
            Meeting.minutes_status == "sendt",
            first_day.c.first < latest.first_date,
        )
        .order_by(first_day.c.first, Meeting.id)
    )
    return [*waiting, latest]


def _locked_minutes(meeting: Meeting) -> LockedMinutes:
    cases = [i.treatment for i in meeting.items if i.kind == "case" and i.treatment]
    return LockedMinutes(
        meeting=meeting,
        cases=len(cases),
        decisions=sum(1 for t in cases if t.decision),
        attendance=len(meeting.attendance),
        attachments=len(meeting.attachments),
    )


def _approval_refusal(
    meeting: Meeting, treatment: Treatment, *, held: bool = False, sending: bool = False
) -> str:
    """Why this meeting cannot approve earlier minutes now (Norwegian), or ""."""
    if meeting.minutes_locked:
        return f"Referatet fra møte {meeting.number} er selv godkjent og låst."
    if meeting.status != "gjennomført" and not (held and meeting.status == "innkalt"):
        return (
            "Referatet fra forrige møte godkjennes når møtet som godkjenner det, er gjennomført. "
            f"Møte {meeting.number} har status «{meeting.status}»."
        )
    if not treatment.decision:
        return f"Vedtaket i sak {treatment.number} (godkjenningssaken) er ikke ført ennå."
    if treatment.minutes_postponed:
        return (
            f"Vedtaket i sak {treatment.number} utsetter godkjenningen av forrige referat; "
            "det godkjennes i et senere møte."
        )
    if (
        meeting.body.minutes_approved_when == "minutes_sent"
        and meeting.minutes_status != "sendt"
        and not sending
    ):
        return (
            f"{meeting.body.short_name} godkjenner forrige referat når referatet fra møtet som "
            f"godkjenner, er sendt til medlemmene. Send referatet fra møte {meeting.number} først."
        )
    return ""


def plan_approval(
    session: Session, meeting: Meeting, *, held: bool = False, sending: bool = False
) -> ApprovalPlan | None:
    """What the meeting's Godkjenning item would approve and lock now, or None if nothing.

    `held` asks as if the meeting were marked held, `sending` as if its minutes were being
    sent (the two moments a body's rule may approve at).
    """
    treatment = approval_item(session, meeting)
    if treatment is None:
        return None
    earlier = minutes_to_approve(session, meeting)
    if not earlier:
        return None
    plan = ApprovalPlan(treatment, [_locked_minutes(m) for m in earlier])
    plan.blocked = _approval_refusal(meeting, treatment, held=held, sending=sending)
    if not plan.blocked:
        unsent = [m for m in earlier if m.minutes_status == "utkast"]
        if unsent:
            plan.blocked = (
                f"Referatet fra møte {unsent[-1].number} i {unsent[-1].body.short_name} er ikke "
                "sendt til medlemmene ennå, og kan ikke godkjennes før det er sendt. Send "
                "referatet først."
            )
    return plan


def approval_due(
    session: Session, meeting: Meeting, *, held: bool = False, sending: bool = False
) -> ApprovalPlan | None:
    """The approval the body's rule makes at this moment (marked held, or minutes sent),
    ready to confirm; None when the rule does not approve now or nothing can be approved."""
    rule = meeting.body.minutes_approved_when
    if (held and rule != "held") or (sending and rule != "minutes_sent"):
        return None
    plan = plan_approval(session, meeting, held=held, sending=sending)
    return plan if plan is not None and plan.ready else None


@dataclass
class SendCheck:
    """What is missing before a meeting's minutes are sent, and what sending approves."""

    no_attendance: bool
    #: Case numbers without vedtak (Eventuelt needs none).
    missing_decisions: list[str]
    approval: ApprovalPlan | None

    @property
    def needs_confirmation(self) -> bool:
        return self.no_attendance or bool(self.missing_decisions) or self.approval is not None


def check_send(session: Session, meeting: Meeting) -> SendCheck:
    """What sending the minutes would leave out, and lock, for the secretariat to confirm."""
    missing = [
        i.treatment.number
        for i in meeting.items
        if i.kind == "case" and i.treatment.sakstype != "Eventuelt" and not i.treatment.decision
    ]
    return SendCheck(
        no_attendance=not meeting.attendance,
        missing_decisions=missing,
        approval=approval_due(session, meeting, sending=True),
    )


def send_minutes(
    session: Session, user: User | None, meeting: Meeting, *, confirmed: bool = False
) -> list[Meeting]:
    """Send the draft minutes of a held meeting to the members (they may then read them).

    Minutes without attendance or with cases without vedtak are sent only when `confirmed`;
    where the body approves the previous minutes when the approving meeting's own minutes
    are sent, that approval happens here too (and needs `confirmed`). Returns the meetings
    whose minutes were approved.
    """
    if meeting.minutes_status == "sendt":
        raise Conflict("Referatet er allerede sendt til medlemmene", field="minutes_status")
    if meeting.minutes_status == "godkjent":
        raise Conflict("Referatet er allerede godkjent", field="minutes_status")
    if meeting.status != "gjennomført":
        raise InvalidInput(
            "Referatet kan sendes til medlemmene når møtet er gjennomført", field="status"
        )
    check = check_send(session, meeting)
    if check.needs_confirmation and not confirmed:
        raise Conflict(
            "Bekreft utsendingen: " + "; ".join(send_warnings(check)), field="minutes_status"
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
    if check.approval is None:
        return []
    return approve_previous_minutes(session, user, check.approval.treatment)


def send_warnings(check: SendCheck) -> list[str]:
    """What the send confirmation says is missing or will be locked (Norwegian)."""
    out = []
    if check.no_attendance:
        out.append("Oppmøtet er ikke registrert")
    if check.missing_decisions:
        out.append(f"Vedtak mangler i sak {', '.join(check.missing_decisions)}")
    if check.approval is not None:
        out += [f"{approval_summary(m)} godkjennes og låses" for m in check.approval.minutes]
    return out


def approval_summary(locked: LockedMinutes) -> str:
    """'Referatet fra møte 1/26 i Fagrådet (8 saker, 8 vedtak, oppmøte for 31 personer,
    3 vedlegg)'."""
    m = locked.meeting

    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    return (
        f"Referatet fra møte {m.number} i {m.body.short_name} ("
        f"{count(locked.cases, 'sak', 'saker')}, {count(locked.decisions, 'vedtak', 'vedtak')}, "
        f"oppmøte for {count(locked.attendance, 'person', 'personer')}, "
        f"{count(locked.attachments, 'vedlegg', 'vedlegg')})"
    )


def approve_previous_minutes(
    session: Session, user: User | None, treatment: Treatment
) -> list[Meeting]:
    """Approve earlier minutes under this meeting's Godkjenning item, as confirmed.

    The approving meeting must be held (gjennomført), its Godkjenning vedtak recorded and
    not postponing, and, where the body's rule says so, its own minutes sent. The minutes
    approved are the latest unapproved ones and any sent earlier whose approval was
    postponed; each becomes "referat godkjent", is locked, and the statuses it decided for
    change requests take effect. Minutes not yet sent to the members are refused.
    """
    meeting = _meeting_of(treatment)
    if not is_approval_item(session, treatment):
        raise InvalidInput(
            "Referatet fra forrige møte godkjennes under godkjenningssaken (den første saken "
            "med sakstype Godkjenning) i neste møte",
            field="decision",
        )
    plan = plan_approval(session, meeting)
    if plan is None:
        raise NotFound(
            f"{meeting.body.short_name} har ikke noe tidligere referat som venter på godkjenning",
            field="decision",
        )
    if plan.blocked:
        raise Conflict(plan.blocked, field="decision")
    approved = []
    for previous in plan.meetings:
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
        approved.append(previous)
    return approved


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
    return new_revision(
        session,
        user,
        meeting,
        reason,
        changes,
        [
            {"treatment": treatment.number, "field": name, "before": before, "after": after}
            for name, (before, after) in changes.items()
        ],
        subject="Referatet",
        where=f" (sak {treatment.number})",
    )


def new_revision(
    session: Session,
    user: User | None,
    meeting: Meeting,
    reason: str,
    changes: dict[str, list],
    entries: list[dict],
    subject: str,
    where: str = "",
) -> MinutesRevision:
    """Write a correction of approved minutes as their next revision (the approved minutes
    are revision 1), with its line in the audit log: "<subject> fra møte 2/26 i Fagrådet ble
    rettet i revisjon 3<where>: <reason>". `changes` is {what: [before, after]}, `entries`
    the revision's own list of changed values."""
    last = session.scalar(
        select(func.max(MinutesRevision.number)).where(MinutesRevision.meeting_id == meeting.id)
    )
    revision = MinutesRevision(
        meeting_id=meeting.id,
        number=(last or 1) + 1,
        user_id=user.id if getattr(user, "is_authenticated", False) else None,
        reason=reason,
        changes=entries,
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
        f"{subject} fra møte {meeting.number} i {meeting.body.short_name} ble rettet i revisjon "
        f"{revision.number}{where}: {reason}",
        body=meeting.body,
        changes=changes,
    )
    return revision
