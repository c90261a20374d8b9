"""Europe/Oslo time, and dates as the sector writes them in bokmål, nynorsk and English
(in the current language, govern/i18n.py), on pages and in documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from govern.i18n import current_language

OSLO = ZoneInfo("Europe/Oslo")

_NB_MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip
#: Month and weekday names per language (nynorsk has the bokmål months, its own weekdays).
MONTH_NAMES = {
    "nb": _NB_MONTHS,
    "nn": _NB_MONTHS,
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
WEEKDAY_NAMES = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "nn": ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = _NB_MONTHS
WEEKDAYS = WEEKDAY_NAMES["nb"]


def _english() -> bool:
    return current_language() == "en"


def month_name(month: int) -> str:
    """'april' (bokmål and nynorsk), 'April' (English)."""
    return MONTH_NAMES[current_language()][month - 1]


def weekday_name(day: date) -> str:
    """'onsdag' / 'onsdag' / 'Wednesday'."""
    return WEEKDAY_NAMES[current_language()][day.weekday()]


def local(moment: datetime) -> datetime:
    """A UTC moment as Europe/Oslo wall-clock time."""
    return moment.astimezone(OSLO)


def oslo_moment(day: date, at: time) -> datetime:
    """The UTC moment of a wall-clock time on a day in Europe/Oslo."""
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(UTC)


def long_date(day: date) -> str:
    """'29. april 2026'; English '29 April 2026'."""
    return f"{day_month(day)} {day.year}"


def day_month(day: date) -> str:
    """'29. april'; English '29 April'."""
    if _english():
        return f"{day.day} {month_name(day.month)}"
    return f"{day.day}. {month_name(day.month)}"


def weekday_date(day: date) -> str:
    """'Onsdag 29. april 2026'; English 'Wednesday 29 April 2026'."""
    name = weekday_name(day)
    return f"{name[0].upper()}{name[1:]} {long_date(day)}"


def short_date(day: date) -> str:
    """'29.04.2026'; English '29/04/2026'."""
    return day.strftime("%d/%m/%Y" if _english() else "%d.%m.%Y")


def short_moment(moment: datetime) -> str:
    """'23.11.2026 kl. 14.05' in Europe/Oslo time; English '23/11/2026 at 14:05'."""
    at = local(moment)
    if _english():
        return f"{short_date(at.date())} at {clock(at.time())}"
    return f"{short_date(at.date())} kl. {clock(at.time())}"


def clock(at: time) -> str:
    """'10.00' as in running text ("kl. 10.00 – 16.00"); English '10:00'."""
    return at.strftime("%H:%M" if _english() else "%H.%M")


def agenda_clock(at: time | None) -> str:
    """'10:00' as in the agenda table's Tidspunkt column."""
    return at.strftime("%H:%M") if at else ""


def date_span(first: date, last: date) -> str:
    """'29. – 30. april 2026', '30. april – 1. mai 2026', or one day;
    English '29–30 April 2026', '30 April – 1 May 2026'."""
    if first == last:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        if _english():
            return f"{first.day}–{long_date(last)}"
        return f"{first.day}. – {long_date(last)}"
    if first.year == last.year:
        return f"{day_month(first)} – {long_date(last)}"
    return f"{long_date(first)} – {long_date(last)}"


def time_span(days: list[tuple[date, time, time]]) -> str:
    """'kl. 10.00 – 16.00' for one day; '29. april kl. 10.00 – 16.00 og 30. april kl. …';
    English '10:00–16:00', '29 April 10:00–16:00 and 30 April …'."""
    if _english():
        parts = [f"{clock(start)}–{clock(end)}" for _, start, end in days]
        joiner = " and "
    else:
        parts = [f"kl. {clock(start)} – {clock(end)}" for _, start, end in days]
        joiner = " og "
    if len(days) == 1:
        return parts[0]
    parts = [f"{day_month(d)} {part}" for (d, _, _), part in zip(days, parts, strict=True)]
    return ", ".join(parts[:-1]) + joiner + parts[-1]
