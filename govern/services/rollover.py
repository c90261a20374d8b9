"""Rolling a body's year into the next: proposed meetings, their deadlines, confirmed.

A meeting of last year is proposed on the same ISO week and weekday; one that would fall on
a public holiday, in Holy Week or in the summer holiday is moved by whole weeks to the
nearest clear week, and the move is shown as a warning. Nothing is saved until the
secretariat confirms, and then all the chosen meetings are saved or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.domain.cycle_plan import Occurrence, occurrences, weeks_in_year
from govern.holidays import why_not_meet
from govern.i18n import DEFAULT_LANGUAGE, use_language
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.bodies import Body
from govern.models.meetings import Meeting, MeetingDay, format_number
from govern.models.numbering import NumberCounter
from govern.services import agenda, audit
from govern.services.cycles import MAX_OFFSET_DAYS, cycles_of, meetings_around
from govern.services.errors import Conflict, GovernError, InvalidInput
from govern.services.meetings import DayInput, MeetingInput, previous_meeting, schedule_meeting
from govern.timeutil import clock, date_span, long_date, weekday_name

#: Weeks tried, in order, when a meeting falls on a day the body does not meet.
MOVES = (1, -1, 2, -2, 3, -3, 4, -4)


@dataclass
class ProposedDay:
    date: date
    start: time
    end: time


@dataclass
class Proposal:
    """A meeting proposed for next year; quacks like a meeting for the cycle's plan."""

    id: str
    number: str
    days: list[ProposedDay]
    location: str = ""
    warnings: list[str] = field(default_factory=list)
    #: Last year's meeting it is copied from.
    source: Meeting | None = None
    include: bool = True
    status: str = "planlagt"

    @property
    def first_date(self) -> date | None:
        return min((d.date for d in self.days), default=None)

    @property
    def last_date(self) -> date | None:
        return max((d.date for d in self.days), default=None)


@dataclass(frozen=True)
class RowInput:
    """One confirmed row: the meeting's days and place."""

    days: tuple[DayInput, ...]
    location: str = ""
    #: The row's number in the table ("Møte 3"); its place in the list when not given.
    position: int | None = None


def day_text(day: date) -> str:
    """'torsdag 13. mai 2027' (within a sentence)."""
    return f"{weekday_name(day)} {long_date(day)}"


def _same_week(day: date, year: int) -> date:
    """The day with the same ISO week and weekday in another year (week 53 → last week)."""
    iso = day.isocalendar()
    week = iso.week
    if iso.year < day.year:  # 1–3 January in last year's week 52/53
        week = 1
    elif iso.year > day.year:  # 29–31 December in next year's week 1
        week = weeks_in_year(year)
    return date.fromisocalendar(year, min(week, weeks_in_year(year)), iso.weekday)


def _blocked(dates: list[date], taken: set[date]) -> tuple[date, str] | None:
    """The first day of a meeting the body should not meet on, and why."""
    for day in dates:
        reason = why_not_meet(day)
        if reason:
            return day, reason
        if day in taken:
            return day, _("et annet møte")
    return None


def _existing(session: Session, body: Body, year: int) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.body_id == body.id, Meeting.year.in_((year - 1, year)))
            .options(selectinload(Meeting.days))
            .order_by(Meeting.year, Meeting.seq)
        )
    )


def _next_seq(session: Session, body: Body, year: int, meetings: list[Meeting]) -> int:
    counter = session.scalar(
        select(NumberCounter.last_value).where(
            NumberCounter.body_id == body.id,
            NumberCounter.year == year,
            NumberCounter.kind == "meeting",
        )
    )
    seqs = [m.seq for m in meetings if m.year == year]
    return max([counter or 0, *seqs]) + 1


def propose_year(session: Session, body: Body, year: int) -> list[Proposal]:
    """Next year's meetings proposed from this year's, moved off holidays and summer."""
    meetings = _existing(session, body, year)
    planned = [m for m in meetings if m.year == year]
    taken = {d.date for m in planned for d in m.days}
    seq = _next_seq(session, body, year, meetings)
    proposals: list[Proposal] = []
    last_year = [m for m in meetings if m.year == year - 1 and m.status != "avlyst" and m.days]
    for old in sorted(last_year, key=lambda m: m.days[0].date):
        first = _same_week(old.days[0].date, year)
        offsets = [(d.date - old.days[0].date).days for d in old.days]
        dates = [first + timedelta(days=n) for n in offsets]
        if any(d in taken for d in dates):
            continue  # already planned for that day
        warnings = []
        problem = _blocked(dates, taken)
        if problem:
            bad, reason = problem
            for weeks in MOVES:
                moved = [d + timedelta(weeks=weeks) for d in dates]
                if _blocked(moved, taken) is None and moved[0].year == year:
                    to = moved[dates.index(bad)]
                    warnings.append(
                        _(
                            "Flyttet fra %(day)s (%(reason)s) til %(to)s.",
                            day=day_text(bad),
                            reason=reason,
                            to=day_text(to),
                        )
                    )
                    dates = moved
                    break
            else:
                warnings.append(
                    _(
                        "%(day)s faller på %(reason)s; velg en annen dag.",
                        day=day_text(bad).capitalize(),
                        reason=reason,
                    )
                )
        days = [
            ProposedDay(d, old_day.start_time, old_day.end_time)
            for d, old_day in zip(dates, old.days, strict=True)
        ]
        proposal = Proposal(
            f"p{len(proposals) + 1}", format_number(seq, year), days, old.location, warnings, old
        )
        proposal.warnings += _clashes(proposal, planned, body)
        taken |= set(dates)
        proposals.append(proposal)
        seq += 1
    return proposals


def _clashes(proposal: Proposal, planned: list[Meeting], body: Body) -> list[str]:
    """Warnings for a proposal on the day or in the week of a meeting already planned."""
    found = []
    days = {d.date for d in proposal.days}
    weeks = {d.isocalendar()[:2] for d in days}
    for meeting in planned:
        own = {d.date for d in meeting.days}
        when = date_span(meeting.first_date, meeting.last_date)
        if own & days:
            found.append(
                _(
                    "%(body)s har allerede møte %(number)s %(when)s.",
                    body=body.short_name,
                    number=meeting.number,
                    when=when,
                )
            )
        elif weeks & {d.isocalendar()[:2] for d in own}:
            found.append(
                _(
                    "Samme uke som møte %(number)s (%(when)s), som allerede er planlagt.",
                    number=meeting.number,
                    when=when,
                )
            )
    return found


def check_proposals(session: Session, body: Body, proposals: list[Proposal], year: int) -> None:
    """Numbers and warnings for proposals as the secretariat edited them: days the body does
    not meet, meetings already planned, and two proposals on one day."""
    existing = _existing(session, body, year)
    planned = [m for m in existing if m.year == year]
    seq = _next_seq(session, body, year, existing)
    chosen = [p for p in proposals if p.include and p.days]
    for proposal in proposals:
        proposal.number = ""
    for proposal in sorted(chosen, key=lambda p: p.first_date):
        proposal.number, seq = format_number(seq, year), seq + 1
    seen: dict[date, Proposal] = {}
    for proposal in proposals:
        proposal.warnings = []
        if not proposal.include:
            continue
        for day in sorted(proposal.days, key=lambda d: d.date):
            reason = why_not_meet(day.date)
            if reason:
                text = day_text(day.date).capitalize()
                proposal.warnings.append(
                    _("%(day)s faller på %(reason)s; velg en annen dag.", day=text, reason=reason)
                )
            if day.date.year != year:
                proposal.warnings.append(
                    _("%(date)s er ikke i %(year)s.", date=long_date(day.date), year=year)
                )
            other = seen.get(day.date)
            if other is not None and other is not proposal:
                proposal.warnings.append(
                    _(
                        "Møte %(number)s er også foreslått %(date)s.",
                        number=other.number,
                        date=long_date(day.date),
                    )
                )
            seen[day.date] = proposal
        proposal.warnings += _clashes(proposal, planned, body)


def proposed_deadlines(
    session: Session, body: Body, proposals: list[Proposal], year: int
) -> list[Occurrence]:
    """The deadlines the body's cycles would give in a year with these meetings, and those
    of these meetings that fall before it (4 weeks before a meeting in January is in
    December)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    early = first - timedelta(days=MAX_OFFSET_DAYS)
    chosen = [p for p in proposals if p.include and p.days]
    meetings = [*meetings_around(session, [body.id], first, last), *chosen]
    result: list[Occurrence] = []
    for cycle in cycles_of(session, body):
        for occurrence in occurrences(cycle.entries, meetings, early, last, {}, first):
            if occurrence.ends_on >= first or any(occurrence.meeting is p for p in chosen):
                result.append(occurrence)
    result.sort(key=lambda o: (o.starts_on, o.ends_on, o.title, o.entry.id))
    return result


def _check_rows(session: Session, body: Body, rows: list[RowInput], year: int) -> None:
    taken = set(
        session.scalars(
            select(MeetingDay.date)
            .join(Meeting)
            .where(Meeting.body_id == body.id, Meeting.year.between(year - 1, year + 1))
        )
    )
    for i, row in enumerate(rows):
        n = row.position or i + 1
        if not row.days:
            raise InvalidInput(_("Møte %(n)s: oppgi minst én dag", n=n), field=f"rows[{n - 1}]")
        if len({d.date for d in row.days}) < len(row.days):
            raise InvalidInput(
                _("Møte %(n)s: samme dag er oppgitt to ganger", n=n), field=f"rows[{n - 1}]"
            )
        for day in row.days:
            if day.date.year != year:
                raise InvalidInput(
                    _(
                        "Møte %(n)s: %(date)s er ikke i %(year)s",
                        n=n,
                        date=long_date(day.date),
                        year=year,
                    ),
                    field=f"rows[{n - 1}]",
                )
            if day.end <= day.start:
                raise InvalidInput(
                    _(
                        "Møte %(n)s: slutt (%(end)s) må være etter start (%(start)s)",
                        n=n,
                        end=clock(day.end),
                        start=clock(day.start),
                    ),
                    field=f"rows[{n - 1}]",
                )
            if day.date in taken:
                raise Conflict(
                    _(
                        "Møte %(n)s: %(body)s har allerede et møte %(date)s",
                        n=n,
                        body=body.short_name,
                        date=long_date(day.date),
                    ),
                    field=f"rows[{n - 1}]",
                )
            taken.add(day.date)


def confirm_year(
    session: Session,
    body: Body,
    rows: list[RowInput],
    user: User | None = None,
    year: int | None = None,
) -> list[Meeting]:
    """Plan the chosen meetings (status planlagt, numbered from 1/yy on): all or none."""
    if not rows:
        raise InvalidInput(_("Velg minst ett møte å opprette"), field="rows")
    if year is None:
        year = min(d.date for d in rows[0].days).year if rows[0].days else date.today().year + 1
    _check_rows(session, body, rows, year)
    numbered = [(row.position or i + 1, row) for i, row in enumerate(rows)]
    ordered = sorted(numbered, key=lambda r: min(d.date for d in r[1].days))
    created = []
    # All or none: a refused row undoes the meetings planned before it.
    with session.begin_nested():
        for n, row in ordered:
            try:
                meeting = schedule_meeting(
                    session, body, MeetingInput(row.days, row.location, "planlagt")
                )
            except GovernError as error:
                message = _("Møte %(n)s: %(message)s", n=n, message=error.message)
                raise type(error)(message, field=f"rows[{n - 1}]") from error
            agenda.open_agenda(
                session, meeting, previous_meeting(session, body, meeting.first_date)
            )
            session.flush()
            with use_language(DEFAULT_LANGUAGE):  # the log is kept in bokmål
                span = date_span(meeting.first_date, meeting.last_date)
            audit.record(
                session,
                user,
                "meeting.plan",
                meeting,
                f"Møte {meeting.number} i {body.short_name} planlagt {span} (plan for {year})",
                body=body,
            )
            created.append(meeting)
    return created
