"""Keeping the data revision: any committed write bumps it, at commit time.

Writes are noticed in two places: ORM flushes (new, changed or deleted objects) and bulk
INSERT/UPDATE/DELETE statements run through the session. The bump itself happens just before
the commit, after every other lock of the transaction is taken, so it cannot deadlock with
the numbering counters.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import Engine, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from govern.cache import scopes
from govern.models.accounts import LoginFailure, LoginLock
from govern.models.numbering import NumberCounter
from govern.models.revision import DataRevision, ScopeRevision
from govern.models.submissions import PageVisit

#: Tables whose changes are bookkeeping, not data a page shows. (The login limits are here
#: so that a flood of failed logins does not empty every cached page.)
_BOOKKEEPING = {
    DataRevision.__tablename__,
    NumberCounter.__tablename__,
    ScopeRevision.__tablename__,
    LoginFailure.__tablename__,
    LoginLock.__tablename__,
    # when a person last looked at Mine møter: shown to nobody else
    PageVisit.__tablename__,
}
_FLAG = "govern_data_changed"


_READ_SQL = "SELECT value FROM data_revision WHERE id = 1"


def current_revision(session: Session) -> int:
    """The revision of the data as this transaction sees it."""
    return session.scalar(select(DataRevision.value).where(DataRevision.id == 1)) or 0


def committed_revision(engine: Engine) -> int:
    """The latest committed revision, read on a pooled connection without an ORM session.

    This is on every cached page's path, so it is one plain statement.
    """
    with engine.connect() as conn:
        return conn.exec_driver_sql(_READ_SQL).scalar() or 0


def _bump(session: Session) -> int:
    """Raise the revision by one; returns the new value."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(DataRevision).values(id=1, value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[DataRevision.id], set_={"value": DataRevision.value + 1}
    )
    return session.execute(stmt.returning(DataRevision.value)).scalar_one()


def _note_flushed_changes(session: Session, _context) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if getattr(obj, "__tablename__", None) not in _BOOKKEEPING:
            session.info[_FLAG] = True
            scopes.note_flush(session)
            return


def _note_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in _BOOKKEEPING:
        state.session.info[_FLAG] = True
        scopes.note_statement(state, getattr(table, "name", None))


def _bump_on_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_FLAG, False):
        scopes.write_scopes(session, _bump(session))


def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_FLAG, None)
    scopes.forget(session)


#: The session events that keep the revisions, in the order they are registered.
LISTENERS = (
    ("after_flush", _note_flushed_changes),
    ("do_orm_execute", _note_bulk_changes),
    ("before_commit", _bump_on_commit),
    ("after_rollback", _forget_on_rollback),
)


def register_listeners() -> None:
    """Keep the data and scope revisions on every session (create_app calls this; twice is
    the same as once)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
