"""What approving earlier minutes under a meeting's Godkjenning item would lock, or why it
cannot happen now (read only; minutes_locking approves)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.cases import Treatment
from govern.models.meetings import AgendaItem, Meeting, MeetingDay


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
        return _("Referatet fra møte %(number)s er selv godkjent og låst.", number=meeting.number)
    if meeting.status != "gjennomført" and not (held and meeting.status == "innkalt"):
        return _(
            "Referatet fra forrige møte godkjennes når møtet som godkjenner det, er gjennomført. "
            "Møte %(number)s har status «%(status)s».",
            number=meeting.number,
            status=meeting.status_label,
        )
    if not treatment.decision:
        return _(
            "Vedtaket i sak %(number)s (godkjenningssaken) er ikke ført ennå.",
            number=treatment.number,
        )
    if treatment.minutes_postponed:
        return _(
            "Vedtaket i sak %(number)s utsetter godkjenningen av forrige referat; "
            "det godkjennes i et senere møte.",
            number=treatment.number,
        )
    if (
        meeting.body.minutes_approved_when == "minutes_sent"
        and meeting.minutes_status != "sendt"
        and not sending
    ):
        return _(
            "%(body)s godkjenner forrige referat når referatet fra møtet som godkjenner, er "
            "sendt til medlemmene. Send referatet fra møte %(number)s først.",
            body=meeting.body.short_name,
            number=meeting.number,
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
            plan.blocked = _(
                "Referatet fra møte %(number)s i %(body)s er ikke sendt til medlemmene ennå, og "
                "kan ikke godkjennes før det er sendt. Send referatet først.",
                number=unsent[-1].number,
                body=unsent[-1].body.short_name,
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
