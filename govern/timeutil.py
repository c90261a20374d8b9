"""Europe/Oslo time and Norwegian date formats used on pages and in documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def local(moment: datetime) -> datetime:
    """A UTC moment as Europe/Oslo wall-clock time."""
    return moment.astimezone(OSLO)


def oslo_moment(day: date, at: time) -> datetime:
    """The UTC moment of a wall-clock time on a day in Europe/Oslo."""
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(UTC)


def long_date(day: date) -> str:
    """'29. april 2026'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def day_month(day: date) -> str:
    """'29. april'."""
    return f"{day.day}. {MONTHS[day.month - 1]}"


def weekday_date(day: date) -> str:
    """'Onsdag 29. april 2026'."""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {long_date(day)}"


def short_date(day: date) -> str:
    """'29.04.2026'."""
    return day.strftime("%d.%m.%Y")


def short_moment(moment: datetime) -> str:
    """'23.11.2026 kl. 14.05' in Europe/Oslo time."""
    at = local(moment)
    return f"{short_date(at.date())} kl. {clock(at.time())}"


def clock(at: time) -> str:
    """'10.00' as in running text ("kl. 10.00 – 16.00")."""
    return at.strftime("%H.%M")


def agenda_clock(at: time | None) -> str:
    """'10:00' as in the agenda table's Tidspunkt column."""
    return at.strftime("%H:%M") if at else ""


def date_span(first: date, last: date) -> str:
    """'29. – 30. april 2026', '30. april – 1. mai 2026', or one day."""
    if first == last:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}. – {long_date(last)}"
    if first.year == last.year:
        return f"{day_month(first)} – {long_date(last)}"
    return f"{long_date(first)} – {long_date(last)}"


def time_span(days: list[tuple[date, time, time]]) -> str:
    """'kl. 10.00 – 16.00' for one day; '29. april kl. 10.00 – 16.00 og 30. april kl. …'."""
    parts = [f"kl. {clock(start)} – {clock(end)}" for _, start, end in days]
    if len(days) == 1:
        return parts[0]
    parts = [f"{day_month(d)} {part}" for (d, _, _), part in zip(days, parts, strict=True)]
    return ", ".join(parts[:-1]) + " og " + parts[-1]
