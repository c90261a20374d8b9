"""Annual cycles (årshjul): creating cycles and entries with their rules checked, marking
deadlines done, and loading a year's plan.

Every rule is checked before anything is written: 31 February, week 54, a period that ends
before it begins, an entry counted from itself or in a circle, a meeting-relative entry in
a cycle without a body: each gets a Norwegian message naming the field, and nothing is saved.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.domain.cycle_plan import Occurrence, occurrences
from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.bodies import Body
from govern.models.cycles import Cycle, CycleEntry, DeadlineMark
from govern.models.meetings import Meeting, MeetingDay
from govern.models.people import Person
from govern.services import audit
from govern.services.cycle_rules import (
    MAX_OFFSET_DAYS,
    PERIOD_NAMES,
    SLUG_RE,
    CycleInput,
    EntryInput,
    entry_values,
    text,
)
from govern.services.errors import Conflict, InvalidInput, NotFound

#: Also importable from here: the inputs and the limits forms show.
__all__ = [
    "MAX_OFFSET_DAYS",
    "PERIOD_NAMES",
    "CycleInput",
    "EntryInput",
    "add_entry",
    "body_year_plan",
    "create_cycle",
    "cycles_of",
    "delete_entry",
    "find_entry",
    "mark_done",
    "marks_for",
    "meetings_around",
    "plan_between",
    "undo_done",
    "update_entry",
]

# -- cycles and entries -----------------------------------------------------------------------


def create_cycle(
    session: Session, data: CycleInput, body: Body | None = None, user: User | None = None
) -> Cycle:
    name = text(data.name, _("Navn"), "name", 200, required=True)
    slug = (data.slug or "").strip() or _slugify(name)
    if not SLUG_RE.match(slug) or len(slug) > 80:
        raise InvalidInput(
            _("Adressen kan bare ha små bokstaver a–z, tall og bindestrek"), field="slug"
        )
    if session.scalar(select(Cycle.id).where(Cycle.slug == slug)):
        raise Conflict(
            _("Det finnes allerede et årshjul med adressen «%(slug)s»", slug=slug), field="slug"
        )
    cycle = Cycle(
        name=name,
        slug=slug,
        description=text(data.description, _("Beskrivelse"), "description", 5000),
        body=body,
    )
    session.add(cycle)
    session.flush()
    audit.record(session, user, "cycle.create", cycle, f"Årshjul «{name}» opprettet", body=body)
    return cycle


def _slugify(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(table)).strip("-")
    return slug[:80].strip("-") or "arshjul"


def add_entry(
    session: Session, cycle: Cycle, data: EntryInput, user: User | None = None
) -> CycleEntry:
    values = entry_values(session, cycle, data)
    position = max((e.position for e in cycle.entries), default=0) + 1
    entry = CycleEntry(cycle=cycle, position=position, **values)
    session.add(entry)
    session.flush()
    audit.record(
        session,
        user,
        "cycle.entry.create",
        entry,
        f"Frist «{entry.title}» lagt til i {cycle.name}",
        body=cycle.body,
    )
    return entry


def update_entry(
    session: Session,
    entry: CycleEntry,
    data: EntryInput,
    version: int | None,
    user: User | None = None,
) -> CycleEntry:
    audit.check_version(entry, version, _("Fristen"))
    values = entry_values(session, entry.cycle, data, entry)
    changes = audit.diff(entry, values)
    session.flush()
    audit.record(
        session,
        user,
        "cycle.entry.update",
        entry,
        f"Frist «{entry.title}» endret",
        body=entry.cycle.body,
        changes=changes,
    )
    return entry


def delete_entry(session: Session, entry: CycleEntry, user: User | None = None) -> None:
    """Remove an entry; refused while another entry is counted from it."""
    dependants = session.scalars(
        select(CycleEntry.title).where(CycleEntry.relative_to_id == entry.id)
    ).all()
    if dependants:
        names = ", ".join(f"«{t}»" for t in dependants)
        raise Conflict(
            ngettext(
                "%(names)s regnes fra denne fristen. Endre eller slett den først.",
                "%(names)s regnes fra denne fristen. Endre eller slett dem først.",
                len(dependants),
                names=names,
            ),
            field="relative_to_id",
        )
    audit.record(
        session,
        user,
        "cycle.entry.delete",
        entry,
        f"Frist «{entry.title}» slettet",
        body=entry.cycle.body,
    )
    session.delete(entry)
    session.flush()


# -- marks ------------------------------------------------------------------------------------


def deadline_mark(session: Session, entry: CycleEntry, key: str) -> DeadlineMark:
    """The mark of one occurrence of an entry (made, not yet done, when it has none)."""
    mark = session.scalar(
        select(DeadlineMark).where(
            DeadlineMark.entry_id == entry.id, DeadlineMark.occurrence == key
        )
    )
    if mark is None:
        mark = DeadlineMark(entry=entry, occurrence=key)
        session.add(mark)
    return mark


def _check_key(key: str) -> str:
    if not re.fullmatch(r"[ym]\d{1,12}", key or ""):
        raise NotFound(_("Fristen finnes ikke"))
    return key


def mark_done(
    session: Session, entry: CycleEntry, key: str, person: Person | None, user: User | None = None
) -> DeadlineMark:
    """Mark one occurrence done, by whom; it stays done when its meeting moves."""
    mark = deadline_mark(session, entry, _check_key(key))
    if mark.done_at is None:
        mark.done_at, mark.done_by = utcnow(), person
        session.flush()
        audit.record(
            session,
            user,
            "cycle.deadline.done",
            entry,
            f"Frist «{entry.title}» ({key}) utført",
            body=entry.cycle.body,
        )
    return mark


def undo_done(session: Session, entry: CycleEntry, key: str, user: User | None = None) -> None:
    mark = deadline_mark(session, entry, _check_key(key))
    if mark.done_at is not None:
        mark.done_at, mark.done_by = None, None
        session.flush()
        audit.record(
            session,
            user,
            "cycle.deadline.undone",
            entry,
            f"Frist «{entry.title}» ({key}) ikke lenger utført",
            body=entry.cycle.body,
        )


# -- loading plans ----------------------------------------------------------------------------


def cycles_of(session: Session, body: Body | None) -> list[Cycle]:
    """A body's cycles (or the shared ones), with entries loaded."""
    where = Cycle.body_id == body.id if body is not None else Cycle.body_id.is_(None)
    return list(
        session.scalars(
            select(Cycle)
            .where(where)
            .options(
                selectinload(Cycle.entries).selectinload(CycleEntry.relative_to),
                selectinload(Cycle.entries).selectinload(CycleEntry.reminder_person),
            )
            .order_by(Cycle.name, Cycle.id)
        )
    )


def meetings_around(session: Session, body_ids, first: date, last: date) -> list[Meeting]:
    """Meetings of the bodies from a quarter before `first` to a quarter after `last`:
    enough to place every deadline that falls in between (and the 'next meeting' after)."""
    if not body_ids:
        return []
    lo, hi = first - timedelta(days=120), last + timedelta(days=200)
    return list(
        session.scalars(
            select(Meeting)
            .where(
                Meeting.body_id.in_(list(body_ids)),
                Meeting.id.in_(
                    select(MeetingDay.meeting_id).where(MeetingDay.date.between(lo, hi))
                ),
            )
            .options(selectinload(Meeting.days), selectinload(Meeting.body))
        )
    )


def marks_for(session: Session, entries) -> dict[tuple[int, str], DeadlineMark]:
    ids = [e.id for e in entries]
    if not ids:
        return {}
    rows = session.scalars(
        select(DeadlineMark)
        .where(DeadlineMark.entry_id.in_(ids))
        .options(selectinload(DeadlineMark.done_by))
    )
    return {(m.entry_id, m.occurrence): m for m in rows}


def plan_between(
    session: Session, cycles: list[Cycle], first: date, last: date, today: date | None = None
) -> list[Occurrence]:
    """The occurrences of several cycles in a date range, each with its body's meetings."""
    result: list[Occurrence] = []
    body_ids = {c.body_id for c in cycles if c.body_id is not None}
    meetings = meetings_around(session, body_ids, first, last)
    for cycle in cycles:
        entries = cycle.entries
        own = [m for m in meetings if m.body_id == cycle.body_id]
        result += occurrences(entries, own, first, last, marks_for(session, entries), today)
    result.sort(key=lambda o: (o.starts_on, o.ends_on, o.title, o.entry.id))
    return result


def body_year_plan(
    session: Session, body: Body | None, year: int, today: date | None = None
) -> list[Occurrence]:
    """The year's deadlines of a body's cycles (or of the shared cycles)."""
    cycles = cycles_of(session, body)
    first, last = date(year, 1, 1), date(year, 12, 31)
    return plan_between(session, cycles, first, last, today)


def find_entry(session: Session, entry_id: int) -> CycleEntry:
    entry = session.get(CycleEntry, entry_id)
    if entry is None:
        raise NotFound(_("Fristen finnes ikke"))
    return entry
