"""The demo imported once per test run and copied into each test's database.

Importing the demo costs seconds; copying it costs milliseconds. The first test that asks
for it builds a snapshot into the run's shared temporary folder (under a file lock, so that
with pytest-xdist one worker builds it and the others read it), and every test that asks
for it gets a copy in its own, empty database:

- SQLite: the snapshot is a database file, built with `create_all` like the test databases;
  a test's in-memory database is replaced by it with sqlite3's `deserialize`.
- PostgreSQL: the snapshot is every non-empty table's rows in COPY format plus the sequences'
  values, taken from the worker's database after the import (whose schema the migrations
  built, as for every test); a test's empty tables get them back with COPY, with the
  foreign-key triggers off for the copy (`session_replication_role = replica`, which needs
  a superuser, as the test databases have), then the sequences are set.
"""

from __future__ import annotations

import fcntl
import json
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

from govern.config import normalise_database_url

DEMO = Path(__file__).resolve().parents[1] / "govern" / "demo" / "demo.json"


def demo_document() -> dict:
    """The demo's exchange document, parsed."""
    return json.loads(DEMO.read_text(encoding="utf-8"))


# -- one PostgreSQL database per xdist worker ------------------------------------------------


def worker_database_url(url: str | None, worker: str) -> str | None:
    """The worker's own database: the configured name with "_<worker>" appended."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def create_database(base_url: str, url: str) -> None:
    """Create the database of `url` (on the server of `base_url`) if it is missing."""
    if url == base_url:
        return
    name = make_url(url).database
    engine = create_engine(normalise_database_url(base_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
            ).scalar()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()


# -- files built once per run ----------------------------------------------------------------


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shared_file(path: Path, build: Callable[[Path], None]) -> Path:
    """`path`, built by `build(temporary_path)` by the first process of the run to ask."""
    with _locked(path):
        if not path.exists():
            temporary = path.with_name(path.name + ".building")
            temporary.unlink(missing_ok=True)
            build(temporary)
            temporary.rename(path)
    return path


# -- the demo snapshots ----------------------------------------------------------------------


class DemoSnapshots:
    """The demo (and the demo with its accounts) as snapshots, built on first use.

    `make_app(url)` returns an app on the SQLite file `url`, or, with no url, on the test
    PostgreSQL database with its schema built.
    """

    NAMES = ("demo", "demo_with_accounts")

    def __init__(self, folder: Path, pg_url: str | None, make_app: Callable) -> None:
        self.folder = folder
        self.postgres = bool(pg_url)
        self.make_app = make_app
        self._data: dict[str, bytes] = {}

    # The snapshot's bytes: an SQLite database file, or pickled PostgreSQL table data.
    def data(self, name: str) -> bytes:
        if name not in self._data:
            suffix = "pg" if self.postgres else "sqlite"
            path = self.folder / f"{name}.{suffix}"
            shared_file(path, lambda tmp: self._build(name, tmp))
            self._data[name] = path.read_bytes()
        return self._data[name]

    def restore(self, db, name: str) -> None:
        """Replace the (empty) test database of the current app by the snapshot `name`."""
        data = self.data(name)
        db.session.remove()
        if self.postgres:
            _restore_postgres(db.engine, pickle.loads(data))
        else:
            _restore_sqlite(db.engine, data)

    def write_sqlite_file(self, name: str, path: Path) -> None:
        """The SQLite snapshot `name` as a database file at `path`."""
        assert not self.postgres
        path.write_bytes(self.data(name))

    def _build(self, name: str, path: Path) -> None:
        from govern.extensions import db
        from govern.services.accounts import ensure_demo_accounts
        from govern.services.exchange import import_exchange

        if name not in self.NAMES:
            raise KeyError(name)
        if self.postgres:
            app = self.make_app()
        else:
            if name != "demo":
                path.write_bytes(self.data("demo"))
            app = self.make_app(f"sqlite:///{path}")
        with app.app_context():
            try:
                if name == "demo":
                    if not self.postgres:
                        db.create_all()
                        with db.engine.begin() as connection:
                            stamp_sqlite_head(connection)
                    import_exchange(db.session, demo_document())
                else:
                    if self.postgres:
                        self.restore(db, "demo")
                    ensure_demo_accounts(db.session)
                db.session.commit()
                db.session.remove()
                if self.postgres:
                    path.write_bytes(pickle.dumps(_dump_postgres(db.engine, empty=True)))
            finally:
                db.session.remove()
                db.engine.dispose()


def stamp_sqlite_head(connection) -> None:
    """Record in a schema built by create_all that it is at the migrations' head (it is:
    tests/test_migrations.py compares the two), as `flask db upgrade` would; /readyz reads it."""
    from govern.operations.readiness import migration_heads

    connection.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) PRIMARY KEY)"
    )
    for head in migration_heads():
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES (?)", (head,))


def _restore_sqlite(engine: Engine, data: bytes) -> None:
    raw = engine.raw_connection()
    try:
        raw.driver_connection.deserialize(data)
    finally:
        raw.close()


#: Empty every table of the schema but alembic_version and restart every sequence, in one
#: statement. DELETE with the foreign-key triggers off, not TRUNCATE: for tables of a few rows
#: it is many times cheaper (TRUNCATE makes new files for every table and index).
EMPTY_POSTGRES = """
DO $$
DECLARE
    name text;
BEGIN
    PERFORM set_config('session_replication_role', 'replica', true);
    FOR name IN
        SELECT tablename FROM pg_tables
        WHERE schemaname = current_schema() AND tablename <> 'alembic_version'
    LOOP
        EXECUTE 'DELETE FROM ' || quote_ident(name);
    END LOOP;
    PERFORM setval(c.oid, 1, false)
    FROM pg_class c
    WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace;
END
$$
"""


def _dump_postgres(engine: Engine, empty: bool) -> dict:
    """Every non-empty table (COPY text format) and sequence; with `empty`, then truncate."""
    tables: list[tuple[str, bytes]] = []
    with engine.begin() as conn:
        names = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename <> 'alembic_version' ORDER BY tablename"
        ).scalars()
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:
            for name in names:
                chunks = bytearray()
                with cursor.copy(f'COPY "{name}" TO STDOUT') as copy:
                    for chunk in copy:
                        chunks += chunk
                if chunks:
                    tables.append((name, bytes(chunks)))
        sequences = conn.exec_driver_sql(
            "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        ).all()
        if empty:
            conn.exec_driver_sql(EMPTY_POSTGRES)
    return {"tables": tables, "sequences": [tuple(row) for row in sequences]}


def _restore_postgres(engine: Engine, snapshot: dict) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:
            for name, rows in snapshot["tables"]:
                with cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
                    copy.write(rows)
            for sequence, value in snapshot["sequences"]:
                cursor.execute("SELECT setval(%s, %s)", (sequence, value))
