"""The search index: one document per treatment, kept current in the writer's transaction.

SQLite: an FTS5 table `search_index` (rowid = treatment id) over Norwegian stems computed in
Python (columns title, decision, rest). PostgreSQL: a table `search_documents` with a
weighted tsvector (title A, decision B, the rest C) built with to_tsvector('norwegian', …)
and a GIN index. Neither table is in the ORM metadata; migrations/env.py and the schema test
skip them by name (`is_search_table`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import Session

from govern.models import Base
from govern.models.cases import Case, Treatment, TreatmentInput
from govern.models.meetings import Meeting
from govern.models.memos import Memo, MemoSection
from govern.search.text import stemmed

SQLITE_TABLE = "search_index"
PG_TABLE = "search_documents"
BATCH = 500
_PENDING = "search_pending"
_ORPHANS = "search_orphans"


def is_search_table(name: str | None) -> bool:
    """The index and FTS5's shadow tables, which the models do not describe."""
    return bool(name) and (name == PG_TABLE or name.startswith(SQLITE_TABLE))


def create_search_schema(conn: Connection) -> None:
    """Create the index table for the connection's database (if missing)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
            "title, decision, rest, tokenize = 'unicode61 remove_diacritics 0')"
        )
        return
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {PG_TABLE} ("
        " treatment_id integer PRIMARY KEY REFERENCES treatments(id) ON DELETE CASCADE,"
        " document tsvector NOT NULL)"
    )
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS ix_{PG_TABLE}_document ON {PG_TABLE} USING gin (document)"
    )


def drop_search_schema(conn: Connection) -> None:
    """Drop the index table."""
    name = SQLITE_TABLE if conn.dialect.name == "sqlite" else PG_TABLE
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


@event.listens_for(Base.metadata, "after_create")
def _after_create(_target, connection, **_kw) -> None:
    create_search_schema(connection)


@event.listens_for(Base.metadata, "before_drop")
def _before_drop(_target, connection, **_kw) -> None:
    drop_search_schema(connection)


# -- building documents ----------------------------------------------------------------------


def _documents(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """(title, decision, rest) of each existing treatment among `ids`."""
    rows = conn.execute(
        select(
            Treatment.id,
            Case.title,
            Treatment.title,
            Treatment.decision,
            Treatment.summary,
            Treatment.proposed_decision,
            Memo.purpose,
            Memo.background,
            Memo.questions,
            Memo.next_steps,
        )
        .join(Case, Case.id == Treatment.case_id)
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
    for tid, case_title, title, decision, *rest in rows:
        titles = case_title if not title or title == case_title else f"{case_title}\n{title}"
        others = [t for t in (*rest, *extra[tid]) if t]
        documents[tid] = (titles, decision or "", "\n".join(others))
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


def _write_sqlite(conn: Connection, chunk: list[int], documents: dict) -> None:
    conn.execute(text(f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN ({','.join(map(str, chunk))})"))
    if documents:
        conn.execute(
            text(
                f"INSERT INTO {SQLITE_TABLE} (rowid, title, decision, rest) VALUES (:i, :t, :d, :r)"
            ),
            [
                {"i": i, "t": stemmed(t), "d": stemmed(d), "r": stemmed(r)}
                for i, (t, d, r) in documents.items()
            ],
        )


_PG_UPSERT = f"""
INSERT INTO {PG_TABLE} (treatment_id, document) VALUES (:i,
  setweight(to_tsvector('norwegian', :t), 'A') || setweight(to_tsvector('norwegian', :d), 'B')
  || setweight(to_tsvector('norwegian', :r), 'C'))
ON CONFLICT (treatment_id) DO UPDATE SET document = EXCLUDED.document
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
            [{"i": i, "t": t, "d": d, "r": r} for i, (t, d, r) in documents.items()],
        )


def rebuild_index(conn: Connection) -> int:
    """Empty the index and index every treatment; returns how many."""
    table = SQLITE_TABLE if conn.dialect.name == "sqlite" else PG_TABLE
    conn.execute(text(f"DELETE FROM {table}"))
    ids = list(conn.scalars(select(Treatment.id)))
    reindex(conn, ids)
    return len(ids)


def drop_orphans(conn: Connection) -> None:
    """Remove documents of deleted treatments (SQLite has no foreign key to cascade)."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(f"DELETE FROM {SQLITE_TABLE} WHERE rowid NOT IN (SELECT id FROM treatments)")
        )


# -- keeping it current ----------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _touched(session: Session, _flush_context) -> None:
    """Note which treatments' text changed in this flush (by any path: forms, API, import)."""
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
        else:
            continue
        if obj in session.deleted:
            session.info[_ORPHANS] = True
    if any(isinstance(obj, Meeting) for obj in session.deleted):
        session.info[_ORPHANS] = True


@event.listens_for(Session, "after_flush_postexec")
def _update_index(session: Session, _flush_context) -> None:
    pending = session.info.pop(_PENDING, set())
    orphans = session.info.pop(_ORPHANS, False)
    if not pending and not orphans:
        return
    conn = session.connection()
    ids = {i for kind, i in pending if kind == "t" and i is not None}
    cases = [i for kind, i in pending if kind == "c" and i is not None]
    memos = [i for kind, i in pending if kind == "m" and i is not None]
    if cases:
        ids |= set(conn.scalars(select(Treatment.id).where(Treatment.case_id.in_(cases))))
    if memos:
        ids |= set(conn.scalars(select(Memo.treatment_id).where(Memo.id.in_(memos))))
    reindex(conn, ids)
    if orphans:
        drop_orphans(conn)
