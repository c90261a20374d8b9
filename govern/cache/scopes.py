"""Which scopes a transaction changed, so a body's calendar feed outlives writes elsewhere.

The data revision (govern/cache/revision.py) goes up on every write, which makes every cached page
and file fresh again. Calendar feeds are polled by many calendars and show one body (or one
person's bodies), so they are kept under the revisions of their scopes instead (see
ScopeRevision): a write in Fagrådet leaves the produktråd's feed in the cache.

Changed objects are mapped to scopes when they are flushed; an object whose scope cannot be
worked out cheaply (a deleted case or person, whose rows cascade away in the database), and
any UPDATE/DELETE/INSERT statement on these tables, counts as "all". At commit, each scope's
row gets the new data revision.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.exc import ObjectDeletedError

from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment
from govern.models.cycles import Cycle, CycleEntry, DeadlineMark
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.models.people import Person
from govern.models.revision import ScopeRevision

ALL = "all"
SHARED = "shared"
_KEY = "govern_changed_scopes"

#: Every table a calendar feed is built from (a test checks calendar_rows reads no other).
FEED_TABLES = frozenset(
    m.__tablename__
    for m in (
        Body, Membership, Person, Meeting, MeetingDay, AgendaItem, Treatment, Case,
        Cycle, CycleEntry, DeadlineMark,
    )
)  # fmt: skip


def body_scope(body_id: int | None) -> str:
    return f"body:{body_id}" if body_id is not None else SHARED


def person_scope(person_id: int) -> str:
    return f"person:{person_id}"


class _Unknown(Exception):
    """The object's rows are gone and its attribute was not loaded: its reach is unknown."""


def _values(obj, attribute: str) -> set:
    """The attribute's value now and, if this flush changed it, before (None included)."""
    values = set(inspect(obj).attrs[attribute].history.deleted)
    try:
        values.add(getattr(obj, attribute))
    except ObjectDeletedError as error:
        raise _Unknown from error
    return values


class _Lookups:
    """Ids whose scopes need a query: meetings, cases, cycles, cycle entries."""

    def __init__(self) -> None:
        self.meetings: set[int] = set()
        self.cases: set[int] = set()
        self.cycles: set[int] = set()
        self.entries: set[int] = set()


def _direct_scopes(obj, new: set, deleted: set, lookups: _Lookups) -> set[str]:
    """The scopes an object names itself; ids to look up go into `lookups`."""
    if isinstance(obj, Body):
        return {body_scope(obj.id)}
    if isinstance(obj, Meeting | Treatment):
        return {body_scope(n) for n in _values(obj, "body_id")}
    if isinstance(obj, Membership):
        bodies = {body_scope(n) for n in _values(obj, "body_id")}
        return bodies | {person_scope(n) for n in _values(obj, "person_id")}
    if isinstance(obj, Cycle):
        return {body_scope(n) for n in _values(obj, "body_id")}
    if isinstance(obj, Case | Person) and obj in deleted:
        return {ALL}  # their rows elsewhere cascade away in the database
    if isinstance(obj, Person):
        # A person's name and address are in every feed they organise, and their done
        # marks in the deadlines: their bodies may be any. A new person is in none yet.
        return {person_scope(obj.id)} | (set() if obj in new else {ALL})
    if isinstance(obj, Case):
        lookups.cases.add(obj.id)
    elif isinstance(obj, MeetingDay | AgendaItem):
        lookups.meetings |= _values(obj, "meeting_id") - {None}
    elif isinstance(obj, CycleEntry):
        lookups.cycles |= _values(obj, "cycle_id") - {None}
    elif isinstance(obj, DeadlineMark):
        lookups.entries |= _values(obj, "entry_id") - {None}
    return set()


def _scopes_of(session: Session, objects: list, new: set, deleted: set) -> set[str]:
    """The scopes the flushed objects touch; queries run for the indirect ones."""
    scopes: set[str] = set()
    lookups = _Lookups()
    for obj in objects:
        try:
            scopes |= _direct_scopes(obj, new, deleted, lookups)
        except _Unknown:
            scopes.add(ALL)
    conn = session.connection()
    if lookups.meetings:
        stmt = select(Meeting.body_id).where(Meeting.id.in_(lookups.meetings)).distinct()
        scopes |= {body_scope(n) for n in conn.execute(stmt).scalars()}
    if lookups.cases:
        stmt = select(Treatment.body_id).where(Treatment.case_id.in_(lookups.cases)).distinct()
        scopes |= {body_scope(n) for n in conn.execute(stmt).scalars()}
    cycles = set(lookups.cycles)
    if lookups.entries:
        stmt = select(CycleEntry.cycle_id).where(CycleEntry.id.in_(lookups.entries))
        cycles |= set(conn.execute(stmt).scalars())
    if cycles:
        found = list(conn.execute(select(Cycle.body_id).where(Cycle.id.in_(cycles))))
        scopes |= {body_scope(body_id) for (body_id,) in found}
        if len(found) < len(cycles):  # a cycle deleted with its entries
            scopes.add(ALL)
    return scopes


def note_flush(session: Session) -> None:
    """Called after each flush (by govern.cache.revision): remember the scopes it touched."""
    # Dirty objects count only if a column changed (not if a collection of theirs did).
    dirty = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    objects = [
        o
        for o in chain(session.new, dirty, session.deleted)
        if getattr(o, "__tablename__", None) in FEED_TABLES
    ]
    if objects:
        changed = _scopes_of(session, objects, set(session.new), set(session.deleted))
        session.info.setdefault(_KEY, set()).update(changed)


def note_statement(state: ORMExecuteState, table_name: str | None) -> None:
    """Called for each INSERT/UPDATE/DELETE statement: one on a feed table counts as "all"."""
    if table_name in FEED_TABLES:
        state.session.info.setdefault(_KEY, set()).add(ALL)


def write_scopes(session: Session, revision: int) -> None:
    """At commit, after the data revision went up to `revision`: stamp the changed scopes."""
    scopes = sorted(session.info.pop(_KEY, ()))  # one order, so two commits never deadlock
    if not scopes:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ScopeRevision).values([{"scope": s, "value": revision} for s in scopes])
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ScopeRevision.scope], set_={"value": stmt.excluded.value}
        )
    )


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)


def scope_revision(session: Session, scopes: list[str]) -> int:
    """The latest revision at which anything in these scopes (or "all") changed; 0 if none."""
    stmt = select(func.max(ScopeRevision.value)).where(ScopeRevision.scope.in_([ALL, *scopes]))
    return session.scalar(stmt) or 0


_BODY_FEED_SQL = text(
    "SELECT b.id, (SELECT max(s.value) FROM scope_revisions s"
    " WHERE s.scope = 'all' OR s.scope = 'body:' || b.id) FROM bodies b WHERE b.slug = :slug"
)


def body_revision(engine: Engine, slug: str) -> tuple[int | None, int]:
    """(the body's id or None, its scope revision), read in one statement on a pooled
    connection without an ORM session: this is on every poll of a body's feed."""
    with engine.connect() as conn:
        row = conn.execute(_BODY_FEED_SQL, {"slug": slug}).first()
    return (row[0], row[1] or 0) if row else (None, 0)
