"""The rows a meeting's calendar events are built from, and their fingerprints.

A feed is asked for often and changes seldom, and then only in one meeting or two. So each
meeting's events are kept under a fingerprint of the rows they are built from: the database
writes those rows as JSON text (per meeting, in one query), which is hashed here, and only
meetings whose fingerprint is new are fetched as typed rows (calendar_sources) and built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from hashlib import sha256

from sqlalchemy import (
    JSON,
    Date,
    Integer,
    Text,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.models.people import Person

#: Columns no calendar event shows, left out of the calendar rows and their fingerprints (a
#: test builds every demo meeting's events from these rows and from the full objects and
#: compares the bytes, so a column the events come to use cannot be left out unnoticed).
_UNUSED_IN_CALENDARS = {
    Meeting: (
        "agenda_shared",
        "minutes_status",
        "minutes_approved_by_id",
        "minutes_approved_at",
        "version",
    ),
    Body: ("kind", "status", "mandate", "external", "escalates_to_id", "version"),
    AgendaItem: ("version",),
    Treatment: (
        "body_id",
        "meeting_id",
        "summary",
        "proposed_decision",
        "presenter",
        "presentation",
        "decision",
        "decided_on",
        "version",
    ),
    Case: (
        "key",
        "sakseier",
        "saksbehandler",
        "sakseier_id",
        "saksbehandler_id",
        "version",
        "follows_id",
        "created_at",
    ),
    Person: ("organisation_id", "feed_token"),
}


@cache
def _calendar_columns() -> dict[type, tuple[list, dict[str, int], list[str]]]:
    """Per model: the columns calendar_sources selects, their positions by name, and the
    attribute each one fills."""
    result = {}
    for model in (Meeting, Body, MeetingDay, AgendaItem, Treatment, Case, Membership, Person):
        leave_out = _UNUSED_IN_CALENDARS.get(model, ())
        columns = [c for c in model.__table__.c if c.name not in leave_out]
        at = {c.name: n for n, c in enumerate(columns)}
        keys = [model.__mapper__.get_property_by_column(c).key for c in columns]
        result[model] = (columns, at, keys)
    return result


@dataclass(frozen=True)
class CalendarSource:
    """The rows (plain tuples in column order) one meeting's calendar events are built from."""

    meeting_id: int
    first_date: date | None
    updated_at: datetime | None
    meeting: tuple
    body: tuple
    days: tuple[tuple, ...]
    #: (agenda item, treatment, case) per item; treatment and case all None for other kinds.
    items: tuple[tuple[tuple, tuple, tuple], ...]
    #: (membership, person) for each of the body's secretariat memberships.
    secretariat: tuple[tuple[tuple, tuple], ...]


def _split(row, *models) -> tuple[tuple, ...]:
    """A joined row cut into one tuple per model, in the order the columns were selected."""
    columns = _calendar_columns()
    parts, start = [], 0
    for model in models:
        width = len(columns[model][0])
        parts.append(tuple(row[start : start + width]))
        start += width
    return tuple(parts)


@cache
def _calendar_statements() -> tuple:
    """The four selects of calendar_sources, made once (the meetings' one still takes WHERE)."""
    cols = {model: columns for model, (columns, _, _) in _calendar_columns().items()}
    m, d, i, ms = (x.__table__ for x in (Meeting, MeetingDay, AgendaItem, Membership))
    ids = bindparam("ids", expanding=True)
    return (
        select(*cols[Meeting], *cols[Body]).join_from(m, Body.__table__),
        select(*cols[MeetingDay]).where(d.c.meeting_id.in_(ids)).order_by(d.c.date, d.c.id),
        select(*cols[AgendaItem], *cols[Treatment], *cols[Case])
        .select_from(i.outerjoin(Treatment.__table__).outerjoin(Case.__table__))
        .where(i.c.meeting_id.in_(ids))
        .order_by(i.c.position, i.c.id),
        select(*cols[Membership], *cols[Person])
        .join_from(ms, Person.__table__, ms.c.person_id == Person.__table__.c.id)
        .where(ms.c.body_id.in_(bindparam("body_ids", expanding=True)))
        .where(ms.c.role == "sekretariat")
        .order_by(ms.c.id),
    )


def calendar_sources(session: Session, *where) -> list[CalendarSource]:
    """Meetings for calendar files as plain table rows, by year and number: four queries.

    No ORM objects are made (calendar_snapshot makes light ones from these rows).
    """
    at = {model: positions for model, (_, positions, _) in _calendar_columns().items()}
    meetings, days_stmt, items_stmt, secretariat_stmt = _calendar_statements()
    m = Meeting.__table__
    conn = session.connection()
    stmt = meetings.where(*where).order_by(m.c.year, m.c.seq, m.c.id)
    heads = [_split(row, Meeting, Body) for row in conn.execute(stmt)]
    if not heads:
        return []
    ids = [meeting[at[Meeting]["id"]] for meeting, _ in heads]
    days: dict[int, list] = {n: [] for n in ids}
    for row in conn.execute(days_stmt, {"ids": ids}):
        days[row[at[MeetingDay]["meeting_id"]]].append(tuple(row))
    items: dict[int, list] = {n: [] for n in ids}
    for row in conn.execute(items_stmt, {"ids": ids}):
        item = _split(row, AgendaItem, Treatment, Case)
        items[item[0][at[AgendaItem]["meeting_id"]]].append(item)
    body_ids = sorted({body[at[Body]["id"]] for _, body in heads})
    secretariat: dict[int, list] = {n: [] for n in body_ids}
    for row in conn.execute(secretariat_stmt, {"body_ids": body_ids}):
        membership, person = _split(row, Membership, Person)
        secretariat[membership[at[Membership]["body_id"]]].append((membership, person))
    sources = []
    for meeting, body in heads:
        key, body_id = meeting[at[Meeting]["id"]], body[at[Body]["id"]]
        sources.append(
            CalendarSource(
                meeting_id=key,
                first_date=days[key][0][at[MeetingDay]["date"]] if days[key] else None,
                updated_at=meeting[at[Meeting]["updated_at"]],
                meeting=meeting,
                body=body,
                days=tuple(days[key]),
                items=tuple(items[key]),
                secretariat=tuple(secretariat[body_id]),
            )
        )
    return sources


@dataclass(frozen=True)
class Fingerprint:
    """A meeting in a calendar, and a digest of every row its events are built from."""

    meeting_id: int
    first_date: date | None
    updated_at: datetime | None
    #: SHA-256 of the rows as JSON: equal digests, equal rows, equal events (for the
    #: same base URL and day). The same rows listed in another order give another digest,
    #: which costs a rebuild, never a stale event.
    digest: bytes


def _json_functions(dialect: str) -> tuple:
    """(row as a JSON array, JSON array of rows) in the dialect, both as text."""
    if dialect == "sqlite":
        return func.json_array, func.json_group_array
    return func.json_build_array, lambda row: cast(func.json_agg(row), Text)


@cache
def _fingerprint_statement(dialect: str):
    """Per meeting in `ids`: its first date, updated_at, and its rows as JSON text.

    The same rows as calendar_sources: the meeting and its body, its days, its agenda items
    with their treatments and cases, and the body's secretariat with their people. JSON
    quotes every value, so different rows never give the same text. One statement object,
    so its compiled form is reused.
    """
    cols = {model: columns for model, (columns, _, _) in _calendar_columns().items()}
    m, d, i, ms = (x.__table__ for x in (Meeting, MeetingDay, AgendaItem, Membership))
    t, c, p = (x.__table__ for x in (Treatment, Case, Person))
    row, rows = _json_functions(dialect)
    parts = (
        select(rows(row(*cols[MeetingDay]))).where(d.c.meeting_id == m.c.id),
        select(rows(row(*cols[AgendaItem], *cols[Treatment], *cols[Case])))
        .select_from(i.outerjoin(t).outerjoin(c))
        .where(i.c.meeting_id == m.c.id),
        select(rows(row(*cols[Membership], *cols[Person])))
        .select_from(ms.join(p, ms.c.person_id == p.c.id))
        .where(ms.c.body_id == m.c.body_id, ms.c.role == "sekretariat"),
    )
    first = select(func.min(d.c.date)).where(d.c.meeting_id == m.c.id).scalar_subquery()
    head = row(*cols[Meeting], *cols[Body])
    return (
        select(
            m.c.id,
            type_coerce(first, Date),
            m.c.updated_at,
            cast(head, Text) if dialect != "sqlite" else head,
            *(part.scalar_subquery() for part in parts),
        )
        .join_from(m, Body.__table__)
        .where(_in_ids(dialect, m.c.id))
        .order_by(m.c.year, m.c.seq, m.c.id)
    )


def _in_ids(dialect: str, column):
    """`column IN :ids` with the ids as one parameter (a JSON list on SQLite, an array on
    PostgreSQL), so the statement's SQL is the same for any number of ids."""
    if dialect == "sqlite":
        ids = bindparam("ids", type_=JSON)
        return column.in_(select(literal_column("value")).select_from(func.json_each(ids)))
    return column == any_(bindparam("ids", type_=postgresql.ARRAY(Integer)))


def fingerprints(session: Session, *where) -> list[Fingerprint]:
    """The meetings matching `where`, by year and number, with their fingerprints.

    Two queries: the meetings' ids, then their rows as text, made by the database; only the
    digests are computed here.
    """
    conn = session.connection()
    ids = list(conn.execute(select(Meeting.__table__.c.id).where(*where)).scalars())
    if not ids:
        return []
    stmt = _fingerprint_statement(conn.dialect.name)
    result = []
    for meeting_id, first_date, updated_at, *texts in conn.execute(stmt, {"ids": ids}):
        text = "\x1f".join(part or "" for part in texts)
        digest = sha256(text.encode()).digest()
        result.append(Fingerprint(meeting_id, first_date, updated_at, digest))
    return result


def _instance(model, values: tuple):
    """A transient model object holding the given column values, as if loaded (no events,
    never in a session)."""
    keys = _calendar_columns()[model][2]
    obj = model.__mapper__.class_manager.new_instance()
    obj.__dict__.update(zip(keys, values, strict=True))
    return obj


def calendar_snapshot(source: CalendarSource) -> Meeting:
    """The meeting of a CalendarSource as transient model objects, for the calendar builders.

    Only what the events use is filled in: days, agenda items with treatments and cases,
    the body, and as the body's memberships only its secretariat (with their people).
    """
    meeting = _instance(Meeting, source.meeting)
    body = _instance(Body, source.body)
    set_committed_value(meeting, "body", body)
    set_committed_value(meeting, "days", [_instance(MeetingDay, row) for row in source.days])
    items = []
    for item_row, treatment_row, case_row in source.items:
        item = _instance(AgendaItem, item_row)
        treatment = None
        if item.treatment_id is not None:
            treatment = _instance(Treatment, treatment_row)
            set_committed_value(treatment, "case", _instance(Case, case_row))
        set_committed_value(item, "treatment", treatment)
        items.append(item)
    set_committed_value(meeting, "items", items)
    memberships = []
    for membership_row, person_row in source.secretariat:
        membership = _instance(Membership, membership_row)
        set_committed_value(membership, "person", _instance(Person, person_row))
        memberships.append(membership)
    set_committed_value(body, "memberships", memberships)
    return meeting
