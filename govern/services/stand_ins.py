"""A vara's own invitation to stand in for a member with forfall (its own UIDs and SEQUENCE),
its withdrawal, and keeping it in step when the meeting changes, loses a day or is cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.models.answers import Absence
from govern.models.mail import OutgoingMail
from govern.models.meetings import Meeting
from govern.models.people import Person
from govern.presentation import meeting_times
from govern.services import audit
from govern.services.answers import answer_links, forget_answers
from govern.services.attendance import days_text
from govern.services.mail import queue_mail


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
    """The vara's own invitation (a REQUEST), with the links to confirm."""
    meeting, member = absence.meeting, absence.person
    opening = (
        f"{meeting.title}, der du stiller for {member.name}, er endret. Slik blir møtet nå:"
        if changed
        else f"{member.name} har meldt forfall til {meeting.title}{days_text(absence.days)}, "
        "og du er kalt inn som vara."
    )
    lines = [f"Hei {vara.name},", "", opening, "", f"Tid: {meeting_times(meeting)}"]
    if meeting.location:
        lines.append(f"Sted: {meeting.location}")
    url = f"{settings.base_url.rstrip('/')}/meetings/{meeting.id}"
    lines += ["", f"Dagsorden og sakspapirer: {url}", ""]
    if settings.answer_key:
        lines += ["Bekreft at du kan stille:", *answer_links(
            settings.answer_key, settings.base_url, meeting, vara)[1:], ""]  # fmt: skip
    lines += ["Hilsen", f"sekretariatet for {meeting.body.short_name}", ""]
    subject = "Endret" if changed else "Innkalling som vara"
    return queue_mail(
        session, vara.email, vara.name,
        f"{subject}: {meeting.title} – du stiller for {member.name}",
        "\n".join(lines), _stand_in(absence, "REQUEST", vara, settings), "REQUEST",
        meeting_id=meeting.id,
    )  # fmt: skip


def release(
    session: Session, absence: Absence, settings: MailSettings, reason: str | None = None
) -> OutgoingMail | None:
    """Withdraw the stand-in invitation from the vara called in (a CANCEL)."""
    meeting, vara = absence.meeting, absence.substitute
    absence.sequence = (absence.sequence or 0) + 1
    mail = None
    if vara is not None and vara.email:
        body = "\n".join([
            f"Hei {vara.name},", "",
            reason or f"Du trenger likevel ikke å stille for {absence.person.name} på "
            f"{meeting.title}.", "Invitasjonen som vara er trukket tilbake.", "",
            "Hilsen", f"sekretariatet for {meeting.body.short_name}", "",
        ])  # fmt: skip
        subject = (
            f"Avlyst: {meeting.title}"
            if meeting.status == "avlyst"
            else f"Trukket tilbake: {meeting.title} – du stiller ikke for {absence.person.name}"
        )
        mail = queue_mail(
            session, vara.email, vara.name, subject,
            body, _stand_in(absence, "CANCEL", vara, settings), "CANCEL", meeting_id=meeting.id,
        )  # fmt: skip
    if vara is not None:
        forget_answers(session, meeting, vara, "lenke")
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
            mail = release(session, absence, settings, reason=f"{meeting.title} er avlyst.")
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
                forget_answers(session, meeting, vara, "lenke")
            name = absence.person.name
            audit.record(session, None, "meeting.forfall", meeting,
                         f"Forfallet til {name} gjaldt bare dager som er tatt ut av "
                         f"{meeting.title}, og er trukket", body=meeting.body,
                         changes={"forfall": [name, None],
                                  "vara": [vara.name if vara else None, None]})  # fmt: skip
            session.delete(absence)
    session.flush()
    return queued


def _cancel_days(
    session: Session, absence: Absence, vara: Person, day_uids: list[str], settings: MailSettings
) -> OutgoingMail:
    from govern.exports.calendar import build_stand_in_cancel

    meeting, member = absence.meeting, absence.person
    body = "\n".join([
        f"Hei {vara.name},", "",
        f"{'Dagen' if len(day_uids) == 1 else 'Dagene'} du skulle stille for {member.name} på "
        f"{meeting.title}, er tatt ut av møtet. Invitasjonen som vara gjelder ikke lenger "
        f"for {'den' if len(day_uids) == 1 else 'dem'}.", "",
        "Hilsen", f"sekretariatet for {meeting.body.short_name}", "",
    ])  # fmt: skip
    itip = build_stand_in_cancel(
        meeting, _Attendee(vara.name, vara.email or ""), settings.base_url, day_uids,
        member_id=member.id, member_name=member.name, sequence=absence.sequence,
        mail_from=settings.mail_from,
    )  # fmt: skip
    subject = f"Dag tatt ut: {meeting.title} – du stiller for {member.name}"
    return queue_mail(
        session, vara.email, vara.name, subject, body, itip, "CANCEL", meeting_id=meeting.id
    )
