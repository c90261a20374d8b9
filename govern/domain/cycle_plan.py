"""A year's plan from an annual cycle: pure computation, no database.

Each entry of a cycle yields occurrences: one a year for yearly dates, spans and periods;
one per meeting for meeting-relative entries; and for an entry relative to another, one per
occurrence of that other entry, shifted. An occurrence has a key that does not depend on
its date ("y2026", "m42"), so what was done about it (DeadlineMark) stays with it when a
meeting moves. Fuzzy periods keep their label ("uke 12", "2. tertial", "høsten") and are
never shown as a made-up exact date; their dates only say where they lie in the year.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.i18n import ngettext
from govern.timeutil import date_span, day_month, long_date, month_name

STATUS_LABELS = {
    "kommende": _l("Kommende"),
    "forfalt": _l("Forfalt"),
    "utført": _l("Utført"),
}
SEASONS = {1: _l("våren"), 2: _l("høsten")}
#: Meetings with these statuses have no deadlines.
IGNORED_MEETING_STATUSES = ("avlyst",)


class MeetingLike(Protocol):
    """What the plan needs of a meeting (a Meeting, or a proposed one when rolling over)."""

    id: Any
    number: str
    status: str

    @property
    def first_date(self) -> date | None: ...


@dataclass
class Occurrence:
    """One concrete deadline or period in a year's plan."""

    entry: Any  # CycleEntry
    key: str
    starts_on: date
    ends_on: date
    #: How the time is shown: "1. februar", "uke 12", "2. tertial", "4 uker før møtet".
    when: str
    #: A fuzzy period: show `when`, never a single date.
    fuzzy: bool
    meeting: Any = None
    title: str = ""
    status: str = "kommende"
    done_at: Any = None
    done_by: Any = None
    reminded_at: Any = None
    #: For an occurrence relative to another: the one it is counted from.
    base: Occurrence | None = field(default=None, repr=False)

    @property
    def uid(self) -> str:
        """A stable calendar UID (the entry and the occurrence key, never the date)."""
        return f"frist-{self.entry.id}-{self.key}@govern"

    @property
    def is_span(self) -> bool:
        return self.ends_on != self.starts_on

    def days_left(self, today: date) -> int:
        return (self.starts_on - today).days


# -- words for an occurrence -----------------------------------------------------------------


def time_text(occurrence: Occurrence, *, year: bool = False) -> str:
    """'1. april 2026', '1. – 15. april 2026', or the fuzzy period ('3. kvartal'; with
    `year`, '3. kvartal 2026', 'uke 12 i 2026')."""
    if occurrence.fuzzy:
        if not year:
            return occurrence.when
        entry = occurrence.entry
        if occurrence.base is None and getattr(entry, "period_unit", None) == "week":
            return _("%(week)s i %(year)s", week=occurrence.when, year=occurrence.starts_on.year)
        return f"{occurrence.when} {occurrence.starts_on.year}"
    if occurrence.is_span:
        return date_span(occurrence.starts_on, occurrence.ends_on)
    return long_date(occurrence.starts_on)


def due_text(days: int) -> str:
    """'i dag', 'i morgen', 'om 5 dager'."""
    if days == 0:
        return _("i dag")
    if days == 1:
        return _("i morgen")
    return ngettext("om %(num)s dag", "om %(num)s dager", days)


# -- time of one entry -----------------------------------------------------------------------


def weeks_in_year(year: int) -> int:
    """52 or 53 ISO weeks."""
    return date(year, 12, 28).isocalendar().week


def yearly_date(year: int, month: int, day: int) -> date:
    """A fixed yearly date; 29 February falls on 28 February in a common year."""
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day, last))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_dates(unit: str, start: int, end: int | None, year: int) -> tuple[date, date]:
    """First and last day of a period (or a range of them) in a year."""
    end = end or start
    if unit == "week":
        last_week = weeks_in_year(year)
        first = date.fromisocalendar(year, min(start, last_week), 1)
        return first, date.fromisocalendar(year, min(end, last_week), 7)
    months = {
        "month": lambda n: (n, n),
        "tertial": lambda n: (4 * n - 3, 4 * n),
        "quarter": lambda n: (3 * n - 2, 3 * n),
        "half": lambda n: (6 * n - 5, 6 * n),
        "season": lambda n: (1, 6) if n == 1 else (8, 12),
    }[unit]
    return date(year, months(start)[0], 1), _month_end(year, months(end)[1])


def period_label(unit: str, start: int, end: int | None = None) -> str:
    """'uke 12', 'uke 10–12', 'mars', 'mars–april', '2. tertial', '3. kvartal', 'høsten'."""
    end = end if end and end != start else None

    def one(n: int) -> str:
        if unit == "month":
            return month_name(n)
        if unit == "season":
            return str(SEASONS[n])
        if unit == "tertial":
            return _("%(n)s. tertial", n=n)
        if unit == "quarter":
            return _("%(n)s. kvartal", n=n)
        if unit == "half":
            return _("%(n)s. halvår", n=n)
        return str(n)

    if unit == "week":
        if end:
            return _("uke %(first)s–%(last)s", first=start, last=end)
        return _("uke %(n)s", n=start)
    return f"{one(start)}–{one(end)}" if end else one(start)


def offset_label(days: int, anchor: str) -> str:
    """'4 uker før møtet', '2 uker etter leveranseplan', '3 dager før …', 'samme dag som …'."""
    if days == 0:
        return _("samme dag som %(anchor)s", anchor=anchor)
    n = abs(days)
    if n % 7 == 0:
        amount = ngettext("%(num)s uke", "%(num)s uker", n // 7)
    else:
        amount = ngettext("%(num)s dag", "%(num)s dager", n)
    if days < 0:
        return _("%(amount)s før %(anchor)s", amount=amount, anchor=anchor)
    return _("%(amount)s etter %(anchor)s", amount=amount, anchor=anchor)


def when_text(entry) -> str:
    """How an entry's time reads in the cycle's list of entries."""
    kind = entry.when_kind
    if kind == "date":
        return day_month(yearly_date(2024, entry.month, entry.day))
    if kind == "span":
        first = day_month(yearly_date(2024, entry.month, entry.day))
        return f"{first} – {day_month(yearly_date(2024, entry.end_month, entry.end_day))}"
    if kind == "period":
        return period_label(entry.period_unit, entry.period_start, entry.period_end)
    if kind == "meeting":
        if entry.meeting_anchor == "next":
            return (
                _("i neste møte")
                if not entry.offset_days
                else offset_label(entry.offset_days, _("neste møte"))
            )
        return offset_label(entry.offset_days or 0, _("hvert møte"))
    base = entry.relative_to
    return offset_label(entry.offset_days or 0, base.title if base else "?")


# -- occurrences -----------------------------------------------------------------------------


def _yearly(entry, year: int) -> Occurrence:
    kind = entry.when_kind
    if kind == "date":
        day = yearly_date(year, entry.month, entry.day)
        return Occurrence(entry, f"y{year}", day, day, day_month(day), False)
    if kind == "span":
        first = yearly_date(year, entry.month, entry.day)
        last = yearly_date(year, entry.end_month, entry.end_day)
        return Occurrence(
            entry, f"y{year}", first, last, f"{day_month(first)} – {day_month(last)}", False
        )
    unit, start, end = entry.period_unit, entry.period_start, entry.period_end
    if unit == "week":  # week 53 is the year's last week in a year of 52 weeks
        start, end = min(start, weeks_in_year(year)), end and min(end, weeks_in_year(year))
    first, last = period_dates(unit, start, end, year)
    label = period_label(unit, start, end)
    return Occurrence(entry, f"y{year}", first, last, label, True)


def _meeting_ones(entry, meetings: Sequence[MeetingLike]) -> list[Occurrence]:
    dated = [
        m for m in meetings if m.first_date is not None and m.status not in IGNORED_MEETING_STATUSES
    ]
    dated.sort(key=lambda m: m.first_date)
    offset = timedelta(days=entry.offset_days or 0)
    found = []
    for index, meeting in enumerate(dated):
        if entry.meeting_anchor == "next":
            if index + 1 >= len(dated):
                continue  # the next meeting is not planned yet
            anchor = dated[index + 1]
            if entry.offset_days:
                when = offset_label(entry.offset_days, _("møte %(number)s", number=anchor.number))
            else:
                when = _("i møte %(number)s", number=anchor.number)
        else:
            anchor = meeting
            when = offset_label(entry.offset_days or 0, _("møte %(number)s", number=meeting.number))
        day = anchor.first_date + offset
        occurrence = Occurrence(entry, f"m{meeting.id}", day, day, when, False, meeting)
        occurrence.title = _(
            "%(title)s – møte %(number)s", title=entry.title, number=meeting.number
        )
        found.append(occurrence)
    return found


def _shifted(entry, base: Occurrence) -> Occurrence:
    shift = timedelta(days=entry.offset_days or 0)
    first, last = base.starts_on + shift, base.ends_on + shift
    label = offset_label(entry.offset_days or 0, base.title or base.entry.title)
    occurrence = Occurrence(entry, base.key, first, last, label, base.fuzzy, base.meeting)
    occurrence.base = base
    if base.meeting is not None:
        occurrence.title = _(
            "%(title)s – møte %(number)s", title=entry.title, number=base.meeting.number
        )
    return occurrence


def occurrences(
    entries: Iterable,
    meetings: Sequence[MeetingLike],
    first: date,
    last: date,
    marks: Mapping[tuple[int, str], Any] | None = None,
    today: date | None = None,
) -> list[Occurrence]:
    """Every occurrence that touches [first, last], in date order, with its status.

    `meetings` are the body's meetings around the range (a meeting early next year can
    have a deadline this December); `marks` maps (entry id, key) to a DeadlineMark.
    """
    entries = list(entries)
    marks = marks or {}
    today = today or date.today()
    by_entry: dict[int, list[Occurrence]] = {}
    years = range(first.year - 1, last.year + 2)

    def of(entry) -> list[Occurrence]:
        if entry.id in by_entry:
            return by_entry[entry.id]
        by_entry[entry.id] = []  # a guard: rules that go in a circle are refused on save
        if entry.when_kind in ("date", "span", "period"):
            found = [_yearly(entry, year) for year in years]
        elif entry.when_kind == "meeting":
            found = _meeting_ones(entry, meetings)
        elif entry.relative_to is not None:
            found = [_shifted(entry, base) for base in of(entry.relative_to)]
        else:
            found = []
        for occurrence in found:
            occurrence.title = occurrence.title or entry.title
        by_entry[entry.id] = found
        return found

    result = []
    for entry in entries:
        for occurrence in of(entry):
            if occurrence.ends_on < first or occurrence.starts_on > last:
                continue
            mark = marks.get((entry.id, occurrence.key))
            if mark is not None:
                occurrence.done_at, occurrence.done_by = mark.done_at, mark.done_by
                occurrence.reminded_at = mark.reminded_at
            if occurrence.done_at is not None:
                occurrence.status = "utført"
            elif occurrence.ends_on < today:
                occurrence.status = "forfalt"
            else:
                occurrence.status = "kommende"
            result.append(occurrence)
    result.sort(key=lambda o: (o.starts_on, o.ends_on, o.title, o.entry.id))
    return result


def year_plan(entries, meetings, year: int, marks=None, today=None) -> list[Occurrence]:
    """The occurrences of a calendar year (a period that runs into it counts)."""
    return occurrences(entries, meetings, date(year, 1, 1), date(year, 12, 31), marks, today)
