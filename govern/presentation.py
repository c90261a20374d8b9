"""Display structures derived from models, shared by pages and documents (pure, no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from govern.models.bodies import ROLES, Body, Membership
from govern.models.cases import Treatment
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.timeutil import date_span, time_span, weekday_date

#: Roles listed as members in a meeting's header.
MEMBER_ROLES = ("leder", "nestleder", "medlem", "observatør")


@dataclass
class AgendaRow:
    """One row of the agenda table."""

    kind: str
    title: str
    number: str = ""
    sakstype: str = ""
    start_time: time | None = None
    item: AgendaItem | None = None
    points: list[AgendaRow] = field(default_factory=list)


@dataclass
class AgendaDay:
    number: int
    day: MeetingDay
    heading: str
    rows: list[AgendaRow]


def meeting_dates(meeting: Meeting) -> str:
    """'29. – 30. april 2026'."""
    if not meeting.days:
        return ""
    return date_span(meeting.first_date, meeting.last_date)


def meeting_times(meeting: Meeting) -> str:
    """'29. april kl. 10.00 – 16.00 og 30. april kl. 08.00 – 14.30'."""
    return time_span([(d.date, d.start_time, d.end_time) for d in meeting.days])


def active_members(
    body: Body, on: date | None, roles: tuple[str, ...] = MEMBER_ROLES
) -> list[Membership]:
    """Memberships of the given roles active on a day, in the order they were registered."""
    rows = [m for m in body.memberships if m.role in roles and (on is None or m.active_on(on))]
    return sorted(rows, key=lambda m: m.id)


def agenda_days(meeting: Meeting) -> list[AgendaDay]:
    """The agenda split by day, rows in order, with case numbers and types."""
    by_day: dict[int, list[AgendaRow]] = {d.id: [] for d in meeting.days}
    for item in meeting.items:
        t = item.treatment
        by_day[item.day_id].append(
            AgendaRow(
                kind=item.kind,
                title=item.display_title,
                number=t.number if t else "",
                sakstype=t.sakstype or "" if t else "",
                start_time=item.start_time,
                item=item,
            )
        )
    return [
        AgendaDay(number=i + 1, day=d, heading=weekday_date(d.date), rows=by_day[d.id])
        for i, d in enumerate(meeting.days)
    ]


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


@dataclass
class AttendanceLists:
    """Who was there, as the referat's header lists them."""

    present: list[str]
    absent: list[str]
    deputies: list[str]
    staff: list[str]

    def __bool__(self) -> bool:
        return bool(self.present or self.absent or self.deputies or self.staff)


def _days_suffix(days: list[int] | None) -> str:
    """' – dag 1' or ' – dag 1 og 2' for a status that holds only some days."""
    if not days:
        return ""
    numbers = [str(d) for d in sorted(days)]
    joined = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " og " + numbers[-1]
    return f" – dag {joined}"


def attendance_lists(meeting: Meeting) -> AttendanceLists:
    """Split attendance into present members, absences, deputies and secretariat staff.

    A member absent only some days is listed as present and, with those days, as absent.
    """
    memberships = active_members(meeting.body, None, ROLES)
    order = {m.person_id: (i, m.role) for i, m in enumerate(memberships)}
    rows = sorted(meeting.attendance, key=lambda a: (order.get(a.person_id, (10**6, ""))[0], a.id))
    lists = AttendanceLists([], [], [], [])
    for a in rows:
        label = a.person.label
        staff = order.get(a.person_id, (0, ""))[1] == "sekretariat"
        if a.status == "deputy":
            lists.deputies.append(f"{label}, stiller for {a.deputy_for.name}{_days_suffix(a.days)}")
        elif a.status == "absent":
            lists.absent.append(label + _days_suffix(a.days))
            if a.days:
                lists.present.append(label)
        elif staff:
            lists.staff.append(a.person.name)
        else:
            lists.present.append(label)
    return lists
