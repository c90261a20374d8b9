"""Scheduling meetings: numbers, days and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.bodies import Body
from govern.models.meetings import (
    ATTENDANCE_STATUSES,
    MEETING_STATUSES,
    Attendance,
    Meeting,
    MeetingDay,
)
from govern.models.people import Person
from govern.services import agenda, audit, minutes
from govern.services.errors import Conflict, InvalidInput
from govern.services.numbering import claim_number, next_number, parse_number
from govern.timeutil import clock, date_span, long_date, oslo_moment


@dataclass(frozen=True)
class DayInput:
    date: date
    start: time
    end: time


@dataclass(frozen=True)
class MeetingInput:
    days: tuple[DayInput, ...]
    location: str = ""
    status: str = "planlagt"
    #: "2/26" to give the number by hand; allocated when empty.
    number: str | None = None


def _check_days(days: tuple[DayInput, ...]) -> list[DayInput]:
    if not days:
        raise InvalidInput("Et møte må ha minst én dag", field="days")
    seen: set[date] = set()
    for i, day in enumerate(days):
        if day.end <= day.start:
            raise InvalidInput(
                f"Slutt ({day.end:%H:%M}) må være etter start ({day.start:%H:%M})",
                field=f"days[{i}].end",
            )
        if day.date in seen:
            raise InvalidInput(
                f"{long_date(day.date)} er oppgitt to ganger", field=f"days[{i}].date"
            )
        seen.add(day.date)
    return sorted(days, key=lambda d: d.date)


def schedule_meeting(session: Session, body: Body, data: MeetingInput) -> Meeting:
    """Plan a meeting of a body; its number is allocated unless given."""
    if body.external:
        raise InvalidInput(
            f"{body.short_name} er et eksternt organ; møtene føres ikke i govern", field="body"
        )
    if data.status not in MEETING_STATUSES:
        raise InvalidInput(f"Ukjent møtestatus «{data.status}»", field="status")
    days = _check_days(data.days)
    if len(data.location or "") > 300:
        raise InvalidInput("Stedet kan ha høyst 300 tegn", field="location")
    year = days[0].date.year
    clash = session.scalar(
        select(MeetingDay.date)
        .join(Meeting)
        .where(Meeting.body_id == body.id, MeetingDay.date.in_([d.date for d in days]))
    )
    if clash is not None:
        raise Conflict(f"{body.short_name} har allerede et møte {long_date(clash)}", field="days")
    if data.number:
        seq, yy = parse_number(data.number, field="number")
        if yy != year % 100:
            raise InvalidInput(
                f"Møtenummer {data.number} passer ikke med året {year} (første møtedag)",
                field="number",
            )
        taken = session.scalar(
            select(Meeting.id).where(
                Meeting.body_id == body.id, Meeting.year == year, Meeting.seq == seq
            )
        )
        if taken:
            raise Conflict(f"{body.short_name} har allerede møte {data.number}", field="number")
        claim_number(session, body.id, year, "meeting", seq)
    else:
        seq = next_number(session, body.id, year, "meeting")
    meeting = Meeting(
        body=body,
        year=year,
        seq=seq,
        location=(data.location or "").strip(),
        status=data.status,
        minutes_status="godkjent" if data.status == "referat godkjent" else "utkast",
    )
    meeting.days = [
        MeetingDay(
            date=d.date, starts_at=oslo_moment(d.date, d.start), ends_at=oslo_moment(d.date, d.end)
        )
        for d in days
    ]
    session.add(meeting)
    session.flush()
    return meeting


def close_imported_minutes(
    session: Session, meeting: Meeting, status: str, minutes_status: str = ""
) -> None:
    """An imported meeting's minutes as the file records them, set once its record is built:
    "referat godkjent" approves (and locks) them, `minutes_status` "sendt" has them sent."""
    if minutes_status not in ("", "utkast", "sendt"):
        raise InvalidInput(
            f"Ukjent referatstatus «{minutes_status}»; skriv «utkast» eller «sendt»",
            field="minutes",
        )
    if minutes_status == "sendt" and status != "gjennomført":
        raise InvalidInput(
            "Bare referatet fra et gjennomført møte kan være sendt til medlemmene",
            field="minutes",
        )
    if status == "referat godkjent":
        meeting.minutes_status, meeting.status = "godkjent", status
    elif minutes_status:
        meeting.minutes_status = minutes_status
    session.flush()


ATTENDANCE_LABELS = {"present": "til stede", "absent": "ikke til stede", "deputy": "stedfortreder"}


def record_attendance(
    session: Session,
    meeting: Meeting,
    person: Person,
    status: str,
    deputy_for: Person | None = None,
    days: list[int] | None = None,
) -> Attendance:
    """Record whether a person attended, stood in for a member, and on which days."""
    minutes.ensure_minutes_open(meeting, field="person")
    if status not in ATTENDANCE_STATUSES:
        raise InvalidInput(f"Ukjent oppmøtestatus «{status}»", field="status")
    if status == "deputy" and deputy_for is None:
        raise InvalidInput("Oppgi hvem stedfortrederen stiller for", field="for")
    if status != "deputy" and deputy_for is not None:
        raise InvalidInput("Bare en stedfortreder stiller for noen", field="for")
    if deputy_for is not None and deputy_for.id == person.id:
        raise InvalidInput("En person kan ikke stille for seg selv", field="for")
    day_numbers = sorted(set(days or []))
    for number in day_numbers:
        if not 1 <= number <= len(meeting.days):
            raise InvalidInput(f"Møtet har ingen dag {number}", field="days")
    if len(day_numbers) == len(meeting.days):
        day_numbers = []
    existing = session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.person_id == person.id
        )
    )
    if existing is not None:
        raise Conflict(f"Oppmøte for {person.name} er allerede registrert", field="person")
    row = Attendance(
        meeting=meeting,
        person=person,
        status=status,
        deputy_for=deputy_for,
        days=day_numbers or None,
    )
    session.add(row)
    session.flush()
    return row


def delete_meeting(session: Session, meeting: Meeting) -> None:
    """Delete a meeting with its days, agenda and treatments; its numbers are not reused.

    One DELETE lets the database cascade to days and agenda items together, which their
    mutual foreign key requires.
    """
    from sqlalchemy import delete

    session.flush()
    session.execute(delete(Meeting).where(Meeting.id == meeting.id))
    session.expire_all()


# -- planning from the secretariat's pages -------------------------------------------------

#: Statuses a meeting may be planned with.
PLAN_STATUSES = ("planlagt", "innkalt", "gjennomført")
#: Status changes the planning pages make; "referat godkjent" follows the minutes' approval.
STATUS_CHANGES = {"planlagt": ("innkalt", "avlyst"), "innkalt": ("gjennomført", "avlyst")}
STATUS_ACTIONS = {
    "innkalt": "Send innkalling",
    "gjennomført": "Merk som gjennomført",
    "avlyst": "Avlys møtet",
}


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
        raise InvalidInput("Oppgi minst én møtedag", field="days[0].date")
    seen: set[date] = set()
    for i, row in filled:
        if row.start is None:
            raise InvalidInput("Oppgi når møtet starter", field=f"days[{i}].start")
        if row.end is None:
            raise InvalidInput("Oppgi når møtet slutter", field=f"days[{i}].end")
        if row.end <= row.start:
            raise InvalidInput(
                f"Slutt ({clock(row.end)}) må være etter start ({clock(row.start)})",
                field=f"days[{i}].end",
            )
        if row.date in seen:
            raise InvalidInput(
                f"{long_date(row.date)} er oppgitt to ganger", field=f"days[{i}].date"
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
                f"{body.short_name} har allerede et møte {long_date(row.date)}",
                field=f"days[{i}].date",
            )


def _check_location(location: str) -> str:
    location = (location or "").strip()
    if len(location) > 300:
        raise InvalidInput("Stedet kan ha høyst 300 tegn", field="location")
    return location


def previous_meeting(session: Session, body: Body, before: date) -> Meeting | None:
    """The body's last meeting (not cancelled) that ended before a day."""
    meeting_id = session.scalar(
        select(MeetingDay.meeting_id)
        .join(Meeting)
        .where(Meeting.body_id == body.id, Meeting.status != "avlyst", MeetingDay.date < before)
        .order_by(MeetingDay.date.desc())
        .limit(1)
    )
    return session.get(Meeting, meeting_id) if meeting_id is not None else None


def plan_meeting(
    session: Session, body: Body, data: PlanInput, actor: User | None = None
) -> Meeting:
    """Plan a meeting from the secretariat's form: its number is allocated, and its agenda
    opens with Godkjenning (of the previous meeting's minutes) and closes with Eventuelt."""
    if data.status not in PLAN_STATUSES:
        raise InvalidInput(f"Et nytt møte kan ikke ha status «{data.status}»", field="status")
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
    audit.check_version(meeting, data.version, "Møtet")
    agenda.check_open(meeting, "møtet")
    rows = _filled_rows(data.days)
    location = _check_location(data.location)
    i, first = min(rows, key=lambda r: r[1].date)
    if first.date.year != meeting.year:
        raise InvalidInput(
            f"Møte {meeting.number} hører til {meeting.year}; første møtedag må være i "
            f"{meeting.year}. Planlegg et nytt møte for et annet år.",
            field=f"days[{i}].date",
        )
    _check_free(session, meeting.body, rows, meeting)
    existing = {d.id: d for d in meeting.days}
    by_date = {d.date: d for d in meeting.days}
    claimed = {r.day_id for _, r in rows if r.day_id in existing}
    plan: list[tuple[int, DayRow, MeetingDay | None]] = []
    for i, row in rows:
        if row.day_id is not None and row.day_id not in existing:
            raise InvalidInput("Ukjent møtedag; last siden på nytt", field=f"days[{i}].date")
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
            f"Dag {meeting.day_number(day)} ({long_date(day.date)}) har {count} "
            f"{'punkt' if count == 1 else 'punkter'} på dagsordenen. Velg en dag å flytte "
            "dem til, eller flytt dem på dagsordenen først.",
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
    for _, row, day in plan:
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


def change_status(
    session: Session,
    meeting: Meeting,
    status: str,
    version: int | None,
    actor: User | None = None,
    *,
    confirmed: bool = False,
) -> list[Meeting]:
    """Move a meeting along planlagt → innkalt → gjennomført, or cancel it (avlyst).

    Where the body approves the previous minutes when the approving meeting is held, and
    this meeting's Godkjenning vedtak approves them, marking it held approves and locks
    them: only when `confirmed`. Returns the meetings whose minutes were approved.
    """
    audit.check_version(meeting, version, "Møtet")
    minutes.ensure_minutes_open(
        meeting,
        field="status",
        message=f"Referatet fra møte {meeting.number} er godkjent og låst; møtet kan ikke "
        "lenger endre status.",
    )
    if status == "referat godkjent":
        raise InvalidInput(
            "Status «referat godkjent» settes når referatet godkjennes i neste møte",
            field="status",
        )
    if status not in STATUS_CHANGES.get(meeting.status, ()):
        raise InvalidInput(
            f"Et møte med status «{meeting.status}» kan ikke få status «{status}»",
            field="status",
        )
    due = minutes.approval_due(session, meeting, held=True) if status == "gjennomført" else None
    if due is not None and not confirmed:
        locked = "; ".join(minutes.approval_summary(m) for m in due.minutes)
        raise Conflict(
            f"Når møtet merkes som gjennomført, godkjennes og låses {locked[0].lower()}"
            f"{locked[1:]}. Bekreft godkjenningen før møtet merkes som gjennomført.",
            field="status",
        )
    old = meeting.status
    changes = audit.diff(meeting, {"status": status})
    if status == "avlyst":
        meeting.sequence = (meeting.sequence or 0) + 1  # calendars must learn of it
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.status",
        meeting,
        f"Møte {meeting.number} i {meeting.body.short_name}: status endret fra {old} til {status}",
        body=meeting.body,
        changes=changes,
    )
    if due is None:
        return []
    return minutes.approve_previous_minutes(session, actor, due.treatment)
