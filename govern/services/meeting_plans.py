"""Planning a meeting from the secretariat's pages: its days, place and sharing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.bodies import Body
from govern.models.meetings import Meeting, MeetingDay
from govern.services import agenda, audit
from govern.services.errors import Conflict, InvalidInput
from govern.services.meetings import DayInput, MeetingInput, previous_meeting, schedule_meeting
from govern.timeutil import clock, date_span, long_date, oslo_moment

#: Statuses a meeting may be planned with.
PLAN_STATUSES = ("planlagt", "innkalt", "gjennomført")


@dataclass(frozen=True)
class DayRow:
    """One row of a form's days table; a row without a date is left out."""

    date: date | None
    start: time | None = None
    end: time | None = None
    #: The existing day the row shows (when editing); None for a new day.
    day_id: int | None = None


@dataclass(frozen=True)
class PlanInput:
    days: tuple[DayRow, ...]
    location: str = ""
    status: str = "planlagt"
    agenda_shared: bool = False


@dataclass(frozen=True)
class MeetingEdit:
    days: tuple[DayRow, ...]
    version: int | None
    location: str = ""
    agenda_shared: bool = False
    #: Where the items of removed days go; removing a day with items is refused without it.
    move_items_to: date | None = None


def _filled_rows(rows: tuple[DayRow, ...]) -> list[tuple[int, DayRow]]:
    """The rows with a date, with their index in the form: times given, end after start,
    no date twice."""
    filled = [(i, r) for i, r in enumerate(rows) if r.date is not None]
    if not filled:
        raise InvalidInput(_("Oppgi minst én møtedag"), field="days[0].date")
    seen: set[date] = set()
    for i, row in filled:
        if row.start is None:
            raise InvalidInput(_("Oppgi når møtet starter"), field=f"days[{i}].start")
        if row.end is None:
            raise InvalidInput(_("Oppgi når møtet slutter"), field=f"days[{i}].end")
        if row.end <= row.start:
            raise InvalidInput(
                _(
                    "Slutt (%(end)s) må være etter start (%(start)s)",
                    end=clock(row.end),
                    start=clock(row.start),
                ),
                field=f"days[{i}].end",
            )
        if row.date in seen:
            raise InvalidInput(
                _("%(date)s er oppgitt to ganger", date=long_date(row.date)),
                field=f"days[{i}].date",
            )
        seen.add(row.date)
    return filled


def _check_free(
    session: Session, body: Body, rows: list[tuple[int, DayRow]], meeting: Meeting | None = None
) -> None:
    """Refuse a day on which the body already has (another) meeting."""
    stmt = (
        select(MeetingDay.date)
        .join(Meeting)
        .where(Meeting.body_id == body.id, MeetingDay.date.in_([r.date for _, r in rows]))
    )
    if meeting is not None:
        stmt = stmt.where(Meeting.id != meeting.id)
    taken = set(session.scalars(stmt))
    for i, row in rows:
        if row.date in taken:
            raise Conflict(
                _(
                    "%(body)s har allerede et møte %(date)s",
                    body=body.short_name,
                    date=long_date(row.date),
                ),
                field=f"days[{i}].date",
            )


def _check_location(location: str) -> str:
    location = (location or "").strip()
    if len(location) > 300:
        raise InvalidInput(_("Stedet kan ha høyst 300 tegn"), field="location")
    return location


def plan_meeting(
    session: Session, body: Body, data: PlanInput, actor: User | None = None
) -> Meeting:
    """Plan a meeting from the secretariat's form: its number is allocated, and its agenda
    opens with Godkjenning (of the previous meeting's minutes) and closes with Eventuelt."""
    if data.status not in PLAN_STATUSES:
        raise InvalidInput(
            _("Et nytt møte kan ikke ha status «%(status)s»", status=data.status), field="status"
        )
    rows = _filled_rows(data.days)
    _check_free(session, body, rows)
    meeting = schedule_meeting(
        session,
        body,
        MeetingInput(
            days=tuple(DayInput(r.date, r.start, r.end) for _, r in rows),
            location=_check_location(data.location),
            status=data.status,
        ),
    )
    meeting.agenda_shared = data.agenda_shared
    agenda.open_agenda(session, meeting, previous_meeting(session, body, meeting.first_date))
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.plan",
        meeting,
        f"Møte {meeting.number} i {body.short_name} planlagt "
        f"{date_span(meeting.first_date, meeting.last_date)}",
        body=body,
    )
    return meeting


def _days_text(days: list[MeetingDay]) -> str:
    return "; ".join(f"{d.date.isoformat()} {d.start_time:%H:%M}–{d.end_time:%H:%M}" for d in days)


def update_meeting(
    session: Session, meeting: Meeting, data: MeetingEdit, actor: User | None = None
) -> dict[str, Any]:
    """Change a meeting's place, days and sharing; returns what changed.

    A day that still has agenda items is only removed when `move_items_to` names another
    day of the meeting to move them to. The first day must stay in the meeting's year, which
    its numbers belong to.
    """
    audit.check_version(meeting, data.version, _("Møtet"))
    agenda.check_open(meeting, "møtet")
    rows = _filled_rows(data.days)
    location = _check_location(data.location)
    i, first = min(rows, key=lambda r: r[1].date)
    if first.date.year != meeting.year:
        raise InvalidInput(
            _(
                "Møte %(number)s hører til %(year)s; første møtedag må være i %(year)s. "
                "Planlegg et nytt møte for et annet år.",
                number=meeting.number,
                year=meeting.year,
            ),
            field=f"days[{i}].date",
        )
    _check_free(session, meeting.body, rows, meeting)
    existing = {d.id: d for d in meeting.days}
    by_date = {d.date: d for d in meeting.days}
    claimed = {r.day_id for _, r in rows if r.day_id in existing}
    plan: list[tuple[int, DayRow, MeetingDay | None]] = []
    for i, row in rows:
        if row.day_id is not None and row.day_id not in existing:
            raise InvalidInput(_("Ukjent møtedag; last siden på nytt"), field=f"days[{i}].date")
        day = existing.get(row.day_id) if row.day_id is not None else None
        if day is None and row.date in by_date and by_date[row.date].id not in claimed:
            day = by_date[row.date]  # a removed day typed in again: keep it
            claimed.add(day.id)
        plan.append((i, row, day))
    removed = [d for d in meeting.days if d.id not in claimed]
    busy = [d for d in removed if any(item.day_id == d.id for item in meeting.items)]
    target_date = data.move_items_to
    if busy and target_date not in {r.date for _, r, _ in plan}:
        day = busy[0]
        count = sum(1 for item in meeting.items if item.day_id == day.id)
        row = next((n for n, r in enumerate(data.days) if r.day_id == day.id), 0)
        raise Conflict(
            ngettext(
                "Dag %(day)s (%(date)s) har %(num)s punkt på dagsordenen. Velg en dag å flytte "
                "det til, eller flytt det på dagsordenen først.",
                "Dag %(day)s (%(date)s) har %(num)s punkter på dagsordenen. Velg en dag å flytte "
                "dem til, eller flytt dem på dagsordenen først.",
                count,
                day=meeting.day_number(day),
                date=long_date(day.date),
            ),
            field=f"days[{row}].date" if target_date is None else "move_items_to",
        )
    before = {
        "location": meeting.location,
        "agenda_shared": meeting.agenda_shared,
        "days": _days_text(meeting.days),
    }
    changes = audit.diff(meeting, {"location": location, "agenda_shared": data.agenda_shared})
    # Dates are unique per meeting: park changed dates first so days can swap dates.
    moved = [day for _, row, day in plan if day is not None and day.date != row.date]
    for day in moved:
        day.date = date(1900, 1, 1) + timedelta(days=day.id % 36000)
    session.flush()
    new_days = []
    for _i, row, day in plan:
        if day is None:
            day = MeetingDay(meeting=meeting, date=row.date)
            session.add(day)
            new_days.append(day)
        day.date = row.date
        day.starts_at = oslo_moment(row.date, row.start)
        day.ends_at = oslo_moment(row.date, row.end)
    session.flush()
    if busy:
        target = next(d for _, r, d in plan if r.date == target_date) or next(
            d for d in new_days if d.date == target_date
        )
        for day in busy:
            agenda.move_day_items(session, meeting, day, target)
    for day in removed:
        meeting.days.remove(day)
    session.flush()
    session.expire(meeting, ["days"])
    agenda.settle_agenda(session, meeting)
    after_days = _days_text(meeting.days)
    if after_days != before["days"]:
        changes["days"] = [before["days"], after_days]
    if "days" in changes or "location" in changes:
        # Calendars holding the meeting must replace their copy (iCalendar SEQUENCE).
        meeting.sequence = (meeting.sequence or 0) + 1
    if changes:
        meeting.updated_at = utcnow()  # a change of days alone must also bump the version
        session.flush()
        audit.record(
            session,
            actor,
            "meeting.update",
            meeting,
            f"Møte {meeting.number} i {meeting.body.short_name} endret",
            body=meeting.body,
            changes=changes,
        )
    return changes
