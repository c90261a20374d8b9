"""What an answer to the invitation does, given with the e-mail's links (or on the page) or
as a calendar reply (iTIP REPLY, per day): a member's «kommer ikke» reports forfall and calls
in the vara, «kommer» withdraws it, a vara called in confirms or declines standing in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.answers import Absence
from govern.models.meetings import Meeting
from govern.models.people import Person
from govern.services import audit
from govern.services.answers import ANSWER_LABELS, LinkAnswer, answers_by_day, record_answer
from govern.services.attendance import days_text
from govern.services.errors import Conflict
from govern.services.forfall import (
    absence_of,
    absences_of,
    change_absence_days,
    is_member,
    report_absence,
    withdraw_absence,
)
from govern.services.invitations import invitees
from govern.services.stand_ins import MailSettings


def _days(meeting: Meeting, numbers: Sequence[int] | None):
    return [d for n, d in enumerate(meeting.days, 1) if not numbers or n in numbers]


def _shown_days(meeting: Meeting, numbers: Sequence[int]) -> str:
    """' – dag 2' when the answer is for some of the meeting's days, '' for all."""
    return days_text(numbers) if len(set(numbers)) < len(meeting.days) else ""


def answer_as_vara(
    session: Session,
    meeting: Meeting,
    person: Person,
    standing_in: Sequence[Absence],
    partstat: str,
    source: str,
    days: Sequence[int] | None = None,
) -> None:
    """Keep a vara's answer to standing in (the days of the forfall by default), logged."""
    if days is None:
        every = range(1, len(meeting.days) + 1)
        days = sorted({n for a in standing_in for n in (a.days or every)})
    record_answer(session, meeting, person, partstat, source, _days(meeting, days))
    names = " og ".join(a.person.name for a in standing_in)
    audit.record(session, None, "meeting.answer", meeting,
                 f"{person.name} svarte «{ANSWER_LABELS[partstat]}» som vara for "
                 f"{names} på {meeting.title}{_shown_days(meeting, days)}",
                 body=meeting.body)  # fmt: skip


def plain_answer(
    session: Session,
    meeting: Meeting,
    person: Person,
    partstat: str,
    source: str,
    days: Sequence[int] | None = None,
) -> None:
    """Keep an answer that is only an answer (all days by default), logged."""
    record_answer(session, meeting, person, partstat, source, _days(meeting, days))
    audit.record(session, None, "meeting.answer", meeting,
                 f"{person.name} svarte «{ANSWER_LABELS[partstat]}» på innkallingen til "
                 f"{meeting.title}{_shown_days(meeting, days or [])}",
                 body=meeting.body)  # fmt: skip


def answer_by_link(session: Session, link: LinkAnswer, settings: MailSettings, today: date) -> str:
    """Keep what an answer link says; returns the message the person is shown.

    A vara called in confirms (or declines) standing in; a member who cannot come has
    reported forfall, so the vara is called in; "Jeg kommer" after a forfall withdraws it.
    """
    meeting, person, coming = link.meeting, link.person, link.answer == "kommer"
    standing_in = [a for a in absences_of(session, meeting) if a.substitute_id == person.id]
    if standing_in:
        answer_as_vara(session, meeting, person, standing_in, link.partstat, "lenke")
        shown = _(" og ").join(a.person.name for a in standing_in)
        if coming:
            return _("Takk! Du har bekreftet at du stiller for %(names)s på %(meeting)s.",
                     names=shown, meeting=meeting.title)  # fmt: skip
        return _("Takk for beskjed. Sekretariatet får vite at du ikke kan stille for "
                 "%(names)s, og finner en annen vara.", names=shown)  # fmt: skip
    if person not in invitees(meeting):
        raise Conflict(
            _("Du er ikke innkalt til %(meeting)s; kontakt sekretariatet.", meeting=meeting.title)
        )
    absence = absence_of(session, meeting, person)
    if is_member(meeting, person):
        if not coming and absence is None:
            absence = report_absence(session, None, meeting, person, [], "Meldt med lenken i "
                                     "e-posten", settings, today)  # fmt: skip
            vara = absence.substitute
            if vara is not None:
                return _(
                    "Forfallet er registrert, og %(name)s er kalt inn som vara.", name=vara.name
                )
            return _("Forfallet er registrert.")
        if not coming:
            return _("Du har allerede meldt forfall til dette møtet.")
        if absence is not None:
            withdraw_absence(session, None, meeting, person, settings, today)
            # Kept, so a calendar reply older than this one is known as such (svar-inn).
            record_answer(session, meeting, person, "ACCEPTED", "lenke")
            return _("Forfallet er trukket. Velkommen til %(meeting)s!", meeting=meeting.title)
    plain_answer(session, meeting, person, link.partstat, "lenke")
    if coming:
        return _(
            "Takk! Svaret ditt er registrert: du kommer til %(meeting)s.", meeting=meeting.title
        )
    return _(
        "Takk! Svaret ditt er registrert: du kommer ikke til %(meeting)s.", meeting=meeting.title
    )


def withdraw_on_page(
    session: Session,
    user,
    meeting: Meeting,
    person: Person,
    settings: MailSettings,
    today: date,
) -> None:
    """«Trekk forfallet» on the page: as «Jeg kommer» on the link, the forfall is withdrawn
    and the answer kept, so that the calendar reply that reported it, read again by
    svar-inn, is known as older and does not report it anew."""
    withdraw_absence(session, user, meeting, person, settings, today)
    record_answer(session, meeting, person, "ACCEPTED", "forfall")


def answer_by_calendar(
    session: Session,
    meeting: Meeting,
    person: Person,
    by_day: Mapping[int, str],
    settings: MailSettings,
    today: date,
    member_id: int | None = None,
    stamps: Mapping[int, datetime] | None = None,
) -> None:
    """A calendar reply's PARTSTAT per day number (the person's latest for each day) has the
    effect of the links, day by day: a member's DECLINED is a forfall for those days (the
    vara called in), ACCEPTED takes those days out of the forfall (withdrawn when none is
    left); a reply to a vara's stand-in event (`member_id`: the member stood in for) is the
    vara's answer. TENTATIVE is only kept. An answer already kept changes nothing, nor does
    a reply made (`stamps`: its DTSTAMP per day) before the answer kept for the day."""
    given = answers_by_day(session, meeting).get(person.id, {})
    by_day = {n: p for n, p in by_day.items()
              if n not in given or not _older((stamps or {}).get(n), given[n].answered_at)}  # fmt: skip
    new = {n: p for n, p in by_day.items() if n not in given or given[n].answer != p}
    standing_in = [a for a in absences_of(session, meeting)
                   if a.person_id == member_id and a.substitute_id == person.id]  # fmt: skip
    if standing_in:
        [absence] = standing_in
        new = {n: p for n, p in new.items() if not absence.days or n in absence.days}
        _keep(session, meeting, person, new, lambda partstat, days: answer_as_vara(
            session, meeting, person, standing_in, partstat, "kalender", days))  # fmt: skip
        return
    is_open = meeting.status == "innkalt" and (meeting.last_date or date.min) >= today
    if is_open and is_member(meeting, person):
        absence = absence_of(session, meeting, person)
        every = set(range(1, len(meeting.days) + 1))
        before = set(absence.days or every) if absence is not None else set()
        after = (before | {n for n, p in by_day.items() if p == "DECLINED"}) - {
            n for n, p in by_day.items() if p == "ACCEPTED"
        }
        if after != before:
            if not before:
                report_absence(session, None, meeting, person, sorted(after), "Meldt med svar i "
                               "kalenderen", settings, today)  # fmt: skip
            elif not after:
                withdraw_absence(session, None, meeting, person, settings, today)
            else:
                change_absence_days(session, None, meeting, person, sorted(after), settings, today)
        if back := sorted(before - after):  # days taken out of the forfall: «kommer»
            record_answer(session, meeting, person, "ACCEPTED", "kalender", _days(meeting, back))
        new = {n: p for n, p in new.items() if n not in before | after}
    _keep(session, meeting, person, new, lambda partstat, days: plain_answer(
        session, meeting, person, partstat, "kalender", days))  # fmt: skip


def _older(stamp: datetime | None, kept: datetime | None) -> bool:
    """Whether a reply's DTSTAMP is before the time an answer was kept (UTC when naive)."""
    if stamp is None or kept is None:
        return False
    as_utc = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (stamp, kept)]
    return as_utc[0] < as_utc[1]


def _keep(
    session: Session,
    meeting: Meeting,
    person: Person,
    by_day: Mapping[int, str],
    logged: Callable[[str, list[int]], None],
) -> None:
    """Keep the answers per day: TENTATIVE only kept, the others through `logged`."""
    groups: dict[str, list[int]] = {}
    for number, partstat in sorted(by_day.items()):
        groups.setdefault(partstat, []).append(number)
    for partstat, days in groups.items():
        if partstat == "TENTATIVE":
            record_answer(session, meeting, person, partstat, "kalender", _days(meeting, days))
        else:
            logged(partstat, days)
