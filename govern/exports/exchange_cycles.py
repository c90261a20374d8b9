"""The `cycles` section of the exchange export, the inverse of services.exchange_cycles.

Done marks and sent reminders are what people did in a given year, not part of the cycle,
and are left out.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.models.cycles import Cycle, CycleEntry

_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})


def _entry_keys(entries: list[CycleEntry]) -> dict[int, str]:
    """A key per entry made from its title, unique in the cycle."""
    keys: dict[int, str] = {}
    used: set[str] = set()
    for entry in entries:
        base = re.sub(r"[^a-z0-9]+", "-", entry.title.lower().translate(_LETTERS)).strip("-")
        base = base[:60].strip("-") or "frist"
        key, n = base, 1
        while key in used:
            n += 1
            key = f"{base}-{n}"
        used.add(key)
        keys[entry.id] = key
    return keys


def _when(entry: CycleEntry, keys: dict[int, str]) -> dict[str, Any]:
    kind = entry.when_kind
    if kind == "date":
        return {"date": f"{entry.month:02d}-{entry.day:02d}"}
    if kind == "span":
        return {
            "span": [
                f"{entry.month:02d}-{entry.day:02d}",
                f"{entry.end_month:02d}-{entry.end_day:02d}",
            ]
        }
    if kind == "period":
        when: dict[str, Any] = {"period": entry.period_unit, "from": entry.period_start}
        if entry.period_end is not None:
            when["to"] = entry.period_end
        return when
    if kind == "meeting":
        return {"meeting": entry.meeting_anchor, "offset_days": entry.offset_days}
    return {"entry": keys[entry.relative_to_id], "offset_days": entry.offset_days}


def _reminder(entry: CycleEntry) -> dict[str, Any] | None:
    if entry.reminder_days is None:
        return None
    reminder: dict[str, Any] = {"days_before": entry.reminder_days}
    if entry.reminder_role:
        reminder["role"] = entry.reminder_role
    if entry.reminder_person is not None:
        reminder["person"] = entry.reminder_person.name
    return reminder


def _entry(entry: CycleEntry, keys: dict[int, str]) -> dict[str, Any]:
    row = {
        "key": keys[entry.id],
        "title": entry.title,
        "responsible": entry.responsible,
        "recipient": entry.recipient,
        "description": entry.description,
        "when": _when(entry, keys),
        "reminder": _reminder(entry),
    }
    return {k: v for k, v in row.items() if v not in (None, "")}


def build_cycles(session: Session) -> list[dict[str, Any]]:
    """Every cycle with its entries, in the file's shape."""
    rows = session.scalars(
        select(Cycle)
        .options(
            selectinload(Cycle.body),
            selectinload(Cycle.entries).selectinload(CycleEntry.reminder_person),
        )
        .order_by(Cycle.id)
    )
    result = []
    for cycle in rows:
        keys = _entry_keys(cycle.entries)
        row = {
            "slug": cycle.slug,
            "name": cycle.name,
            "description": cycle.description,
            "body": cycle.body.slug if cycle.body is not None else None,
            "entries": [_entry(e, keys) for e in cycle.entries],
        }
        result.append({k: v for k, v in row.items() if v not in (None, "")})
    return result
