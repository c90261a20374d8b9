"""The annual wheel (årshjul) as a picture: pure geometry and SVG markup, no database.

`year_rows` turns a year's meetings and deadline occurrences into the rows the page's
table and the Word version show; `build_wheel` draws the same rows: twelve month sectors
from the top, clockwise; meetings as dots on the rim, single-day deadlines as diamonds just
inside it, fuzzy periods and spans as arcs on inner rings, and today as a line from the
centre. Every mark is a link to its table row with a <title> and an aria-label, so hovering
or focusing it tells what it is. All text is escaped.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from govern.domain.cycle_plan import STATUS_LABELS, due_text, time_text
from govern.i18n import gettext as _
from govern.models.meetings import MEETING_STATUS_LABELS
from govern.timeutil import date_span, local, long_date, month_name, short_date

SIZE = 600
CENTRE = SIZE / 2
#: The month ring lies between these radii; meetings sit on its outer edge.
RING_INNER, RING_OUTER = 238, 284
LABEL_RADIUS = 261
DEADLINE_RADIUS = 226
#: Arcs for periods and spans, ring after ring towards the centre.
ARC_FIRST, ARC_STEP, ARC_RINGS = 206, 15, 6
TODAY_INNER, TODAY_OUTER = 36, 296


@dataclass
class Row:
    """One line of the year: a meeting or one occurrence of a cycle entry."""

    anchor: str
    #: meeting | deadline | period (a fuzzy period or a span of dates)
    kind: str
    starts_on: date
    ends_on: date
    when: str
    what: str
    responsible: str = ""
    recipient: str = ""
    #: kommende | forfalt | utført, or the meeting's status
    status: str = ""
    status_text: str = ""
    #: "om 5 dager", "i dag", "i morgen" for a coming single date; else "".
    due: str = ""
    #: The rule the date comes from, when it is not the date itself ("4 uker før møte 2/26").
    rule: str = ""
    entry_id: int | None = None
    key: str = ""
    meeting_id: int | None = None

    @property
    def overdue(self) -> bool:
        return self.status == "forfalt"

    @property
    def label(self) -> str:
        """What a mark on the wheel says on hover and to a screen reader."""
        parts = [self.what, self.when]
        if self.responsible:
            parts.append(_("ansvarlig: %(name)s", name=self.responsible))
        if self.status_text:
            parts.append(self.status_text)
        return " – ".join(p for p in parts if p)


def meeting_row(meeting) -> Row:
    """A meeting of the body as a row."""
    first, last = meeting.first_date, meeting.last_date
    return Row(
        anchor=f"m-{meeting.id}",
        kind="meeting",
        starts_on=first,
        ends_on=last,
        when=date_span(first, last),
        what=_("Møte %(number)s", number=meeting.number),
        status=meeting.status,
        status_text=str(MEETING_STATUS_LABELS.get(meeting.status, meeting.status)).capitalize(),
        meeting_id=meeting.id,
    )


def occurrence_row(occurrence, today: date) -> Row:
    """One deadline or period of a cycle as a row."""
    entry = occurrence.entry
    fuzzy_or_span = occurrence.fuzzy or occurrence.is_span
    when = time_text(occurrence)
    status_text = str(STATUS_LABELS[occurrence.status])
    if occurrence.status == "utført" and occurrence.done_at is not None:
        done_on = short_date(local(occurrence.done_at).date())
        if occurrence.done_by is not None:
            status_text = _(
                "Utført %(date)s av %(name)s", date=done_on, name=occurrence.done_by.name
            )
        else:
            status_text = _("Utført %(date)s", date=done_on)
    days = occurrence.days_left(today)
    due = due_text(days) if occurrence.status == "kommende" and days >= 0 else ""
    return Row(
        anchor=f"o-{entry.id}-{occurrence.key}",
        kind="period" if fuzzy_or_span else "deadline",
        starts_on=occurrence.starts_on,
        ends_on=occurrence.ends_on,
        when=when,
        what=occurrence.title,
        responsible=entry.responsible,
        recipient=entry.recipient,
        status=occurrence.status,
        status_text=status_text,
        due="" if occurrence.fuzzy else due,
        rule=occurrence.when if entry.when_kind in ("meeting", "entry") else "",
        entry_id=entry.id,
        key=occurrence.key,
    )


def year_rows(meetings: Iterable, occurrences: Iterable, today: date) -> list[Row]:
    """Meetings (with a date) and occurrences as rows in date order, meetings first on a day."""
    rows = [meeting_row(m) for m in meetings if m.first_date is not None]
    rows += [occurrence_row(o, today) for o in occurrences]
    order = {"meeting": 0, "deadline": 1, "period": 2}
    rows.sort(key=lambda r: (r.starts_on, order[r.kind], r.ends_on, r.what))
    return rows


def rows_by_month(rows: Sequence[Row], year: int) -> list[tuple[str, list[Row]]]:
    """Twelve (month name, rows) pairs; a row counts in the month it begins (or January)."""
    months: list[list[Row]] = [[] for _ in range(12)]
    for row in rows:
        month = row.starts_on.month if row.starts_on.year == year else 1
        months[month - 1].append(row)
    return [(month_name(i + 1).capitalize(), months[i]) for i in range(12)]


# -- geometry ---------------------------------------------------------------------------------


def _fraction(day: date, year: int, end_of_day: bool = False) -> float:
    """Where a day lies in the year, 0 (1 January, top) to 1 (a full turn)."""
    first = date(year, 1, 1)
    length = (date(year + 1, 1, 1) - first).days
    offset = (day - first).days + (1 if end_of_day else 0)
    return min(max(offset / length, 0.0), 1.0)


def _point(fraction: float, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * fraction
    return CENTRE + radius * math.sin(angle), CENTRE - radius * math.cos(angle)


def _xy(fraction: float, radius: float) -> str:
    x, y = _point(fraction, radius)
    return f"{x:.2f} {y:.2f}"


def _arc(start: float, end: float, radius: float) -> str:
    """An arc path clockwise from `start` to `end` (fractions of the year)."""
    end = min(end, start + 0.9995)  # a full turn cannot be drawn as one arc
    large = 1 if end - start > 0.5 else 0
    return f"M {_xy(start, radius)} A {radius} {radius} 0 {large} 1 {_xy(end, radius)}"


def sector_path(start: float, end: float, inner: float, outer: float) -> str:
    """An annular sector between two fractions of the year."""
    large = 1 if end - start > 0.5 else 0
    return (
        f"M {_xy(start, outer)} A {outer} {outer} 0 {large} 1 {_xy(end, outer)} "
        f"L {_xy(end, inner)} A {inner} {inner} 0 {large} 0 {_xy(start, inner)} Z"
    )


def _rings(rows: Sequence[Row]) -> list[int]:
    """A ring per period so that overlapping periods lie on different rings."""
    last_end: list[date] = []
    rings = []
    for row in rows:
        for ring, end in enumerate(last_end):
            if end < row.starts_on:
                last_end[ring] = row.ends_on
                break
        else:
            if len(last_end) < ARC_RINGS:
                last_end.append(row.ends_on)
                ring = len(last_end) - 1
            else:
                ring = ARC_RINGS - 1
        rings.append(ring)
    return rings


# -- markup -----------------------------------------------------------------------------------


def _e(text: str) -> str:
    return escape(text, quote=True)


#: The entry shown in the centre while its mark is hovered or focused: lines and their height.
CENTRE_CHARS, CENTRE_LINES, LINE_HEIGHT = 18, 6, 22


def _centre_label(text: str) -> str:
    """The entry's text in the middle of the wheel (shown by CSS on hover and focus)."""
    lines = textwrap.wrap(text, CENTRE_CHARS)
    if len(lines) > CENTRE_LINES:
        lines = [
            *lines[: CENTRE_LINES - 1],
            textwrap.shorten(" ".join(lines[CENTRE_LINES - 1 :]), CENTRE_CHARS, placeholder=" …"),
        ]
    top = CENTRE - (len(lines) - 1) * LINE_HEIGHT / 2
    spans = "".join(
        f'<tspan x="{CENTRE}" y="{top + i * LINE_HEIGHT:.1f}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text class="mark-label" text-anchor="middle" dominant-baseline="middle" '
        f'aria-hidden="true">{spans}</text>'
    )


def _mark(row: Row, shape: str, classes: str) -> str:
    label = _e(row.label)
    return (
        f'<a class="mark {classes}" href="#{_e(row.anchor)}" aria-label="{label}">'
        f"<title>{label}</title>{shape}{_centre_label(row.label)}</a>"
    )


def _months(year: int) -> list[str]:
    parts = []
    for month in range(1, 13):
        start = _fraction(date(year, month, 1), year)
        end = _fraction(date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1), year)
        name = _e(month_name(month))
        parts.append(
            f'<path class="sector sector-{month % 2}" data-month="{month}" '
            f'd="{sector_path(start, end, RING_INNER, RING_OUTER)}"><title>{name}</title></path>'
        )
        x, y = _point((start + end) / 2, LABEL_RADIUS)
        parts.append(
            f'<text class="month-name" x="{x:.2f}" y="{y:.2f}" text-anchor="middle" '
            f'dominant-baseline="middle" aria-hidden="true">{name}</text>'
        )
    return parts


def _today(year: int, today: date) -> list[str]:
    if today.year != year:
        return []
    middle = (_fraction(today, year) + _fraction(today, year, end_of_day=True)) / 2
    x1, y1 = _point(middle, TODAY_INNER)
    x2, y2 = _point(middle, TODAY_OUTER)
    label = _e(_("I dag, %(date)s", date=long_date(today)))
    return [
        f'<g class="today" role="img" aria-label="{label}"><title>{label}</title>'
        f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}"/></g>'
    ]


def build_wheel(rows: Sequence[Row], year: int, today: date, title: str = "") -> str:
    """The year's wheel as an SVG element (well-formed XML)."""
    heading = _e(title or _("Årshjul %(year)s", year=year))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wheel" viewBox="0 0 {SIZE} {SIZE}" '
        f'role="group" aria-label="{heading}"><title>{heading}</title>',
        *_months(year),
        f'<text class="year" x="{CENTRE}" y="{CENTRE}" text-anchor="middle" '
        f'dominant-baseline="middle" aria-hidden="true">{year}</text>',
    ]
    periods = [r for r in rows if r.kind == "period"]
    for row, ring in zip(periods, _rings(periods), strict=True):
        radius = ARC_FIRST - ring * ARC_STEP
        start = _fraction(row.starts_on, year)
        end = _fraction(row.ends_on, year, end_of_day=True)
        shape = f'<path d="{_arc(start, max(end, start + 0.004), radius)}"/>'
        parts.append(_mark(row, shape, f"period status-{row.status}"))
    for row in rows:
        if row.kind == "deadline":
            middle = (_fraction(row.starts_on, year) + _fraction(row.starts_on, year, True)) / 2
            x, y = _point(middle, DEADLINE_RADIUS)
            shape = (
                f'<path d="M {x:.2f} {y - 7:.2f} L {x + 6:.2f} {y:.2f} L {x:.2f} {y + 7:.2f} '
                f'L {x - 6:.2f} {y:.2f} Z"/>'
            )
            parts.append(_mark(row, shape, f"deadline status-{row.status}"))
    for row in rows:
        if row.kind == "meeting":
            start = _fraction(row.starts_on, year)
            middle = (start + _fraction(row.ends_on, year, end_of_day=True)) / 2
            x, y = _point(middle, RING_OUTER)
            shape = f'<circle cx="{x:.2f}" cy="{y:.2f}" r="8"/>'
            parts.append(_mark(row, shape, "meeting"))
    parts += _today(year, today)
    parts.append("</svg>")
    return "".join(parts)
