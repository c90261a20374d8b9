"""Forfall: a member who cannot come says so, and a vara is called in with an invitation of
his or her own; the secretariat sees the chain and may call in another vara."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.accounts import User
from govern.models.answers import Absence
from govern.models.meetings import Meeting
from govern.models.people import Person
from govern.presentation import active_members
from govern.services import audit
from govern.services.answers import (
    answers_by_day,
    forget_answers,
    record_answer,
)
from govern.services.attendance import days_text
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.invitations import resend_invitation
from govern.services.stand_ins import MailSettings, call_in, change_days, release


def is_member(meeting: Meeting, person: Person) -> bool:
    """Whether the person is a member (not vara, not secretariat) on the meeting's first day."""
    return any(m.person_id == person.id for m in active_members(meeting.body, meeting.first_date))


def absences_of(session: Session, meeting: Meeting) -> list[Absence]:
    """The meeting's forfall, in the order they were reported."""
    return list(
        session.scalars(
            select(Absence).where(Absence.meeting_id == meeting.id).order_by(Absence.id)
        )
    )


def absence_of(session: Session, meeting: Meeting, person: Person) -> Absence | None:
    return session.scalar(
        select(Absence).where(Absence.meeting_id == meeting.id, Absence.person_id == person.id)
    )


def vara_chain(session: Session, meeting: Meeting, member: Person) -> list[Person]:
    """Who may be called in for a member, in order: the member's own vara(s), then the
    body's vara list in the order it was registered."""
    varas = active_members(meeting.body, meeting.first_date, ("vara",))
    own = [m.person for m in varas if m.deputy_for_id == member.id]
    rest = [m.person for m in varas if m.deputy_for_id != member.id]
    chain: list[Person] = []
    for person in own + rest:
        if person.id != member.id and person not in chain:
            chain.append(person)
    return chain


def called_in_for(session: Session, person_id: int, meeting_ids: Sequence[int]) -> dict[int, str]:
    """{meeting id: "Stine Slørdal"}: whom a vara is called in to stand in for, per meeting
    (names joined when several), for pages like Mine møter."""
    found: dict[int, list[str]] = {}
    if meeting_ids:
        rows = session.scalars(
            select(Absence)
            .where(Absence.substitute_id == person_id, Absence.meeting_id.in_(meeting_ids))
            .order_by(Absence.id)
        )
        for absence in rows:
            found.setdefault(absence.meeting_id, []).append(absence.person.name)
    return {meeting_id: _(" og ").join(names) for meeting_id, names in found.items()}


def _busy(session: Session, meeting: Meeting, but: Absence | None = None) -> set[int]:
    """People already called in for someone, or with a forfall of their own."""
    busy = set()
    for absence in absences_of(session, meeting):
        busy.add(absence.person_id)
        if absence is not but and absence.substitute_id:
            busy.add(absence.substitute_id)
    return busy


def _check_open(meeting: Meeting, today: date) -> None:
    if meeting.status != "innkalt":
        raise Conflict(
            _(
                "Det kan bare meldes forfall til et møte det er sendt innkalling til; "
                "%(meeting)s er %(status)s.",
                meeting=meeting.title,
                status=meeting.status_label,
            )
        )
    if meeting.last_date is None or meeting.last_date < today:
        raise Conflict(
            _("%(meeting)s er holdt; det kan ikke meldes forfall etterpå.", meeting=meeting.title)
        )


def _check_days(meeting: Meeting, days: Sequence[int], today: date) -> list[int] | None:
    chosen = sorted(set(days))
    for number in chosen:
        if not 1 <= number <= len(meeting.days):
            raise InvalidInput(_("Møtet har ingen dag %(day)s", day=number), field="days")
    for number in chosen:
        if meeting.days[number - 1].date < today:
            raise InvalidInput(_("Dag %(day)s er allerede holdt", day=number), field="days")
    if not chosen:
        chosen = [n for n, d in enumerate(meeting.days, 1) if d.date >= today]
    return chosen if len(chosen) < len(meeting.days) else None


def report_absence(
    session: Session,
    user: User | None,
    meeting: Meeting,
    person: Person,
    days: Sequence[int],
    note: str,
    settings: MailSettings,
    today: date,
) -> Absence:
    """Record a member's forfall (the given day numbers, all when empty) and call in the
    first free vara of the chain. Flushes; the caller commits."""
    _check_open(meeting, today)
    if not is_member(meeting, person):
        raise Conflict(
            _(
                "%(name)s er ikke medlem av %(body)s og melder ikke forfall; svar på "
                "innkallingen i stedet.",
                name=person.name,
                body=meeting.body.short_name,
            )
        )
    chosen = _check_days(meeting, days, today)
    note = (note or "").strip()
    if len(note) > 2000:
        raise InvalidInput(_("Merknaden kan være høyst 2000 tegn"), field="note")
    absence = absence_of(session, meeting, person)
    if absence is not None:
        raise Conflict(
            _("Du har allerede meldt forfall til dette møtet. Trekk det først for å melde på nytt.")
        )
    absence = Absence(meeting=meeting, person=person, days=chosen, note=note, sequence=0)
    session.add(absence)
    session.flush()
    record_answer(session, meeting, person, "DECLINED", "forfall", _days(meeting, chosen))
    busy = _busy(session, meeting, absence)
    free = [p for p in vara_chain(session, meeting, person) if p.id not in busy]
    if free:
        call_in(session, absence, free[0], settings)
    text = f"{person.name} meldte forfall til {meeting.title}{days_text(chosen)}"
    if absence.substitute is not None:
        text += f"; {absence.substitute.name} er kalt inn som vara"
    audit.record(
        session,
        user,
        "meeting.forfall",
        meeting,
        text,
        body=meeting.body,
        changes={"forfall": [None, person.name], "vara": [None, _name(absence)]},
    )
    return absence


def withdraw_absence(
    session: Session,
    user: User | None,
    meeting: Meeting,
    person: Person,
    settings: MailSettings,
    today: date,
) -> None:
    """Withdraw a forfall: the vara gets a CANCEL, the member the invitation again."""
    _check_open(meeting, today)
    absence = absence_of(session, meeting, person)
    if absence is None:
        raise NotFound(
            _(
                "%(name)s har ikke meldt forfall til %(meeting)s.",
                name=person.name,
                meeting=meeting.title,
            )
        )
    vara = _name(absence)
    if absence.substitute is not None:
        release(session, absence, settings)
    forget_answers(session, meeting, person, "forfall")
    session.delete(absence)
    session.flush()
    with use_language(meeting.body.document_language):
        note = _("Forfallet ditt til %(meeting)s er trukket, og du er innkalt igjen.",
                 meeting=meeting.title)  # fmt: skip
    resend_invitation(
        session, meeting, person, settings.base_url, note,
        mail_from=settings.mail_from, answer_key=settings.answer_key,
    )  # fmt: skip
    audit.record(session, user, "meeting.forfall", meeting,
                 f"{person.name} trakk forfallet til {meeting.title}", body=meeting.body,
                 changes={"forfall": [person.name, None], "vara": [vara, None]})  # fmt: skip


def change_absence_days(
    session: Session,
    user: User | None,
    meeting: Meeting,
    person: Person,
    days: Sequence[int],
    settings: MailSettings,
    today: date,
) -> Absence:
    """Change the days a forfall covers (a calendar reply for one day): the vara gets a
    CANCEL of the days taken out and the invitation to the days added; a member who comes
    on a day after all gets the invitation again."""
    _check_open(meeting, today)
    absence = absence_of(session, meeting, person)
    if absence is None:
        raise NotFound(_("%(name)s har ikke meldt forfall til %(meeting)s.",
                         name=person.name, meeting=meeting.title))  # fmt: skip
    chosen = _check_days(meeting, days, today)
    every = range(1, len(meeting.days) + 1)
    old, new = set(absence.days or every), set(chosen or every)
    if old == new:
        return absence
    before = [d.uid for d in _days(meeting, absence.days)]
    absence.days = chosen
    forget_answers(session, meeting, person, "forfall")
    record_answer(session, meeting, person, "DECLINED", "forfall", _days(meeting, chosen))
    change_days(session, absence, before, settings)
    if old - new:
        with use_language(meeting.body.document_language):
            note = _("Du er innkalt igjen til %(meeting)s; forfallet gjelder nå%(days)s.",
                     meeting=meeting.title, days=days_text(chosen))  # fmt: skip
        resend_invitation(session, meeting, person, settings.base_url, note,
                          mail_from=settings.mail_from, answer_key=settings.answer_key)  # fmt: skip
    audit.record(session, user, "meeting.forfall", meeting,
                 f"{person.name} endret forfallet til {meeting.title}{days_text(chosen)}",
                 body=meeting.body, changes={"dager": [sorted(old), sorted(new)]})  # fmt: skip
    return absence


def choose_substitute(
    session: Session,
    user: User | None,
    absence: Absence,
    vara: Person | None,
    settings: MailSettings,
    today: date,
) -> Absence:
    """The secretariat calls in another vara (or none) for a forfall."""
    meeting = absence.meeting
    _check_open(meeting, today)
    if vara is not None:
        if vara not in vara_chain(session, meeting, absence.person):
            raise InvalidInput(
                _("%(name)s er ikke vara i %(body)s", name=vara.name, body=meeting.body.short_name),
                field="vara",
            )
        if vara.id in _busy(session, meeting, absence):
            raise Conflict(
                _("%(name)s er allerede kalt inn eller har meldt forfall", name=vara.name),
                field="vara",
            )
    if vara == absence.substitute:
        return absence
    before = _name(absence)
    if absence.substitute is not None:
        release(session, absence, settings)
    if vara is not None:
        call_in(session, absence, vara, settings)
    audit.record(session, user, "meeting.forfall", meeting,
                 f"Vara for {absence.person.name} på {meeting.title}: {_name(absence) or 'ingen'}",
                 body=meeting.body, changes={"vara": [before, _name(absence)]})  # fmt: skip
    session.flush()
    return absence


def _name(absence: Absence) -> str | None:
    return absence.substitute.name if absence.substitute is not None else None


def _days(meeting: Meeting, numbers: Sequence[int] | None):
    return [d for n, d in enumerate(meeting.days, 1) if not numbers or n in numbers]


@dataclass(frozen=True)
class Prefill:
    """What the attendance page proposes for one person from the forfall reported."""

    status: str
    deputy_for_id: int | None
    days: tuple[int, ...]
    text: str


def standing_in(session: Session, meeting: Meeting) -> set[int]:
    """The varas called in who have not said no: a vara who answered «kommer ikke» for
    every day of the forfall is not proposed as stedfortreder, nor counted present."""
    by_day = answers_by_day(session, meeting)
    found = set()
    for absence in absences_of(session, meeting):
        if absence.substitute_id is None:
            continue
        days = absence.days or range(1, len(meeting.days) + 1)
        given = by_day.get(absence.substitute_id, {})
        if not all(n in given and given[n].answer == "DECLINED" for n in days):
            found.add(absence.substitute_id)
    return found


def attendance_prefill(session: Session, meeting: Meeting) -> dict[int, Prefill]:
    """{person id: proposal}: a forfall as "ikke til stede", its vara as "stedfortreder"
    (unless the vara said no)."""
    proposals: dict[int, Prefill] = {}
    willing = standing_in(session, meeting)
    for absence in absences_of(session, meeting):
        days = tuple(absence.days or ())
        member, vara = absence.person, absence.substitute
        text = _("%(name)s har meldt forfall", name=member.name) + days_text(days)
        if vara is not None and vara.id in willing:
            text += ", " + _("%(deputy)s stiller for %(name)s", deputy=vara.name, name=member.name)
            proposals[vara.id] = Prefill("deputy", member.id, days, text)
        proposals[member.id] = Prefill("absent", None, days, text)
    return proposals


def free_varas(session: Session, absence: Absence) -> list[Person]:
    """Whom the secretariat may call in instead: the chain, without those already busy."""
    busy = _busy(session, absence.meeting, absence)
    chain = vara_chain(session, absence.meeting, absence.person)
    return [p for p in chain if p.id not in busy or p.id == absence.substitute_id]


def import_absence(
    session: Session,
    meeting: Meeting,
    person: Person,
    days: Sequence[int],
    note: str,
    vara: Person | None,
) -> Absence:
    """A forfall as the exchange format carries it (no mail, no audit line: the import is
    logged, and what was sent then was sent)."""
    for number in days:
        if not 1 <= number <= len(meeting.days):
            raise InvalidInput(_("Møtet har ingen dag %(day)s", day=number), field="days")
    if absence_of(session, meeting, person) is not None:
        raise Conflict(_("%(name)s har meldt forfall to ganger", name=person.name), field="person")
    if vara is not None and vara.id == person.id:
        raise InvalidInput(
            _("%(name)s kan ikke stille for seg selv", name=person.name), field="vara"
        )
    absence = Absence(
        meeting=meeting, person=person, days=sorted(set(days)) or None, note=note or "",
        substitute=vara, sequence=1 if vara is not None else 0,
    )  # fmt: skip
    session.add(absence)
    session.flush()
    return absence
