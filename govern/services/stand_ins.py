"""A vara's own invitation to stand in for a member with forfall (its own UIDs and SEQUENCE),
its withdrawal, and keeping it in step when the meeting changes, loses a day or is cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import ngettext, use_language
from govern.models.answers import Absence
from govern.models.mail import OutgoingMail
from govern.models.meetings import Meeting
from govern.models.people import Person
from govern.services import audit
from govern.services.answers import answer_links, forget_answers
from govern.services.attendance import days_text
from govern.services.mail import queue_mail
from govern.timeutil import day_month, time_span


@dataclass(frozen=True)
class MailSettings:
    """What the messages need from the configuration (the caller passes it)."""

    base_url: str
    mail_from: str | None = None
    answer_key: str | None = None


def _stand_in(absence: Absence, method: str, vara: Person, settings: MailSettings) -> bytes:
    from govern.exports.calendar import build_stand_in_itip

    return build_stand_in_itip(
        absence.meeting, method, _Attendee(vara.name, vara.email or ""), settings.base_url,
        member_id=absence.person_id, member_name=absence.person.name, days=absence.days,
        sequence=absence.sequence, mail_from=settings.mail_from,
    )  # fmt: skip


def call_in(session: Session, absence: Absence, vara: Person, settings: MailSettings) -> None:
    """Send the vara the invitation to stand in, with the links to confirm."""
    absence.substitute = vara
    absence.sequence = (absence.sequence or 0) + 1
    session.flush()
    if not vara.email:
        return
    _request(session, absence, vara, settings)


def _request(
    session: Session, absence: Absence, vara: Person, settings: MailSettings, changed=False
) -> OutgoingMail:
    """The vara's own invitation (a REQUEST), with the links to confirm, in the body's
    document language."""
    meeting, member = absence.meeting, absence.person
    with use_language(meeting.body.document_language):
        names = {"meeting": meeting.title, "member": member.name}
        opening = (
            _("%(meeting)s, der du stiller for %(member)s, er endret. Slik blir møtet nå:", **names)
            if changed
            else _(
                "%(member)s har meldt forfall til %(meeting)s%(days)s, og du er kalt inn som vara.",
                days=days_text(absence.days),
                **names,
            )
        )
        lines = [_("Hei %(name)s,", name=vara.name), "", opening, ""]
        lines.append(_("Tid: %(times)s", times=_times(meeting, absence.days)))
        if meeting.location:
            lines.append(_("Sted: %(place)s", place=meeting.location))
        url = settings.base_url.rstrip("/") + f"/meetings/{meeting.id}"
        lines += ["", _("Dagsorden og sakspapirer: %(link)s", link=url), ""]
        if settings.answer_key:
            links = answer_links(settings.answer_key, settings.base_url, meeting, vara)[1:]
            lines += [_("Bekreft at du kan stille:"), *links, ""]
        lines += _closing(meeting)
        subject = (
            _("Endret: %(meeting)s – du stiller for %(member)s", **names)
            if changed
            else _("Innkalling som vara: %(meeting)s – du stiller for %(member)s", **names)
        )
        itip = _stand_in(absence, "REQUEST", vara, settings)
    return queue_mail(
        session, vara.email, vara.name, subject, "\n".join(lines), itip, "REQUEST",
        meeting_id=meeting.id,
    )  # fmt: skip


def _times(meeting: Meeting, days: list[int] | None) -> str:
    """The times of the days the vara stands in (all days when the forfall is for all),
    with the date when it is one day of several."""
    chosen = [(d.date, d.start_time, d.end_time)
              for n, d in enumerate(meeting.days, 1) if not days or n in days]  # fmt: skip
    if len(chosen) == 1 and len(meeting.days) > 1:
        return f"{day_month(chosen[0][0])} {time_span(chosen)}"
    return time_span(chosen)


def _cancelled(meeting: Meeting) -> str:
    with use_language(meeting.body.document_language):
        return _("%(meeting)s er avlyst.", meeting=meeting.title)


def _closing(meeting: Meeting) -> list[str]:
    """The e-mails' last lines: greetings from the body's secretariat."""
    return [_("Hilsen"), _("sekretariatet for %(body)s", body=meeting.body.short_name), ""]


def release(
    session: Session, absence: Absence, settings: MailSettings, reason: str | None = None
) -> OutgoingMail | None:
    """Withdraw the stand-in invitation from the vara called in (a CANCEL)."""
    meeting, vara = absence.meeting, absence.substitute
    absence.sequence = (absence.sequence or 0) + 1
    mail = None
    if vara is not None and vara.email:
        with use_language(meeting.body.document_language):
            names = {"meeting": meeting.title, "member": absence.person.name}
            body = "\n".join([
                _("Hei %(name)s,", name=vara.name), "",
                str(reason) if reason else _(
                    "Du trenger likevel ikke å stille for %(member)s på %(meeting)s.", **names
                ),
                _("Invitasjonen som vara er trukket tilbake."), "", *_closing(meeting),
            ])  # fmt: skip
            subject = (
                _("Avlyst: %(meeting)s", **names)
                if meeting.status == "avlyst"
                else _("Trukket tilbake: %(meeting)s – du stiller ikke for %(member)s", **names)
            )
            itip = _stand_in(absence, "CANCEL", vara, settings)
        mail = queue_mail(
            session, vara.email, vara.name, subject, body, itip, "CANCEL", meeting_id=meeting.id
        )
    if vara is not None:
        forget_answers(session, meeting, vara, "lenke", "kalender")
    absence.substitute = None
    session.flush()
    return mail


class _Attendee(NamedTuple):
    name: str
    email: str


def _called_in(session: Session, meeting: Meeting) -> list[Absence]:
    return list(
        session.scalars(
            select(Absence)
            .where(Absence.meeting_id == meeting.id, Absence.substitute_id.is_not(None))
            .order_by(Absence.id)
        )
    )


def follow_meeting(
    session: Session, meeting: Meeting, settings: MailSettings, *, changed: bool
) -> list[OutgoingMail]:
    """After the members' invitations were brought up to date: a cancelled meeting cancels
    every vara's own invitation; a changed one (time, date, place) sends it again."""
    queued: list[OutgoingMail] = []
    for absence in _called_in(session, meeting):
        vara = absence.substitute
        if meeting.status == "avlyst":
            mail = release(session, absence, settings, reason=_cancelled(meeting))
            queued += [mail] if mail else []
        elif changed and vara is not None and vara.email:
            absence.sequence = (absence.sequence or 0) + 1
            queued.append(_request(session, absence, vara, settings, changed=True))
    session.flush()
    return queued


def follow_days(
    session: Session, meeting: Meeting, sent: dict[int, list[str]], settings: MailSettings
) -> list[OutgoingMail]:
    """After the meeting's days changed: each forfall's day numbers follow their days (read
    by UID from the days its member was last sent, `sent`), the vara's stand-in events of
    days removed are cancelled, and a forfall left without a day is withdrawn."""
    current = [day.uid for day in meeting.days]
    queued: list[OutgoingMail] = []
    absences = session.scalars(
        select(Absence).where(Absence.meeting_id == meeting.id).order_by(Absence.id)
    ).all()
    for absence in absences:
        before = sent.get(absence.person_id)
        if not before or before == current:
            continue
        if absence.days:
            covered = [before[n - 1] for n in absence.days if 0 < n <= len(before)]
        else:
            covered = list(before)
        gone = [uid for uid in covered if uid not in current]
        if absence.days:
            absence.days = sorted(current.index(uid) + 1 for uid in covered if uid in current)
        vara = absence.substitute
        if gone and vara is not None:
            absence.sequence = (absence.sequence or 0) + 1
            if vara.email:
                queued.append(_cancel_days(session, absence, vara, gone, settings))
        if absence.days == []:
            if vara is not None:
                forget_answers(session, meeting, vara, "lenke", "kalender")
            name = absence.person.name
            audit.record(session, None, "meeting.forfall", meeting,
                         f"Forfallet til {name} gjaldt bare dager som er tatt ut av "
                         f"{meeting.title}, og er trukket", body=meeting.body,
                         changes={"forfall": [name, None],
                                  "vara": [vara.name if vara else None, None]})  # fmt: skip
            session.delete(absence)
    session.flush()
    return queued


def change_days(
    session: Session, absence: Absence, before: list[str], settings: MailSettings
) -> list[OutgoingMail]:
    """After the member changed the days of the forfall (`before`: the UIDs of the days it
    covered): the vara gets a CANCEL of the days taken out and the invitation again when
    days were added (a REQUEST of all the days, a higher SEQUENCE)."""
    meeting, vara = absence.meeting, absence.substitute
    if vara is None:
        return []
    absence.sequence = (absence.sequence or 0) + 1
    now = [d.uid for n, d in enumerate(meeting.days, 1) if not absence.days or n in absence.days]
    session.flush()
    if not vara.email:
        return []
    queued = []
    if gone := [uid for uid in before if uid not in now]:
        with use_language(meeting.body.document_language):
            text = _(
                "Du trenger likevel ikke å stille for %(member)s på %(meeting)s%(days)s.",
                member=absence.person.name,
                meeting=meeting.title,
                days=days_text([n for n, d in enumerate(meeting.days, 1) if d.uid in gone]),
            )
        queued.append(_cancel_days(session, absence, vara, gone, settings, text))
    if any(uid not in before for uid in now):
        queued.append(_request(session, absence, vara, settings, changed=True))
    return queued


def _cancel_days(
    session: Session,
    absence: Absence,
    vara: Person,
    day_uids: list[str],
    settings: MailSettings,
    text: str | None = None,
) -> OutgoingMail:
    from govern.exports.calendar import build_stand_in_cancel

    meeting, member = absence.meeting, absence.person
    with use_language(meeting.body.document_language):
        names = {"meeting": meeting.title, "member": member.name}
        body = "\n".join([
            _("Hei %(name)s,", name=vara.name), "",
            text or ngettext(
                "Dagen du skulle stille for %(member)s på %(meeting)s, er tatt ut av møtet. "
                "Invitasjonen som vara gjelder ikke lenger for den.",
                "Dagene du skulle stille for %(member)s på %(meeting)s, er tatt ut av møtet. "
                "Invitasjonen som vara gjelder ikke lenger for dem.",
                len(day_uids), **names,
            ), "", *_closing(meeting),
        ])  # fmt: skip
        itip = build_stand_in_cancel(
            meeting, _Attendee(vara.name, vara.email or ""), settings.base_url, day_uids,
            member_id=member.id, member_name=member.name, sequence=absence.sequence,
            mail_from=settings.mail_from,
        )  # fmt: skip
        subject = (
            _("Trukket tilbake: %(meeting)s – du stiller ikke for %(member)s", **names)
            if text
            else _("Dag tatt ut: %(meeting)s – du stiller for %(member)s", **names)
        )
    return queue_mail(
        session, vara.email, vara.name, subject, body, itip, "CANCEL", meeting_id=meeting.id
    )
