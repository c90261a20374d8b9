"""Scheduling meetings: numbers, days and times; attendance as recorded or imported.

Planning from the secretariat's pages is in meeting_plans, status changes in meeting_status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.meetings import (
    ATTENDANCE_STATUSES,
    MEETING_STATUSES,
    Attendance,
    Meeting,
    MeetingDay,
)
from govern.models.people import Person
from govern.services import minutes
from govern.services.errors import Conflict, InvalidInput
from govern.services.numbering import claim_number, next_number, parse_number
from govern.timeutil import long_date, oslo_moment


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
        raise InvalidInput(_("Et møte må ha minst én dag"), field="days")
    seen: set[date] = set()
    for i, day in enumerate(days):
        if day.end <= day.start:
            raise InvalidInput(
                _(
                    "Slutt (%(end)s) må være etter start (%(start)s)",
                    end=day.end.strftime("%H:%M"),
                    start=day.start.strftime("%H:%M"),
                ),
                field=f"days[{i}].end",
            )
        if day.date in seen:
            raise InvalidInput(
                _("%(date)s er oppgitt to ganger", date=long_date(day.date)),
                field=f"days[{i}].date",
            )
        seen.add(day.date)
    return sorted(days, key=lambda d: d.date)


def schedule_meeting(session: Session, body: Body, data: MeetingInput) -> Meeting:
    """Plan a meeting of a body; its number is allocated unless given."""
    if body.external:
        raise InvalidInput(
            _(
                "%(body)s er et eksternt organ; møtene føres ikke i govern",
                body=body.short_name,
            ),
            field="body",
        )
    if data.status not in MEETING_STATUSES:
        raise InvalidInput(_("Ukjent møtestatus «%(status)s»", status=data.status), field="status")
    days = _check_days(data.days)
    if len(data.location or "") > 300:
        raise InvalidInput(_("Stedet kan ha høyst 300 tegn"), field="location")
    year = days[0].date.year
    clash = session.scalar(
        select(MeetingDay.date)
        .join(Meeting)
        .where(Meeting.body_id == body.id, MeetingDay.date.in_([d.date for d in days]))
    )
    if clash is not None:
        raise Conflict(
            _(
                "%(body)s har allerede et møte %(date)s",
                body=body.short_name,
                date=long_date(clash),
            ),
            field="days",
        )
    if data.number:
        seq, yy = parse_number(data.number, field="number")
        if yy != year % 100:
            raise InvalidInput(
                _(
                    "Møtenummer %(number)s passer ikke med året %(year)s (første møtedag)",
                    number=data.number,
                    year=year,
                ),
                field="number",
            )
        taken = session.scalar(
            select(Meeting.id).where(
                Meeting.body_id == body.id, Meeting.year == year, Meeting.seq == seq
            )
        )
        if taken:
            raise Conflict(
                _(
                    "%(body)s har allerede møte %(number)s",
                    body=body.short_name,
                    number=data.number,
                ),
                field="number",
            )
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
            _(
                "Ukjent referatstatus «%(status)s»; skriv «utkast» eller «sendt»",
                status=minutes_status,
            ),
            field="minutes",
        )
    if minutes_status == "sendt" and status != "gjennomført":
        raise InvalidInput(
            _("Bare referatet fra et gjennomført møte kan være sendt til medlemmene"),
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
        raise InvalidInput(_("Ukjent oppmøtestatus «%(status)s»", status=status), field="status")
    if status == "deputy" and deputy_for is None:
        raise InvalidInput(_("Oppgi hvem stedfortrederen stiller for"), field="for")
    if status != "deputy" and deputy_for is not None:
        raise InvalidInput(_("Bare en stedfortreder stiller for noen"), field="for")
    if deputy_for is not None and deputy_for.id == person.id:
        raise InvalidInput(_("En person kan ikke stille for seg selv"), field="for")
    day_numbers = sorted(set(days or []))
    for number in day_numbers:
        if not 1 <= number <= len(meeting.days):
            raise InvalidInput(_("Møtet har ingen dag %(number)s", number=number), field="days")
    if len(day_numbers) == len(meeting.days):
        day_numbers = []
    existing = session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.person_id == person.id
        )
    )
    if existing is not None:
        raise Conflict(
            _("Oppmøte for %(name)s er allerede registrert", name=person.name), field="person"
        )
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
