"""The one numbering service: meeting and case numbers per body per year.

A counter row per (body, year, kind) holds the last number handed out. Taking the next
number is a single UPDATE … RETURNING, which PostgreSQL serialises on the row lock and
SQLite on its write lock, so two secretaries never get the same number. Counters only go
up: a number is never reused, even when the meeting or case that had it is deleted. The one
exception is a planned meeting whose agenda shrinks before its innkalling is sent: its
highest number, if it is still the last one handed out (nobody has seen a later one), goes
back to the counter, so the meeting's provisional numbers stay without gaps.
"""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.numbering import NumberCounter
from govern.services.errors import InvalidInput

NUMBER_RE = re.compile(r"^\s*(\d{1,5})\s*/\s*(\d{2})\s*$")


def parse_number(text: str, *, field: str | None = None) -> tuple[int, int]:
    """'9/26' -> (9, 26): the sequence number and the two-digit year."""
    match = NUMBER_RE.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise InvalidInput(
            _("«%(text)s» er ikke et gyldig nummer (skriv f.eks. 9/26)", text=text), field=field
        )
    return int(match.group(1)), int(match.group(2))


def _ensure_counter(session: Session, body_id: int, year: int, kind: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(NumberCounter).values(body_id=body_id, year=year, kind=kind, last_value=0)
    session.execute(stmt.on_conflict_do_nothing())


def _counter_update(body_id: int, year: int, kind: str):
    """UPDATE of the one counter row of a body, year and kind."""
    return update(NumberCounter).where(
        NumberCounter.body_id == body_id,
        NumberCounter.year == year,
        NumberCounter.kind == kind,
    )


def next_number(session: Session, body_id: int, year: int, kind: str) -> int:
    """Hand out the next number of a kind ('meeting' or 'case') for a body and year."""
    _ensure_counter(session, body_id, year, kind)
    stmt = (
        _counter_update(body_id, year, kind)
        .values(last_value=NumberCounter.last_value + 1)
        .returning(NumberCounter.last_value)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).scalar_one()


def claim_number(session: Session, body_id: int, year: int, kind: str, value: int) -> None:
    """Record that a number was given by hand, so automatic numbering continues after it."""
    _ensure_counter(session, body_id, year, kind)
    stmt = (
        _counter_update(body_id, year, kind)
        .where(NumberCounter.last_value < value)
        .values(last_value=value)
        .execution_options(synchronize_session=False)
    )
    session.execute(stmt)


def give_back_number(session: Session, body_id: int, year: int, kind: str, value: int) -> bool:
    """Take back `value` if it is still the last number handed out; True if it was."""
    stmt = (
        _counter_update(body_id, year, kind)
        .where(NumberCounter.last_value == value)
        .values(last_value=value - 1)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount == 1
