"""Årshjul deadlines that what the secretariat does completes by itself.

An entry counted from each meeting (or the next one) can name an action in `completed_by`:
the innkalling sent, the toppnotater ready, the minutes sent, the minutes approved. When the
action happens for a meeting, that meeting's occurrence is marked done, by the person who
did it, as if they had pressed «Marker som utført» (the mark is the same DeadlineMark).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cycles import Cycle, CycleEntry
from govern.models.meetings import Meeting
from govern.services import audit
from govern.services.cycles import deadline_mark

#: Sakstyper whose items have no toppnotat.
_NO_MEMO = ("Godkjenning", "Eventuelt")


def complete_deadlines(
    session: Session, meeting: Meeting, action: str, user: User | None = None
) -> list[CycleEntry]:
    """Mark done the meeting's occurrences of the body's entries completed by `action`."""
    entries = session.scalars(
        select(CycleEntry)
        .join(Cycle, Cycle.id == CycleEntry.cycle_id)
        .where(
            Cycle.body_id == meeting.body_id,
            CycleEntry.completed_by == action,
            CycleEntry.when_kind == "meeting",
        )
    ).all()
    key = f"m{meeting.id}"
    done = []
    for entry in entries:
        mark = deadline_mark(session, entry, key)
        if mark.done_at is not None:
            continue
        mark.done_at = utcnow()
        mark.done_by = user.person if user is not None else None
        session.flush()
        audit.record(
            session,
            user,
            "cycle.deadline.done",
            entry,
            f"Frist «{entry.title}» for møte {meeting.number} utført",
            body=meeting.body,
        )
        done.append(entry)
    return done


def toppnotater_ready(meeting: Meeting) -> bool:
    """Every case on the agenda (but Godkjenning and Eventuelt) has its toppnotat."""
    cases = [
        i.treatment
        for i in meeting.items
        if i.treatment is not None and i.treatment.sakstype not in _NO_MEMO
    ]
    return bool(cases) and all(t.memo is not None and not t.memo.is_empty for t in cases)


def complete_if_toppnotater_ready(
    session: Session, meeting: Meeting | None, user: User | None = None
) -> None:
    """After a toppnotat was written: complete «Toppnotater klare» once all are there."""
    if meeting is not None and toppnotater_ready(meeting):
        complete_deadlines(session, meeting, "toppnotater", user)
