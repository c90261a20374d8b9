"""Coming deadlines of the annual cycles: the secretariat's front page list, and e-mail
reminders N days before a deadline (queued for send-mail, each sent once).

Both are computed from the plan (govern.services.cycles.plan_between) on the day asked
for; what is kept is only the DeadlineMark's reminded_at, so a reminder is never sent
twice, also when its meeting moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from govern.domain.cycle_plan import Occurrence, due_text, time_text
from govern.i18n import DEFAULT_LANGUAGE, DOCUMENT_LANGUAGES, ngettext, use_language
from govern.i18n import gettext as _
from govern.models.base import utcnow
from govern.models.bodies import Body, Membership, role_name
from govern.models.cycles import Cycle, CycleEntry, DeadlineMark
from govern.models.people import Person
from govern.services.cycles import marks_for, plan_between
from govern.services.mail import queue_mail
from govern.timeutil import long_date

#: The front page looks this far ahead, and this far back for what is overdue (older
#: misses are history, not work: a new cycle would otherwise show last year as overdue).
AHEAD_DAYS = 60
BEHIND_DAYS = 60
#: Reminders look this far ahead (the largest reminder_days allowed).
REMINDER_HORIZON_DAYS = 90


@dataclass(frozen=True)
class DeadlineRow:
    """One line of the front page: everything the template shows, nothing to load."""

    title: str
    when: str
    date_text: str
    relative: str
    overdue: bool
    body_name: str
    #: The link text to the year's wheel: "Fagrådet – årshjul 2026", or the shared cycle's name.
    wheel_label: str
    body_slug: str | None
    cycle_slug: str
    year: int


@dataclass(frozen=True)
class FrontPage:
    overdue: list[DeadlineRow]
    coming: list[DeadlineRow]


def _load_cycles(session: Session, where, members: bool = False) -> list[Cycle]:
    """Cycles with their entries and body loaded (and the body's members, to remind them)."""
    body = joinedload(Cycle.body)
    if members:
        body = body.selectinload(Body.memberships).selectinload(Membership.person)
    return list(
        session.scalars(
            select(Cycle)
            .where(where)
            .options(
                body,
                selectinload(Cycle.entries).selectinload(CycleEntry.relative_to),
                selectinload(Cycle.entries).selectinload(CycleEntry.reminder_person),
            )
            .order_by(Cycle.name, Cycle.id)
        ).unique()
    )


def relative_text(occurrence: Occurrence, today: date) -> str:
    """'forfalt for 3 dager siden', 'forfalt i går', 'i dag', 'i morgen', 'om 5 dager', 'pågår'."""
    if occurrence.ends_on < today:
        days = (today - occurrence.ends_on).days
        if days == 1:
            return _("forfalt i går")
        return ngettext("forfalt for %(num)s dag siden", "forfalt for %(num)s dager siden", days)
    days = occurrence.days_left(today)
    if days < 0:
        return _("pågår, til %(date)s", date=long_date(occurrence.ends_on))
    return due_text(days)


def _row(occurrence: Occurrence, today: date) -> DeadlineRow:
    cycle = occurrence.entry.cycle
    body = cycle.body
    year = occurrence.starts_on.year
    return DeadlineRow(
        title=occurrence.title,
        when=occurrence.when,
        date_text=time_text(occurrence, year=True),
        relative=relative_text(occurrence, today),
        overdue=occurrence.status == "forfalt",
        body_name=body.short_name if body is not None else cycle.name,
        wheel_label=(
            _("%(body)s – årshjul %(year)s", body=body.short_name, year=year)
            if body is not None
            else f"{cycle.name} {year}"
        ),
        body_slug=body.slug if body is not None else None,
        cycle_slug=cycle.slug,
        year=year,
    )


def front_page(session: Session, bodies: list[Body], today: date, may_read) -> FrontPage:
    """The bodies' and the shared cycles' deadlines: overdue (not done), then the next 60 days.

    `may_read(meeting)` hides deadlines tied to meetings the reader may not see.
    """
    ids = [b.id for b in bodies]
    cycles = _load_cycles(session, or_(Cycle.body_id.in_(ids), Cycle.body_id.is_(None)))
    plan = plan_between(
        session,
        cycles,
        today - timedelta(days=BEHIND_DAYS),
        today + timedelta(days=AHEAD_DAYS),
        today,
    )
    plan = [o for o in plan if o.meeting is None or may_read(o.meeting)]
    overdue = [o for o in plan if o.status == "forfalt"]
    overdue.sort(key=lambda o: (o.ends_on, o.starts_on, o.title))
    coming = [
        o
        for o in plan
        if o.status == "kommende" and o.starts_on <= today + timedelta(days=AHEAD_DAYS)
    ]
    return FrontPage([_row(o, today) for o in overdue], [_row(o, today) for o in coming])


# -- e-mail reminders --------------------------------------------------------------------------


def _reminder_cycles(session: Session) -> list[Cycle]:
    with_reminders = select(CycleEntry.cycle_id).where(CycleEntry.reminder_days.is_not(None))
    return _load_cycles(session, Cycle.id.in_(with_reminders), members=True)


def _is_due(occurrence: Occurrence, today: date) -> bool:
    days = occurrence.entry.reminder_days
    if days is None or occurrence.done_at is not None or occurrence.reminded_at is not None:
        return False
    if occurrence.meeting is not None and occurrence.meeting.status == "avlyst":
        return False
    return occurrence.starts_on - timedelta(days=days) <= today <= occurrence.starts_on


def due_reminders(session: Session, today: date) -> list[Occurrence]:
    """Occurrences whose reminder should go out today (not done, not yet reminded)."""
    cycles = _reminder_cycles(session)
    if not cycles:
        return []
    first = today - timedelta(days=REMINDER_HORIZON_DAYS)
    plan = plan_between(
        session, cycles, first, today + timedelta(days=REMINDER_HORIZON_DAYS), today
    )
    return [o for o in plan if _is_due(o, today)]


def recipients(occurrence: Occurrence, today: date) -> list[tuple[Person, str]]:
    """Who gets the reminder, and why: the body's members in the role, and the named person."""
    entry = occurrence.entry
    body = entry.cycle.body
    found: dict[int, tuple[Person, str]] = {}
    if entry.reminder_role and body is not None:
        role = entry.reminder_role
        why = (
            _("du er i sekretariatet for %(body)s", body=body.short_name)
            if role == "sekretariat"
            else _("du er %(role)s i %(body)s", role=role_name(role), body=body.short_name)
        )
        for membership in body.memberships:
            if membership.role == entry.reminder_role and membership.active_on(today):
                found.setdefault(membership.person_id, (membership.person, why))
    person = entry.reminder_person
    if person is not None:
        found.setdefault(person.id, (person, _("du er satt opp til å få påminnelser om fristen")))
    return [(p, why) for p, why in found.values() if p.email]


def wheel_link(occurrence: Occurrence, base_url: str) -> str:
    """The year's wheel the deadline belongs to."""
    cycle = occurrence.entry.cycle
    year = occurrence.starts_on.year
    base = base_url.rstrip("/")
    if cycle.body is not None:
        return f"{base}/bodies/{cycle.body.slug}/arshjul?year={year}"
    return f"{base}/arshjul/{cycle.slug}?year={year}"


def reminder_text(occurrence: Occurrence, person: Person, why: str, today: date, base_url: str):
    """The subject and body of one reminder, in the current language (send_reminders makes
    it in the body's document language)."""
    entry = occurrence.entry
    cycle = entry.cycle
    where = f"{cycle.name} ({cycle.body.short_name})" if cycle.body is not None else cycle.name
    time = time_text(occurrence, year=True)
    subject = _("Påminnelse: %(title)s – %(time)s", title=occurrence.title, time=time)
    when = time if occurrence.when in time else f"{time} ({occurrence.when})"
    when = f"{when} – {relative_text(occurrence, today)}"
    lines = [
        _("Hei %(name)s,", name=person.name),
        "",
        _("Dette er en påminnelse om en frist i årshjulet %(where)s:", where=where),
        "",
        _("Frist: %(title)s", title=occurrence.title),
        _("Periode: %(when)s", when=when)
        if occurrence.fuzzy or occurrence.is_span
        else _("Dato: %(when)s", when=when),
    ]
    if entry.responsible:
        lines.append(_("Ansvarlig: %(name)s", name=entry.responsible))
    if entry.recipient:
        lines.append(_("Til: %(name)s", name=entry.recipient))
    if entry.description:
        lines += ["", entry.description.strip()]
    lines += [
        "",
        _("Se årshjulet: %(link)s", link=wheel_link(occurrence, base_url)),
        "",
        _("Du får denne e-posten fordi %(why)s.", why=why),
    ]
    return subject, "\n".join(lines) + "\n"


def _language_of(occurrence: Occurrence) -> str:
    """The language a reminder is written in: its body's document language (bokmål for a
    shared cycle)."""
    body = occurrence.entry.cycle.body
    language = body.document_language if body is not None else None
    return language if language in DOCUMENT_LANGUAGES else DEFAULT_LANGUAGE


def _due_by_language(session: Session, today: date) -> list[tuple[Occurrence, str]]:
    """The reminders due today, each planned (its dates' and rules' words) in the language
    it is written in."""
    due = []
    for language in DOCUMENT_LANGUAGES:
        with use_language(language):
            found = due_reminders(session, today)
        due += [(o, language) for o in found if _language_of(o) == language]
    return due


def send_reminders(session: Session, today: date, base_url: str) -> int:
    """Queue the reminders due today and mark them sent; returns how many e-mails were queued.

    An occurrence nobody could be told about (no recipient with an address) is not marked,
    so it is sent once somebody has one, while its window lasts.
    """
    due = _due_by_language(session, today)
    marks = marks_for(session, {o.entry for o, _language in due})
    queued = 0
    for occurrence, language in due:
        with use_language(language):
            people = recipients(occurrence, today)
            texts = [
                (person, reminder_text(occurrence, person, why, today, base_url))
                for person, why in people
            ]
        for person, (subject, text) in texts:
            queue_mail(session, person.email, person.name, subject, text)
            queued += 1
        if not people:
            continue
        mark = marks.get((occurrence.entry.id, occurrence.key))
        if mark is None:
            mark = DeadlineMark(entry=occurrence.entry, occurrence=occurrence.key)
            session.add(mark)
            marks[(occurrence.entry.id, occurrence.key)] = mark
        mark.reminded_at = utcnow()
    session.flush()
    return queued
