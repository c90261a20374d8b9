"""The search index: one document per treatment, kept current in the writer's transaction.

Besides the text, every document carries what the search filters on and what decides who
may see it (the treatment's body, year and sakstype; its meeting's status, minutes status
and whether the agenda is shared), so a search needs no join to filter, hide and rank.

SQLite: an FTS5 table `search_index` (rowid = treatment id) over Norwegian stems computed in
Python (columns title, decision, rest), with those values as one-token columns (`FACETS`),
so filters and visibility are FTS5 terms too. A decision that not everyone may read yet (its
meeting unpublished or its minutes not approved) is in the column `restricted` instead of
`decision`, so the public's search leaves it out by naming its columns, not by a second
look at the words. `search_index_titles` is the same without decision and rest, where title
matches are found and ranked among titles only (bm25 in the big table costs several times
more per row). PostgreSQL: a table `search_documents` with a
weighted tsvector (title A, decision B, the rest C) built with to_tsvector('norwegian', …),
a tsvector of the title alone, plain columns for the rest, GIN and b-tree indexes. Neither
table is in the ORM metadata; migrations/env.py and the schema test skip them by name
(`is_search_table`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, event, inspect, select, text
from sqlalchemy.orm import Session

from govern.models import Base
from govern.models.cases import Case, Treatment, TreatmentInput
from govern.models.meetings import PUBLISHED_STATUSES, Meeting
from govern.models.memos import Memo, MemoSection
from govern.search.text import stemmed

SQLITE_TABLE = "search_index"
SQLITE_TITLES = "search_index_titles"
PG_TABLE = "search_documents"
BATCH = 500
_PENDING = "search_pending"
_ORPHANS = "search_orphans"
#: The FTS5 columns holding one token each (SQLite); PostgreSQL has them as plain columns,
#: with meeting_id beside them (on SQLite an external treatment's meeting_status is EXTERNAL).
FACETS = ("body_id", "year", "sakstype", "meeting_status", "minutes_status", "agenda_shared")
#: The text columns of the SQLite index.
TEXTS = ("title", "decision", "rest", "restricted")
EXTERNAL = "ekstern"
#: Meeting attributes copied into the index: a change re-indexes the meeting's treatments.
#: (The body is the treatment's: a meeting's cases are numbered, and so belong, in its body.)
MEETING_FACETS = ("status", "minutes_status", "agenda_shared")
_NON_WORD = re.compile(r"\W+")


def token(value: str) -> str:
    """A facet value as one FTS5 token ('referat godkjent' -> 'referatgodkjent')."""
    return _NON_WORD.sub("", value).lower()


def is_search_table(name: str | None) -> bool:
    """The index and FTS5's shadow tables, which the models do not describe."""
    return bool(name) and (name == PG_TABLE or name.startswith(SQLITE_TABLE))


def create_search_schema(conn: Connection) -> None:
    """Create the index tables for the connection's database (if missing)."""
    if conn.dialect.name == "sqlite":
        for name, texts in ((SQLITE_TABLE, ", ".join(TEXTS)), (SQLITE_TITLES, "title")):
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5("
                f"{texts}, {', '.join(FACETS)}, tokenize = 'unicode61 remove_diacritics 0')"
            )
        return
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {PG_TABLE} ("
        " treatment_id integer PRIMARY KEY REFERENCES treatments(id) ON DELETE CASCADE,"
        " document tsvector NOT NULL,"
        " title_document tsvector NOT NULL,"
        " body_id integer NOT NULL,"
        " year integer NOT NULL,"
        " sakstype varchar(20),"
        " meeting_id integer,"
        " meeting_status varchar(20),"
        " minutes_status varchar(20),"
        " agenda_shared boolean NOT NULL DEFAULT false)"
    )
    # Without GIN's pending list: a search would read the entries not yet merged one by one,
    # until the next vacuum (a treatment's document is written a few times, and read often).
    for name, using in (("document", "gin (document)"), ("title", "gin (title_document)")):
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{PG_TABLE}_{name} ON {PG_TABLE} USING {using}"
            " WITH (fastupdate = off)"
        )
    # The search walks matches newest first within a filter's rows (search/postgres.py).
    for column in ("body_id", "year", "sakstype"):
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{PG_TABLE}_{column}"
            f" ON {PG_TABLE} ({column}, treatment_id)"
        )


def drop_search_schema(conn: Connection) -> None:
    """Drop the index tables."""
    for name in _tables(conn):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def _tables(conn: Connection) -> tuple[str, ...]:
    return (SQLITE_TABLE, SQLITE_TITLES) if conn.dialect.name == "sqlite" else (PG_TABLE,)


def _after_create(_target, connection, **_kw) -> None:
    create_search_schema(connection)


def _before_drop(_target, connection, **_kw) -> None:
    drop_search_schema(connection)


# -- building documents ----------------------------------------------------------------------


def _documents(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str, str, dict]]:
    """(title, decision, rest, facets) of each existing treatment among `ids`."""
    rows = conn.execute(
        select(
            Treatment.id,
            Case.title,
            Treatment.title,
            Treatment.decision,
            Treatment.body_id,
            Treatment.year,
            Treatment.sakstype,
            Treatment.meeting_id,
            Meeting.status,
            Meeting.minutes_status,
            Meeting.agenda_shared,
            Treatment.summary,
            Treatment.proposed_decision,
            Memo.purpose,
            Memo.background,
            Memo.questions,
            Memo.next_steps,
        )
        .join(Case, Case.id == Treatment.case_id)
        .outerjoin(Meeting, Meeting.id == Treatment.meeting_id)
        .outerjoin(Memo, Memo.treatment_id == Treatment.id)
        .where(Treatment.id.in_(ids))
    ).all()
    extra: dict[int, list[str]] = defaultdict(list)
    for tid, heading, body in conn.execute(
        select(Memo.treatment_id, MemoSection.heading, MemoSection.text)
        .join(MemoSection, MemoSection.memo_id == Memo.id)
        .where(Memo.treatment_id.in_(ids))
        .order_by(MemoSection.position)
    ):
        extra[tid] += [heading, body]
    for tid, body in conn.execute(
        select(TreatmentInput.treatment_id, TreatmentInput.text)
        .where(TreatmentInput.treatment_id.in_(ids))
        .order_by(TreatmentInput.position)
    ):
        extra[tid].append(body)
    documents = {}
    for row in rows:
        tid, case_title, title, decision = row[:4]
        body_id, year, sakstype, meeting_id, status, minutes, shared = row[4:11]
        rest = row[11:]
        titles = case_title if not title or title == case_title else f"{case_title}\n{title}"
        others = [t for t in (*rest, *extra[tid]) if t]
        facets = {
            "body_id": body_id,
            "year": year,
            "sakstype": sakstype,
            "meeting_id": meeting_id,
            "meeting_status": status,
            "minutes_status": minutes,
            "agenda_shared": bool(shared),
        }
        documents[tid] = (titles, decision or "", "\n".join(others), facets)
    return documents


def reindex(conn: Connection, ids: Iterable[int]) -> None:
    """Rebuild the documents of these treatments; drop those of treatments that are gone."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        documents = _documents(conn, chunk)
        if conn.dialect.name == "sqlite":
            _write_sqlite(conn, chunk, documents)
        else:
            _write_pg(conn, chunk, documents)


def _sqlite_facets(facets: dict) -> dict[str, str]:
    status = facets["meeting_status"]
    return {
        "body_id": str(facets["body_id"]),
        "year": str(facets["year"]),
        "sakstype": token(facets["sakstype"] or ""),
        "meeting_status": EXTERNAL if facets["meeting_id"] is None else token(status),
        "minutes_status": token(facets["minutes_status"] or ""),
        "agenda_shared": "1" if facets["agenda_shared"] else "0",
    }


def public_decision(facets: dict) -> bool:
    """Whether anyone may read the decision: an external treatment's, or a published
    meeting's with approved minutes (policy.visible_decision_filter for the public)."""
    if facets["meeting_id"] is None:
        return True
    return facets["meeting_status"] in PUBLISHED_STATUSES and facets["minutes_status"] == "godkjent"


_FACET_VALUES = ", ".join(":" + f for f in FACETS)
_SQLITE_INSERTS = (
    f"INSERT INTO {SQLITE_TABLE} (rowid, {', '.join(TEXTS)}, {', '.join(FACETS)})"
    f" VALUES (:i, :t, :d, :r, :x, {_FACET_VALUES})",
    f"INSERT INTO {SQLITE_TITLES} (rowid, title, {', '.join(FACETS)})"
    f" VALUES (:i, :t, {_FACET_VALUES})",
)


def _write_sqlite(conn: Connection, chunk: list[int], documents: dict) -> None:
    for name in (SQLITE_TABLE, SQLITE_TITLES):
        conn.execute(text(f"DELETE FROM {name} WHERE rowid IN ({','.join(map(str, chunk))})"))
    if documents:
        rows = []
        for i, (t, d, r, f) in documents.items():
            d, x = (stemmed(d), "") if public_decision(f) else ("", stemmed(d))
            rows.append({"i": i, "t": stemmed(t), "d": d, "r": stemmed(r), "x": x})
            rows[-1] |= _sqlite_facets(f)
        for insert in _SQLITE_INSERTS:
            conn.execute(text(insert), rows)


_PG_COLUMNS = ("body_id", "year", "sakstype", "meeting_id", "meeting_status", "minutes_status")
_PG_UPSERT = f"""
INSERT INTO {PG_TABLE} (treatment_id, document, title_document, {", ".join(_PG_COLUMNS)},
  agenda_shared)
SELECT :i, setweight(title, 'A') || setweight(to_tsvector('norwegian', :d), 'B')
  || setweight(to_tsvector('norwegian', :r), 'C'), title,
  {", ".join(":" + c for c in _PG_COLUMNS)}, :agenda_shared
FROM to_tsvector('norwegian', :t) AS title
ON CONFLICT (treatment_id) DO UPDATE SET
  {", ".join(f"{c} = EXCLUDED.{c}" for c in ("document", "title_document", *_PG_COLUMNS))},
  agenda_shared = EXCLUDED.agenda_shared
"""


def _write_pg(conn: Connection, chunk: list[int], documents: dict) -> None:
    gone = [i for i in chunk if i not in documents]
    if gone:
        conn.execute(
            text(f"DELETE FROM {PG_TABLE} WHERE treatment_id IN ({','.join(map(str, gone))})")
        )
    if documents:
        conn.execute(
            text(_PG_UPSERT),
            [{"i": i, "t": t, "d": d, "r": r} | f for i, (t, d, r, f) in documents.items()],
        )


def rebuild_index(conn: Connection) -> int:
    """Empty the index and index every treatment; returns how many."""
    for table in _tables(conn):
        conn.execute(text(f"DELETE FROM {table}"))
    ids = list(conn.scalars(select(Treatment.id)))
    reindex(conn, ids)
    return len(ids)


def drop_orphans(conn: Connection) -> None:
    """Remove documents of deleted treatments (SQLite has no foreign key to cascade)."""
    if conn.dialect.name == "sqlite":
        for table in _tables(conn):
            conn.execute(
                text(f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM treatments)")
            )


# -- keeping it current ----------------------------------------------------------------------


def _touched(session: Session, _flush_context) -> None:
    """Note which treatments' text or facets changed in this flush (by any path: forms, API,
    import)."""
    pending: set = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Treatment):
            pending.add(("t", obj.id))
        elif isinstance(obj, Case):
            pending.add(("c", obj.id))
        elif isinstance(obj, TreatmentInput | Memo):
            pending.add(("t", obj.treatment_id))
        elif isinstance(obj, MemoSection):
            pending.add(("m", obj.memo_id))
        elif isinstance(obj, Meeting) and obj in session.dirty and _facets_changed(obj):
            pending.add(("meeting", obj.id))
            continue
        else:
            continue
    # A deleted treatment's document goes when it is re-indexed (it is not found); those of a
    # deleted case's or meeting's treatments, which the database deletes, need a sweep.
    if any(isinstance(obj, Case | Meeting) for obj in session.deleted):
        session.info[_ORPHANS] = True


def _facets_changed(meeting: Meeting) -> bool:
    attrs = inspect(meeting).attrs
    return any(attrs[name].history.has_changes() for name in MEETING_FACETS)


def _update_index(session: Session, _flush_context) -> None:
    pending = session.info.pop(_PENDING, set())
    orphans = session.info.pop(_ORPHANS, False)
    if not pending and not orphans:
        return
    conn = session.connection()

    def of(kind: str) -> list[int]:
        return [i for k, i in pending if k == kind and i is not None]

    ids = set(of("t"))
    if of("c"):
        ids |= set(conn.scalars(select(Treatment.id).where(Treatment.case_id.in_(of("c")))))
    if of("m"):
        ids |= set(conn.scalars(select(Memo.treatment_id).where(Memo.id.in_(of("m")))))
    if of("meeting"):
        ids |= set(
            conn.scalars(select(Treatment.id).where(Treatment.meeting_id.in_(of("meeting"))))
        )
    reindex(conn, ids)
    if orphans:
        drop_orphans(conn)


def _bulk_delete(state) -> object | None:
    """A bulk DELETE of meetings, cases or treatments (meetings.delete_meeting) cascades in
    the database, past the flush events: drop the documents it left behind (SQLite; on
    PostgreSQL the index's foreign key cascades too)."""
    mapper = state.bind_mapper
    if not state.is_delete or mapper is None or mapper.class_ not in (Meeting, Case, Treatment):
        return None
    result = state.invoke_statement()
    drop_orphans(state.session.connection())
    return result


def register_listeners() -> None:
    """Keep the index current in every session, and make or drop its tables with the
    others' (create_app calls this; twice is the same as once)."""
    for target, name, listener in (
        (Base.metadata, "after_create", _after_create),
        (Base.metadata, "before_drop", _before_drop),
        (Session, "after_flush", _touched),
        (Session, "after_flush_postexec", _update_index),
        (Session, "do_orm_execute", _bulk_delete),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
