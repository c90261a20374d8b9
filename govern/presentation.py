"""Display structures derived from models, shared by pages and documents (pure, no queries)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from markupsafe import Markup

from govern.i18n import current_language
from govern.i18n import gettext as _
from govern.markup import to_html
from govern.models.bodies import ROLES, Body, Membership
from govern.models.cases import Treatment
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.queries import treatments_in_order
from govern.timeutil import clock, date_span, short_date, time_span, weekday_date

#: Roles listed as members in a meeting's header.
MEMBER_ROLES = ("leder", "nestleder", "medlem", "observatør")


def meeting_dates(meeting: Meeting) -> str:
    """'29. – 30. april 2026'."""
    if not meeting.days:
        return ""
    return date_span(meeting.first_date, meeting.last_date)


def meeting_times(meeting: Meeting) -> str:
    """'29. april kl. 10.00 – 16.00 og 30. april kl. 08.00 – 14.30'."""
    if not meeting.days:
        return ""
    return time_span([(d.date, d.start_time, d.end_time) for d in meeting.days])


def active_members(
    body: Body, on: date | None, roles: tuple[str, ...] = MEMBER_ROLES
) -> list[Membership]:
    """Memberships of the given roles active on a day, in the order they were registered."""
    rows = [m for m in body.memberships if m.role in roles and (on is None or m.active_on(on))]
    return sorted(rows, key=lambda m: m.id)


#: Minutes in a day; durations and times are kept within it.
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class Slot:
    """When an item starts (set by hand, or following from the item before) and ends;
    None where a duration before it is missing."""

    start: time | None
    end: time | None
    by_hand: bool


@dataclass(frozen=True)
class DayTimes:
    slots: list[Slot]
    #: When the day's agenda ends by the times and durations given.
    runs_until: time | None
    overrun: bool


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _time(minutes: int | None) -> time | None:
    if minutes is None:
        return None
    minutes = min(minutes, MAX_MINUTES - 1)
    return time(minutes // 60, minutes % 60)


def day_times(day_start: time, day_end: time, items: Sequence[Any]) -> DayTimes:
    """Start and end of each of a day's items, and whether the day runs past its end.

    Items need start_time, duration_minutes and kind (and id and parent_id for sub-points).
    A start set by hand anchors the items after it; an item without one starts when the item
    before ends (the first item: at the day's start). After an item without a duration the
    time is unknown until the next time set by hand; a heading, and a sub-point without a
    duration, take no time. A case's sub-points are scheduled inside the case's time: the
    first starts with the case, each next one when the one before ends, and what follows the
    case starts when the case ends (or its sub-points, if they run longer). A break without
    a duration is a marker ("Slutt dag 1", "Middag") and does not count towards the end of
    the agenda.
    """
    cursor: int | None = _minutes(day_start)
    runs: int | None = None
    slots = []
    case = None  # (the case item, when its sub-points go on, when the case ends)
    for item in items:
        by_hand = item.start_time is not None
        duration = item.duration_minutes
        if duration is None and item.kind in ("heading", "point"):
            duration = 0
        inside = (
            item.kind == "point"
            and case is not None
            and getattr(item, "parent_id", None) == getattr(case[0], "id", None)
        )
        if inside:
            parent, point_cursor, case_end = case
            start = _minutes(item.start_time) if by_hand else point_cursor
            end = start + duration if start is not None and duration is not None else None
            case = (parent, end, case_end)
            cursor = _later(case_end, end)
        else:
            start = _minutes(item.start_time) if by_hand else cursor
            end = start + duration if start is not None and duration is not None else None
            cursor = end
            case = (item, start, end) if item.kind == "case" else None
        slots.append(Slot(_time(start), _time(end), by_hand))
        if end is not None:
            runs = end if runs is None else max(runs, end)
    overrun = runs is not None and runs > _minutes(day_end)
    return DayTimes(slots, _time(runs), overrun)


def _later(first: int | None, second: int | None) -> int | None:
    """The later of two moments; None when either is unknown."""
    if first is None or second is None:
        return None
    return max(first, second)


@dataclass
class AgendaRow:
    """One row of the agenda table, with its computed time."""

    item: AgendaItem
    slot: Slot
    title: str
    number: str = ""
    sakstype: str = ""

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def start_time(self) -> time | None:
        return self.slot.start


@dataclass
class AgendaDay:
    number: int
    day: MeetingDay
    heading: str
    rows: list[AgendaRow]
    #: "Dagsordenen for dag 1 går til 16.20, etter møteslutt 16.00." or None.
    warning: str | None = None


def items_by_day(meeting: Meeting) -> list[list[AgendaItem]]:
    """The agenda as one list per day (in day order), each in agenda order."""
    lists: dict[int, list[AgendaItem]] = {d.id: [] for d in meeting.days}
    for item in sorted(meeting.items, key=lambda i: (i.position, i.id or 0)):
        lists[item.day_id].append(item)
    return list(lists.values())


def agenda_days(
    meeting: Meeting, shown_title: Callable[[Treatment], str] | None = None
) -> list[AgendaDay]:
    """The agenda by day with case numbers, computed times and a warning for a long day.

    `shown_title` gives a case item's title for the reader (govern.openness.shown_title
    with the reader bound): the public title of an exempt case for those who may not see
    it. Without it every title is the full one.
    """
    days = []
    for number, (day, items) in enumerate(zip(meeting.days, items_by_day(meeting), strict=True), 1):
        times = day_times(day.start_time, day.end_time, items)
        warning = None
        if times.overrun:
            warning = _(
                "Dagsordenen for dag %(day)s går til %(until)s, etter møteslutt %(end)s.",
                day=number,
                until=clock(times.runs_until),
                end=clock(day.end_time),
            )
        rows = [
            AgendaRow(
                item=item,
                slot=slot,
                title=(
                    shown_title(item.treatment)
                    if shown_title is not None and item.treatment is not None
                    else item.display_title
                ),
                number=item.treatment.number if item.treatment else "",
                sakstype=(item.treatment.sakstype or "") if item.treatment else "",
            )
            for item, slot in zip(items, times.slots, strict=True)
        ]
        days.append(AgendaDay(number, day, weekday_date(day.date), rows, warning))
    return days


def treatment_texts(t: Treatment) -> dict[str, Any]:
    """A treatment's texts under the keys the exchange format and the API share."""
    return {
        "sakstype": t.sakstype,
        "summary": t.summary,
        "proposed_decision": t.proposed_decision,
        "presenter": t.presenter,
        "presentation": t.presentation,
        "input": [i.text for i in t.inputs],
        "decision": t.decision,
    }


def attachment_refs(t: Treatment) -> list[dict[str, str]]:
    """The treatment's Vedlegg as [{'number': '6A', 'title': …}]."""
    return [{"number": a.number, "title": a.title} for a in t.attachments]


def paragraphs(text: str) -> list[dict]:
    """Split stored text into blocks: {'kind': 'p', 'text'} or {'kind': 'ul', 'items': [...]}.

    A blank line separates paragraphs; lines starting with '- ' or '• ' form a bullet list.
    """
    blocks: list[dict] = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith(("- ", "• ")) for line in lines):
            blocks.append({"kind": "ul", "items": [line.lstrip()[2:].strip() for line in lines]})
        else:
            blocks.append({"kind": "p", "text": "\n".join(lines)})
    return blocks


def text_html(text: str) -> Markup:
    """Stored text as HTML (the pages' `text_html` filter and `text_blocks` macro): paragraphs,
    lists and the small markup of `govern.markup`, sanitised."""
    return to_html(text or "")


@dataclass
class AttendanceLists:
    """Who was there, as the referat's header lists them."""

    present: list[str]
    absent: list[str]
    deputies: list[str]
    staff: list[str]
    #: The staff's organisation when they share one ("Helsedirektoratet"), else "Sekretariat".
    staff_label: str = field(default_factory=lambda: _("Sekretariat"))

    def __bool__(self) -> bool:
        return bool(self.present or self.absent or self.deputies or self.staff)


def _days_suffix(days: list[int] | None) -> str:
    """' – dag 1' or ' – dag 1 og 2' for a status that holds only some days."""
    if not days:
        return ""
    numbers = [str(d) for d in sorted(days)]
    if len(numbers) == 1:
        return " – " + _("dag %(day)s", day=numbers[0])
    joined = _("%(first)s og %(last)s", first=", ".join(numbers[:-1]), last=numbers[-1])
    return " – " + _("dag %(days)s", days=joined)


def _absent_days(a, day_count: int) -> list[int] | None:
    """The days a person was away: [] for the whole meeting, None if never (present or a
    deputy); "present on day 1" of two days is "absent on day 2"."""
    if a.status == "absent":
        return sorted(a.days or [])
    if a.status == "present" and a.days:
        away = [d for d in range(1, day_count + 1) if d not in a.days]
        return away or None
    return None


def attendance_lists(meeting: Meeting) -> AttendanceLists:
    """Split attendance into present members, absences, deputies and secretariat staff.

    A member absent only some days is listed as present and, with those days, as absent.
    """
    memberships = active_members(meeting.body, None, ROLES)
    order = {m.person_id: (i, m.role) for i, m in enumerate(memberships)}
    rows = sorted(meeting.attendance, key=lambda a: (order.get(a.person_id, (10**6, ""))[0], a.id))
    lists = AttendanceLists([], [], [], [])
    staff_orgs = set()
    for a in rows:
        label = a.person.label
        staff = order.get(a.person_id, (0, ""))[1] == "sekretariat"
        absent_days = _absent_days(a, len(meeting.days))
        if a.status == "deputy":
            deputy = _("%(name)s, stiller for %(member)s", name=label, member=a.deputy_for.name)
            lists.deputies.append(deputy + _days_suffix(a.days))
        elif absent_days is not None:
            # "Ikke til stede – dag 2" however it was entered: absent on day 2, or present
            # only on day 1 (as the seed's referat writes a partial absence).
            lists.absent.append(label + _days_suffix(absent_days))
            if absent_days:
                lists.present.append(label)
        elif staff:
            lists.staff.append(a.person.name)
            staff_orgs.add(a.person.organisation.name if a.person.organisation else "")
        else:
            lists.present.append(label)
    if len(staff_orgs) == 1 and "" not in staff_orgs:
        lists.staff_label = staff_orgs.pop()
    return lists


@dataclass(frozen=True)
class HistoryRow:
    """A row of the toppnotat's "Vedtak fra tidligere behandlinger i rådsmodellen"."""

    number: str
    body_and_date: str
    title: str
    decision: str


def _history_key(t: Treatment) -> tuple:
    return (t.date or date(t.year, 12, 31), t.year, t.seq)


def earlier_treatments(treatment: Treatment) -> list[Treatment]:
    """The case's treatments (its lineage included) before this one, newest first; one
    registered without a date comes after the dated ones of its year, as the seed's toppnotat
    lists "Fagutvalget (NUFA)" after "Nasjonalt e-helseråd 16.10.2025" for case 26/25."""
    here = _history_key(treatment)
    earlier = [
        t
        for t in treatments_in_order(treatment.case)
        if t is not treatment and _history_key(t) < here
    ]
    return sorted(earlier, key=lambda t: (t.date or date(t.year, 1, 1), t.year, t.seq))[::-1]


def history_rows(treatments: list[Treatment], decision_visible=lambda t: True) -> list[HistoryRow]:
    """History rows for the toppnotat; a decision the reader may not see is left out."""
    rows = []
    for t in treatments:
        when = t.date
        # Without a date the body is named in full, as the seed does: "Fagutvalget (NUFA)".
        place = f"{t.body.short_name} {short_date(when)}" if when else t.body.title
        decision = t.decision if decision_visible(t) else ""
        rows.append(HistoryRow(t.number, place, t.display_title, decision))
    return rows


def kroner(amount: int | None) -> str:
    """An amount in Norwegian kroner for a page: '1 400 000 kr' with non-breaking spaces, so
    the amount never wraps inside a table cell; in English 'NOK 1,400,000'."""
    if amount is None:
        return ""
    if current_language() == "en":
        return f"NOK\u00a0{amount:,}"
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def revision_note(revision) -> str:
    """'Rettet i revisjon 2: reason (sak 9/26; oppmøte)', for the meeting page and referat."""
    changes = [c for c in revision.changes or [] if c]
    cases = sorted({c["treatment"] for c in changes if c.get("treatment")})
    what = [_("sak %(numbers)s", numbers=", ".join(cases))] if cases else []
    if any(c.get("field") == "attendance" for c in changes):
        what.append(_("oppmøte"))
    note = _(
        "Rettet i revisjon %(number)s: %(reason)s", number=revision.number, reason=revision.reason
    )
    return note + (f" ({'; '.join(what)})" if what else "")
