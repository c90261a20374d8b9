"""Annual cycles (årshjul): creating cycles and entries with their rules checked, marking
deadlines done, and loading a year's plan.

Every rule is checked before anything is written: 31 February, week 54, a period that ends
before it begins, an entry counted from itself or in a circle, a meeting-relative entry in
a cycle without a body: each gets a Norwegian message naming the field, and nothing is saved.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.bodies import ROLES, Body
from govern.models.cycles import (
    MEETING_ANCHORS,
    PERIOD_UNITS,
    WHEN_KINDS,
    Cycle,
    CycleEntry,
    DeadlineMark,
)
from govern.models.meetings import Meeting, MeetingDay
from govern.models.people import Person
from govern.services import audit
from govern.services.cycle_plan import Occurrence, occurrences
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.timeutil import MONTHS

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: The largest number of each period unit.
PERIOD_LIMITS = {"week": 53, "month": 12, "tertial": 3, "quarter": 4, "half": 2, "season": 2}
PERIOD_NAMES = {
    "week": "Uke",
    "month": "Måned",
    "tertial": "Tertial",
    "quarter": "Kvartal",
    "half": "Halvår",
    "season": "Sesong",
}
#: An offset further than this from its anchor is surely a typing error.
MAX_OFFSET_DAYS = 366


@dataclass(frozen=True)
class CycleInput:
    name: str
    slug: str = ""
    description: str = ""


@dataclass(frozen=True)
class EntryInput:
    """An entry as typed: `when_kind` picks which of the time fields count."""

    title: str
    when_kind: str
    responsible: str = ""
    recipient: str = ""
    description: str = ""
    month: int | None = None
    day: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    period_unit: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    offset_days: int | None = None
    meeting_anchor: str | None = None
    relative_to_id: int | None = None
    reminder_days: int | None = None
    reminder_role: str | None = None
    reminder_person_id: int | None = None


# -- checking ---------------------------------------------------------------------------------


def _text(value: str | None, label: str, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{label} må fylles ut", field=field)
    if len(value) > limit:
        raise InvalidInput(f"{label} kan ha høyst {limit} tegn", field=field)
    return value


def _check_day(month: int | None, day: int | None, field: str) -> None:
    """A day that exists in some year (29 February does; 31 February does not)."""
    if month is None or day is None:
        raise InvalidInput("Velg dag og måned", field=field)
    if not 1 <= month <= 12:
        raise InvalidInput(f"Måned {month} finnes ikke; bruk 1–12", field=field)
    last = calendar.monthrange(2024, month)[1]  # 2024 is a leap year: 29 February exists
    if not 1 <= day <= last:
        raise InvalidInput(
            f"{day}. {MONTHS[month - 1]} finnes ikke; {MONTHS[month - 1]} har {last} dager",
            field=field,
        )


def _check_time(session: Session, cycle: Cycle, data: EntryInput, entry: CycleEntry | None):
    kind = data.when_kind
    if kind not in WHEN_KINDS:
        raise InvalidInput("Velg når fristen er", field="when_kind")
    if kind in ("date", "span"):
        _check_day(data.month, data.day, "day")
    if kind == "span":
        _check_day(data.end_month, data.end_day, "end_day")
        if (data.end_month, data.end_day) < (data.month, data.day):
            raise InvalidInput("Perioden slutter før den begynner", field="end_day")
    if kind == "period":
        unit = data.period_unit
        if unit not in PERIOD_UNITS:
            raise InvalidInput("Velg hva slags periode", field="period_unit")
        limit = PERIOD_LIMITS[unit]
        name = PERIOD_NAMES[unit]
        for value, field in ((data.period_start, "period_start"), (data.period_end, "period_end")):
            if value is None and field == "period_end":
                continue
            if value is None or not 1 <= value <= limit:
                raise InvalidInput(
                    f"{name} {value if value is not None else ''} finnes ikke; bruk 1–{limit}".replace(
                        "  ", " "
                    ),
                    field=field,
                )
        if data.period_end is not None and data.period_end < data.period_start:
            raise InvalidInput("Perioden slutter før den begynner", field="period_end")
    if kind in ("meeting", "entry"):
        if data.offset_days is None:
            raise InvalidInput("Skriv hvor lenge før eller etter", field="offset_days")
        if abs(data.offset_days) > MAX_OFFSET_DAYS:
            raise InvalidInput(
                "Fristen kan ligge høyst ett år fra det den regnes fra", field="offset_days"
            )
    if kind == "meeting":
        if cycle.body_id is None:
            raise InvalidInput(
                "Et felles årshjul har ingen møter å regne fra; regn fra en annen frist",
                field="when_kind",
            )
        if data.meeting_anchor not in MEETING_ANCHORS:
            raise InvalidInput("Velg hvilket møte fristen regnes fra", field="meeting_anchor")
    if kind == "entry":
        _check_relative(session, cycle, data.relative_to_id, entry)


def _check_relative(session: Session, cycle: Cycle, target_id: int | None, entry) -> None:
    """The entry counted from must be in the same cycle, and the rules must not go round."""
    if target_id is None:
        raise InvalidInput("Velg fristen denne regnes fra", field="relative_to_id")
    target = session.get(CycleEntry, target_id)
    if target is None or target.cycle_id != cycle.id:
        raise InvalidInput(
            "Fristen det regnes fra, må være i samme årshjul", field="relative_to_id"
        )
    if entry is not None and target.id == entry.id:
        raise InvalidInput("En frist kan ikke regnes fra seg selv", field="relative_to_id")
    path = [target]
    while path[-1].when_kind == "entry" and path[-1].relative_to is not None:
        following = path[-1].relative_to
        if entry is not None and following.id == entry.id:
            chain = " → ".join([entry.title, *(p.title for p in path), entry.title])
            raise InvalidInput(
                f"Fristene regnes fra hverandre i ring: {chain}", field="relative_to_id"
            )
        if following in path:
            break  # an old circle further on; not this entry's doing
        path.append(following)


def _check_reminder(session: Session, data: EntryInput) -> None:
    if data.reminder_days is None:
        return
    if not 0 <= data.reminder_days <= 90:
        raise InvalidInput("Påminnelse kan sendes 0–90 dager før", field="reminder_days")
    if data.reminder_role is None and data.reminder_person_id is None:
        raise InvalidInput("Velg hvem som skal få påminnelsen", field="reminder_role")
    if data.reminder_role is not None and data.reminder_role not in ROLES:
        raise InvalidInput(f"Ukjent rolle «{data.reminder_role}»", field="reminder_role")
    if data.reminder_person_id is not None and session.get(Person, data.reminder_person_id) is None:
        raise InvalidInput("Personen finnes ikke", field="reminder_person_id")


def _entry_values(session: Session, cycle: Cycle, data: EntryInput, entry=None) -> dict:
    values = {
        "title": _text(data.title, "Tittel", "title", 300, required=True),
        "responsible": _text(data.responsible, "Ansvarlig", "responsible", 200),
        "recipient": _text(data.recipient, "Til", "recipient", 200),
        "description": _text(data.description, "Beskrivelse", "description", 5000),
    }
    _check_time(session, cycle, data, entry)
    _check_reminder(session, data)
    kind = data.when_kind
    values |= {
        "when_kind": kind,
        "month": data.month if kind in ("date", "span") else None,
        "day": data.day if kind in ("date", "span") else None,
        "end_month": data.end_month if kind == "span" else None,
        "end_day": data.end_day if kind == "span" else None,
        "period_unit": data.period_unit if kind == "period" else None,
        "period_start": data.period_start if kind == "period" else None,
        "period_end": (
            data.period_end
            if kind == "period" and data.period_end not in (None, data.period_start)
            else None
        ),
        "offset_days": data.offset_days if kind in ("meeting", "entry") else None,
        "meeting_anchor": data.meeting_anchor if kind == "meeting" else None,
        "relative_to_id": data.relative_to_id if kind == "entry" else None,
        "reminder_days": data.reminder_days,
        "reminder_role": data.reminder_role if data.reminder_days is not None else None,
        "reminder_person_id": (data.reminder_person_id if data.reminder_days is not None else None),
    }
    return values


# -- cycles and entries -----------------------------------------------------------------------


def create_cycle(
    session: Session, data: CycleInput, body: Body | None = None, user: User | None = None
) -> Cycle:
    name = _text(data.name, "Navn", "name", 200, required=True)
    slug = (data.slug or "").strip() or _slugify(name)
    if not SLUG_RE.match(slug) or len(slug) > 80:
        raise InvalidInput(
            "Adressen kan bare ha små bokstaver a–z, tall og bindestrek", field="slug"
        )
    if session.scalar(select(Cycle.id).where(Cycle.slug == slug)):
        raise Conflict(f"Det finnes allerede et årshjul med adressen «{slug}»", field="slug")
    cycle = Cycle(
        name=name,
        slug=slug,
        description=_text(data.description, "Beskrivelse", "description", 5000),
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
    values = _entry_values(session, cycle, data)
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
    audit.check_version(entry, version, "Fristen")
    values = _entry_values(session, entry.cycle, data, entry)
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
            f"{names} regnes fra denne fristen. Endre eller slett {'den' if len(dependants) == 1 else 'dem'} først.",
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


def _mark(session: Session, entry: CycleEntry, key: str) -> DeadlineMark:
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
        raise NotFound("Fristen finnes ikke")
    return key


def mark_done(
    session: Session, entry: CycleEntry, key: str, person: Person | None, user: User | None = None
) -> DeadlineMark:
    """Mark one occurrence done, by whom; it stays done when its meeting moves."""
    mark = _mark(session, entry, _check_key(key))
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
    mark = _mark(session, entry, _check_key(key))
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
        raise NotFound("Fristen finnes ikke")
    return entry
