"""Locks of a meeting that changes to its agenda and files take turns on."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from govern.models.meetings import AgendaItem, Meeting


def lock_meeting(session: Session, meeting: Meeting) -> None:
    """Wait until no other transaction holds this lock of the meeting, then read it afresh.

    The lock is the meeting row (FOR NO KEY UPDATE, which inserts that refer to the meeting
    do not wait for) on PostgreSQL and the database write lock on SQLite; both last until
    the transaction ends. Changes that read the meeting's agenda or files and then add to
    them take turns on it.
    """
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        lock = select(Meeting).where(Meeting.id == meeting.id).with_for_update(key_share=True)
        session.execute(lock.execution_options(populate_existing=True)).one()
    else:
        # The first write of an SQLite transaction takes the database's write lock; this one
        # changes nothing (plain SQL, so no onupdate column or version is touched).
        statement = text("UPDATE meetings SET version = version WHERE id = :id")
        session.execute(statement, {"id": meeting.id})
        session.refresh(meeting)


def lock_agenda(session: Session, meeting: Meeting) -> None:
    """Lock the meeting (lock_meeting) and read its agenda afresh.

    A new item moves and may renumber items already there (Eventuelt takes the next number
    and moves down), so additions at the same moment take turns instead of failing on each
    other's versions. Edits of one item keep their version check.
    """
    lock_meeting(session, meeting)
    reread_agenda(session, meeting)


def reread_agenda(session: Session, meeting: Meeting) -> None:
    """Read the meeting's agenda items (and their treatments) afresh from the database."""
    session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .options(selectinload(AgendaItem.treatment))
        .execution_options(populate_existing=True)
    ).all()
    session.expire(meeting, ["items"])
