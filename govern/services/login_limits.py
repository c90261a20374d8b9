"""The login limits, kept in the database so that every process and host shares them.

Two rules (README, "Accounts and roles"):

- an e-mail address that fails MAX_FAILED_LOGINS times in a row is locked for LOCK_TIME,
  whether or not it has an account, so that a lock never tells which addresses exist;
- one client address may fail at most `limit` times within `window`.

Both are counted with single statements (an upsert, an insert) that are atomic on SQLite and
PostgreSQL alike, and an attempt from a client address is recorded, and committed by the
caller, *before* the password is checked: concurrent attempts then see each other, so
parallel requests cannot slip past the limit between a check and a count.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from govern.models.accounts import LoginFailure, LoginLock

#: Failed logins in a row before the e-mail address is locked for LOCK_TIME.
MAX_FAILED_LOGINS = 5
LOCK_TIME = timedelta(minutes=15)
#: Failures in a row are forgotten when the address has not failed for this long.
LOCK_MEMORY = timedelta(days=1)
#: Longest client address kept (an IPv6 address with a zone fits).
ADDRESS_LENGTH = 64


def clean_address(address: str | None) -> str:
    """The client address as stored: printable characters only, at most ADDRESS_LENGTH."""
    text = "".join(c for c in (address or "") if c.isprintable())
    return text[:ADDRESS_LENGTH] or "?"


def _unlocked(rows: Select) -> Select:
    """Old rows to prune, leaving out any another transaction holds at the moment (it prunes
    them), so that two prunes running at once never wait for, or deadlock with, each other.
    (SQLite has one writer at a time and no row locks; there this is the plain query.)"""
    return rows.with_for_update(skip_locked=True)


def start_attempt(session: Session, address: str, window: timedelta, now: datetime) -> int:
    """Record a login attempt from a client address before it is tried; returns its id.

    It counts as a failure until forget_attempt() is called for it. The caller commits at
    once, so that attempts running at the same time count each other.
    """
    old = select(LoginFailure.id).where(LoginFailure.at < now - window)
    session.execute(delete(LoginFailure).where(LoginFailure.id.in_(_unlocked(old))))
    attempt = LoginFailure(address=clean_address(address), at=now)
    session.add(attempt)
    session.flush()
    return attempt.id


def address_over_limit(
    session: Session, address: str, limit: int, window: timedelta, now: datetime
) -> bool:
    """Whether the address has more than `limit` attempts within the window, this one included."""
    count = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.address == clean_address(address), LoginFailure.at > now - window)
    )
    return count > limit


def forget_attempt(session: Session, attempt_id: int) -> None:
    """An attempt that succeeded, or was refused without being tried, is no failure."""
    session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))


def _digest(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()


def locked_until(session: Session, email: str, now: datetime) -> datetime | None:
    """When the lock on this e-mail address ends, if it is locked now."""
    until = session.scalar(
        select(LoginLock.locked_until).where(LoginLock.email_digest == _digest(email))
    )
    return until if until is not None and until > now else None


def note_failure(session: Session, email: str, now: datetime) -> None:
    """Count a failed login for the e-mail address; the MAX_FAILED_LOGINS-th in a row locks it."""
    forgotten = select(LoginLock.email_digest).where(
        LoginLock.last_failed_at < now - LOCK_MEMORY,
        or_(LoginLock.locked_until.is_(None), LoginLock.locked_until < now),
    )
    session.execute(delete(LoginLock).where(LoginLock.email_digest.in_(_unlocked(forgotten))))
    digest = _digest(email)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(LoginLock).values(email_digest=digest, failures=1, last_failed_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LoginLock.email_digest],
        set_={"failures": LoginLock.failures + 1, "last_failed_at": stmt.excluded.last_failed_at},
    )
    failures = session.execute(stmt.returning(LoginLock.failures)).scalar_one()
    if failures >= MAX_FAILED_LOGINS:
        session.execute(
            update(LoginLock)
            .where(LoginLock.email_digest == digest)
            .values(failures=0, locked_until=now + LOCK_TIME)
        )


def clear_failures(session: Session, email: str) -> None:
    """A successful login or a new password: the count starts again and any lock is lifted."""
    session.execute(delete(LoginLock).where(LoginLock.email_digest == _digest(email)))
