"""The `cycles` section of the exchange export, the inverse of services.exchange_cycles.

Occurrences marked done are written with the entry (when, by whom); reminders sent are the
mail queue's business and are left out.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.models.cycles import Cycle, CycleEntry, DeadlineMark
from govern.models.meetings import Meeting

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
        when = {"meeting": entry.meeting_anchor, "offset_days": entry.offset_days}
        if entry.completed_by:
            when["completed_by"] = entry.completed_by
        return when
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


def _done(marks: list[DeadlineMark], numbers: dict[str, str]) -> list[dict[str, Any]] | None:
    """The occurrences marked done; `numbers` gives a meeting's number by occurrence key."""
    rows = []
    for mark in sorted(marks, key=lambda m: (m.done_at, m.occurrence)):
        if mark.done_at is None:
            continue
        if mark.occurrence.startswith("y"):
            occurrence = mark.occurrence[1:]
        elif mark.occurrence in numbers:
            occurrence = numbers[mark.occurrence]
        else:
            continue  # the meeting was deleted; its deadline went with it
        row = {"occurrence": occurrence, "at": mark.done_at.isoformat()}
        if mark.done_by is not None:
            row["by"] = mark.done_by.name
        rows.append(row)
    return rows or None


def _entry(entry: CycleEntry, keys: dict[int, str], marks, numbers) -> dict[str, Any]:
    row = {
        "key": keys[entry.id],
        "title": entry.title,
        "responsible": entry.responsible,
        "recipient": entry.recipient,
        "description": entry.description,
        "when": _when(entry, keys),
        "reminder": _reminder(entry),
        "done": _done(marks.get(entry.id, []), numbers),
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
    marks: dict[int, list[DeadlineMark]] = {}
    for mark in session.scalars(
        select(DeadlineMark).options(selectinload(DeadlineMark.done_by)).order_by(DeadlineMark.id)
    ):
        marks.setdefault(mark.entry_id, []).append(mark)
    ids = {int(m.occurrence[1:]) for ms in marks.values() for m in ms if m.occurrence[0] == "m"}
    found = session.scalars(select(Meeting).where(Meeting.id.in_(ids))) if ids else []
    numbers = {f"m{m.id}": m.number for m in found}
    result = []
    for cycle in rows:
        keys = _entry_keys(cycle.entries)
        row = {
            "slug": cycle.slug,
            "name": cycle.name,
            "description": cycle.description,
            "body": cycle.body.slug if cycle.body is not None else None,
            "entries": [_entry(e, keys, marks, numbers) for e in cycle.entries],
        }
        result.append({k: v for k, v in row.items() if v not in (None, "")})
    return result
