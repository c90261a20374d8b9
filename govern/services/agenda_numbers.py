"""Case numbers that follow the agenda until the innkalling is sent.

While a meeting is planned (planlagt), its case numbers are provisional: after every change
of the agenda (a case added, moved, removed, a day changed) the meeting's numbers are given
out again in agenda order, so the innkalling never reads 18, 19, 21, Lunsj, 20. The meeting
keeps the numbers it holds (none is taken from another meeting); a removed case takes the
meeting's highest number with it, which goes back to the counter when no number was handed
out after it, so the meeting stays without gaps. Once the innkalling is sent the numbers are
fixed: they have been quoted.

A case added to a planned meeting takes the next number of the body and year; when a later
meeting already holds the numbers after the meeting's own, that would leave a gap in the
meeting (18–24, then 31). close_gaps then gives the numbers of the meetings holding those in
between out again, across the meetings in date and agenda order (18–25 and 26–31), but only
while every one of them is planlagt (no number has been sent out), no number in between is
held outside them, and no meeting would be left with a gap; else nothing moves.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.presentation import items_by_day
from govern.services import audit
from govern.services.meeting_lock import reread_agenda
from govern.services.numbering import give_back_number

#: Added to a number while the meeting's numbers change places, so the unique constraint
#: on (body, year, number) holds after every single row written.
_SHIFT = 10_000_000


def numbers_follow_agenda(meeting: Meeting) -> bool:
    """True while the meeting's case numbers are provisional (the innkalling is not sent)."""
    return meeting.status == "planlagt"


def _treatments_in_order(meeting: Meeting) -> list[Treatment]:
    return [
        item.treatment
        for day in items_by_day(meeting)
        for item in day
        if item.kind == "case" and item.treatment is not None
    ]


def renumber_agenda(session: Session, meeting: Meeting, removed: int | None = None) -> None:
    """Give a planned meeting's case numbers out again in agenda order.

    `removed` is the number of a case just taken off the agenda: the meeting then keeps its
    lowest numbers and gives its highest back when it was the last one handed out.
    """
    if not numbers_follow_agenda(meeting):
        return
    treatments = _treatments_in_order(meeting)
    numbers = sorted(t.seq for t in treatments)
    if removed is not None:
        numbers = sorted([*numbers, removed])
        dropped = numbers.pop()
        session.flush()
        give_back_number(session, meeting.body_id, meeting.year, "case", dropped)
    wanted = dict(zip((t.id for t in treatments), numbers, strict=True))
    moving = [t for t in treatments if t.seq != wanted[t.id]]
    if not moving:
        return
    for t in moving:
        t.seq += _SHIFT
    session.flush()
    for t in moving:
        t.seq = wanted[t.id]
    session.flush()


def _holes(numbers: list[int]) -> set[int]:
    return set(range(min(numbers), max(numbers) + 1)) - set(numbers) if numbers else set()


def _holders(session: Session, meeting: Meeting, numbers: set[int]) -> list[Treatment] | None:
    """The treatments holding `numbers` in the meeting's body and year, or None when one of
    them is not on a planned meeting (its number may have been sent out)."""
    if not numbers:
        return []
    held = session.scalars(
        select(Treatment)
        .where(
            Treatment.body_id == meeting.body_id,
            Treatment.year == meeting.year,
            Treatment.seq.in_(numbers),
        )
        .options(selectinload(Treatment.meeting))
    ).all()
    if any(t.meeting is None or not numbers_follow_agenda(t.meeting) for t in held):
        return None
    return list(held)


def _took_lock(session: Session, meeting: Meeting) -> bool:
    """Lock another planned meeting to renumber it, without waiting: a meeting another
    transaction is changing is left alone (waiting could deadlock on the number counter)."""
    if session.get_bind().dialect.name == "postgresql":
        lock = (
            select(Meeting.id)
            .where(Meeting.id == meeting.id)
            .with_for_update(key_share=True, skip_locked=True)
        )
        if session.execute(lock).first() is None:
            return False
    # SQLite: the transaction holds the database's write lock since its first write.
    session.refresh(meeting)
    reread_agenda(session, meeting)
    return numbers_follow_agenda(meeting)


def _meetings_in_between(session: Session, meeting: Meeting) -> list[Meeting] | None:
    """The meeting and the planned meetings holding the numbers in its gaps (and in theirs),
    locked; None when one of them cannot be renumbered."""
    meetings = {meeting.id: meeting}
    while True:
        numbers = [t.seq for m in meetings.values() for t in _treatments_in_order(m)]
        held = _holders(session, meeting, _holes(numbers))
        if held is None:
            return None
        new = {t.meeting.id: t.meeting for t in held if t.meeting.id not in meetings}
        if not new:
            return list(meetings.values())
        for other in new.values():
            if not _took_lock(session, other):
                return None
        meetings |= new


def close_gaps(session: Session, meeting: Meeting, actor=None) -> list[Meeting]:
    """After a case was added to a planned meeting: close the gap in its numbers left by
    later planned meetings (see the module's text). Returns the other meetings whose
    numbers changed; every meeting whose numbers changed gets an Endringslogg line."""
    if not numbers_follow_agenda(meeting):
        return []
    if not _holes([t.seq for t in _treatments_in_order(meeting)]):
        return []
    meetings = _meetings_in_between(session, meeting)
    if meetings is None or len(meetings) < 2:
        return []
    meetings.sort(key=lambda m: (m.first_date, m.seq))
    in_order = [(m, t) for m in meetings for t in _treatments_in_order(m)]
    numbers = sorted(t.seq for _, t in in_order)
    wanted = {t.id: n for (_, t), n in zip(in_order, numbers, strict=True)}
    for m in meetings:
        if _holes([wanted[t.id] for t in _treatments_in_order(m)]):
            return []  # a number no meeting holds would be inside one: leave them as they are
    moving = [(m, t) for m, t in in_order if t.seq != wanted[t.id]]
    if not moving:
        return []
    before = {t.id: t.number for _, t in moving}
    for _, t in moving:
        t.seq += _SHIFT
    session.flush()
    for _, t in moving:
        t.seq = wanted[t.id]
    session.flush()
    changed = [m for m in meetings if any(c is m for c, _ in moving)]
    for m in changed:
        audit.record(
            session,
            actor,
            "agenda.renumber",
            m,
            f"Saksnumrene i møte {m.number} er gitt ut på nytt i dato- og dagsordenrekkefølge "
            f"etter at en sak ble satt på dagsordenen for møte {meeting.number}",
            body=m.body,
            changes={f"Sak {before[t.id]}": [before[t.id], t.number] for c, t in moving if c is m},
        )
    return [m for m in changed if m is not meeting]
