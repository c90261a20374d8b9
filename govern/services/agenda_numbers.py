"""Case numbers that follow the agenda until the innkalling is sent.

While a meeting is planned (planlagt), its case numbers are provisional: after every change
of the agenda (a case added, moved, removed, a day changed) the meeting's numbers are given
out again in agenda order, so the innkalling never reads 18, 19, 21, Lunsj, 20. The meeting
keeps the numbers it holds (none is taken from another meeting); a removed case takes the
meeting's highest number with it, which goes back to the counter when no number was handed
out after it, so the meeting stays without gaps. Once the innkalling is sent the numbers are
fixed: they have been quoted.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.presentation import items_by_day
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
