"""Which scopes a transaction changed, so a body's pages and feeds outlive writes elsewhere.

The data revision (govern/cache/revision.py) goes up on every write. Pages and feeds that
show one body (its page, its meetings' pages, its calendar feed) are kept under the
revisions of their scopes instead (see ScopeRevision): a write in Fagrådet leaves the
produktråd's pages and feed in the cache.

Changed objects are mapped to scopes when they are flushed: a body's own rows, its meetings
with their days, agenda, attendance, attachments and minutes, its treatments and their
inputs and memos, a case (every body that treats it), its members and cycles. A change
whose reach is not worked out cheaply (a deleted case or person, whose rows cascade away in
the database; a person's or organisation's name, shown wherever they sit; the change
requests linked from other bodies' cases), any INSERT/UPDATE/DELETE statement on these
tables, and any table not named here count as "all". Tables no page kept by scope shows
(UNSCOPED_TABLES) reach no scope. At commit, each scope's row gets the new data revision.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.exc import ObjectDeletedError

from govern.models.archive import ArchivePackage
from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment, TreatmentInput
from govern.models.changes import ChangeRequest, ChangeRequestEvent, ProductArea
from govern.models.cycles import Cycle, CycleEntry, DeadlineMark
from govern.models.meetings import AgendaItem, Attachment, Attendance, Meeting, MeetingDay
from govern.models.memos import Memo, MemoSection
from govern.models.minutes import MinutesRevision, MinutesSending
from govern.models.people import Organisation, Person
from govern.models.recusals import Recusal
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

#: Tables shown on pages kept by scope (the body page, the meeting page) besides the feeds'.
PAGE_TABLES = FEED_TABLES | frozenset(
    m.__tablename__
    for m in (
        Attendance, Attachment, MinutesRevision, ArchivePackage, TreatmentInput, Memo,
        MemoSection, Recusal, MinutesSending,
        Organisation, ProductArea, ChangeRequest, ChangeRequestEvent,
    )
)  # fmt: skip

#: Tables that no page kept by scope and no feed shows: writes to them reach no scope (the
#: data revision, which the other cached pages and files are kept under, still goes up).
#: A table in neither list counts as "all", so a new table is never silently left out.
UNSCOPED_TABLES = frozenset(
    {
        # bookkeeping (see govern/cache/revision.py)
        "data_revision",
        "scope_revisions",
        "number_counters",
        "login_failures",
        "login_locks",
        # what no such page shows
        "users",
        "password_tokens",
        "api_tokens",
        "outgoing_mail",
        "meeting_invitations",
        "audit_log",
        "follow_ups",
        "prioritisation_rounds",
        "priority_questions",
        "priority_measures",
        "priority_scores",
        "releases",
        "maintenance_budgets",
        # the list of legal bases: what is exempted keeps its own copy of the text
        "exemption_bases",
        # members' comments on draft minutes: shown on the secretariat's minutes pages only
        "minutes_comments",
        # uploaded files' bytes: pages show the attachment rows that name them
        "stored_files",
        "stored_file_chunks",
        # submitted cases: shown only on their own pages (the intake list, Mine møter),
        # never on a cached one; an accepted one is a treatment, scoped as such
        "case_submissions",
        "submission_files",
        "page_visits",
        # forfall and answers to invitations: shown on uncached pages (the member's own
        # answer, the attendance page) only
        "absences",
        "meeting_answers",
    }
)


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
    """Ids whose scopes need a query: meetings, cases, cycles, cycle entries, treatments,
    memos, bodies escalating to a renamed body, change requests."""

    def __init__(self) -> None:
        self.meetings: set[int] = set()
        self.cases: set[int] = set()
        self.cycles: set[int] = set()
        self.entries: set[int] = set()
        self.treatments: set[int] = set()
        self.memos: set[int] = set()
        self.renamed: set[int] = set()
        self.requests: set[int] = set()


def _direct_scopes(obj, new: set, deleted: set, lookups: _Lookups) -> set[str]:
    """The scopes an object names itself; ids to look up go into `lookups`."""
    if isinstance(obj, Body):
        if obj not in new:  # its name is on the pages of the bodies escalating to it
            lookups.renamed.add(obj.id)
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
    else:
        return _page_scopes(obj, new, deleted, lookups)
    return set()


def _page_scopes(obj, new: set, deleted: set, lookups: _Lookups) -> set[str]:
    """The scopes of rows shown on a body's pages but in no feed."""
    if isinstance(obj, Attendance | Attachment | MinutesRevision | ArchivePackage | MinutesSending):
        lookups.meetings |= _values(obj, "meeting_id") - {None}
        if isinstance(obj, Attachment):
            lookups.treatments |= _values(obj, "treatment_id") - {None}
    elif isinstance(obj, TreatmentInput | Memo | ChangeRequestEvent | Recusal):
        lookups.treatments |= _values(obj, "treatment_id") - {None}
    elif isinstance(obj, MemoSection):
        lookups.memos |= _values(obj, "memo_id") - {None}
    elif isinstance(obj, Organisation) and obj in new:
        pass  # shown only beside the people in it, who are new too or change themselves
    elif isinstance(obj, ProductArea) and obj in new:
        return {body_scope(n) for n in _values(obj, "body_id")}
    elif isinstance(obj, ChangeRequest) and obj not in deleted:
        # Its number, title and status are on the pages of the cases it is linked to.
        lookups.treatments |= _values(obj, "escalation_id") - {None}
        if obj not in new:
            lookups.requests.add(obj.id)
    elif getattr(obj, "__tablename__", None) not in UNSCOPED_TABLES:
        # A name shown wherever its row is linked (an organisation, a product area), a
        # deleted change request, a table not named here: every scope.
        return {ALL}
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
    return scopes | _linked_scopes(conn, lookups)


def _linked_scopes(conn, lookups: _Lookups) -> set[str]:
    """The scopes reached through treatments, memos, renamed bodies and change requests."""
    scopes: set[str] = set()
    treatments = set(lookups.treatments)
    if lookups.memos:
        stmt = select(Memo.treatment_id).where(Memo.id.in_(lookups.memos))
        treatments |= set(conn.execute(stmt).scalars())
    if lookups.requests:
        stmt = select(ChangeRequestEvent.treatment_id).where(
            ChangeRequestEvent.request_id.in_(lookups.requests),
            ChangeRequestEvent.treatment_id.is_not(None),
        )
        treatments |= set(conn.execute(stmt).scalars())
    if treatments:
        stmt = select(Treatment.body_id).where(Treatment.id.in_(treatments)).distinct()
        scopes |= {body_scope(n) for n in conn.execute(stmt).scalars()}
    if lookups.renamed:
        stmt = select(Body.id).where(Body.escalates_to_id.in_(lookups.renamed))
        scopes |= {body_scope(n) for n in conn.execute(stmt).scalars()}
        # An endringsråd's name is on the cases its change requests are linked to.
        stmt = select(ProductArea.id).where(ProductArea.body_id.in_(lookups.renamed))
        if conn.execute(stmt.limit(1)).first() is not None:
            scopes.add(ALL)
    return scopes


def note_flush(session: Session) -> None:
    """Called after each flush (by govern.cache.revision): remember the scopes it touched."""
    # Dirty objects count only if a column changed (not if a collection of theirs did).
    dirty = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    objects = [
        o
        for o in chain(session.new, dirty, session.deleted)
        if getattr(o, "__tablename__", None) not in UNSCOPED_TABLES
    ]
    if objects:
        changed = _scopes_of(session, objects, set(session.new), set(session.deleted))
        session.info.setdefault(_KEY, set()).update(changed)


def note_statement(state: ORMExecuteState, table_name: str | None) -> None:
    """Called for each INSERT/UPDATE/DELETE statement: one on a table pages or feeds show
    counts as "all"."""
    if table_name not in UNSCOPED_TABLES:
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


_MEETING_SQL = text(
    "SELECT m.body_id, (SELECT max(s.value) FROM scope_revisions s"
    " WHERE s.scope = 'all' OR s.scope = 'body:' || m.body_id) FROM meetings m WHERE m.id = :id"
)


def meeting_revision(engine: Engine, meeting_id: int) -> tuple[int | None, int]:
    """(the meeting's body id or None, the scope revision of its body), in one statement on
    a pooled connection without an ORM session: this is on every view of a meeting page."""
    with engine.connect() as conn:
        row = conn.execute(_MEETING_SQL, {"id": meeting_id}).first()
    return (row[0], row[1] or 0) if row else (None, 0)
