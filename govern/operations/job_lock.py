"""One run at a time of a job that every host may start (cron on each app server).

On PostgreSQL a job holds an advisory lock, named after it, for as long as it runs, on a
connection of its own (a session-level lock on a pooled connection of the job's own
transactions would outlive the job in the pool). SQLite serves one machine: no lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a job's name."""
    return int.from_bytes(
        hashlib.sha256(f"govern:{name}".encode()).digest()[:8], "big", signed=True
    )


@contextmanager
def only_one_run(engine: Engine, name: str) -> Iterator[bool]:
    """Yield True when this run may go ahead, False when another run of `name` holds it."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        key = lock_key(name)
        got = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield bool(got)
        finally:
            if got:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()


def wait_for_lock(connection: Connection, name: str) -> None:
    """Take the advisory lock `name` on `connection`, waiting while another holds it (the
    migrations: a second `flask db upgrade` waits, then finds nothing left to do)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key(name)})
        connection.commit()


def release_lock(connection: Connection, name: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(name)})
        connection.commit()
