"""Calendar invitations by e-mail (iTIP, RFC 5546): who has been sent what, and what to send
now. Messages are queued with the change that caused them and sent after the commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.bodies import Body
from govern.models.mail import MeetingInvitation, OutgoingMail
from govern.models.meetings import Meeting, MeetingDay
from govern.models.people import Person
from govern.presentation import MEMBER_ROLES, active_members, meeting_dates, meeting_times
from govern.services.answers import answer_links
from govern.services.mail import queue_mail
from govern.services.stand_ins import MailSettings, follow_days, follow_meeting

#: Who is invited: members and deputies (vara), not the secretariat (it organises).
INVITED_ROLES = (*MEMBER_ROLES, "vara")
#: Meeting statuses in which invitations are kept up to date.
SYNCED_STATUSES = ("innkalt", "avlyst")


#: RFC 5545 ROLE of an attendee by membership role: the leader chairs the meeting,
#: deputies and observers may come but are not expected.
ATTENDEE_ROLES = {
    "leder": "CHAIR",
    "nestleder": "REQ-PARTICIPANT",
    "medlem": "REQ-PARTICIPANT",
    "observatør": "OPT-PARTICIPANT",
    "vara": "OPT-PARTICIPANT",
}
_ROLE_RANK = ("CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT")


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    role: str = "REQ-PARTICIPANT"


def invitees(meeting: Meeting) -> list[Person]:
    """Members and deputies with an e-mail address, active on the meeting's first day."""
    return list(_invited_roles(meeting))


def _invited_roles(meeting: Meeting) -> dict[Person, str]:
    """Each invited person with their ATTENDEE role (the weightiest of their memberships)."""
    on = meeting.first_date or date.today()
    people: dict[Person, str] = {}
    for membership in active_members(meeting.body, on, INVITED_ROLES):
        person = membership.person
        if person.email:
            role = ATTENDEE_ROLES[membership.role]
            if person not in people or _ROLE_RANK.index(role) < _ROLE_RANK.index(people[person]):
                people[person] = role
    return people


def _uids(text: str) -> list[str]:
    return [uid for uid in (text or "").split() if uid]


def _itip(meeting, method, attendee, base_url, cancelled_uids=None, mail_from=None) -> bytes:
    # Imported here: the calendar builders import presentation, which is heavier at start-up.
    from govern.exports.calendar import build_itip

    return build_itip(meeting, method, attendee, base_url, cancelled_uids, mail_from=mail_from)


def _heading(meeting: Meeting) -> str:
    """'Møte i Fagrådet 2/26, 29. – 30. april 2026'."""
    dates = meeting_dates(meeting)
    return f"{meeting.title}, {dates}" if dates else meeting.title


def _url(meeting: Meeting, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/meetings/{meeting.id}"


def _text(
    meeting: Meeting,
    name: str,
    opening: str,
    base_url: str,
    details: bool = True,
    links: list[str] | None = None,
) -> str:
    lines = [_("Hei %(name)s,", name=name), "", opening, ""]
    if details:
        lines.append(_("Tid: %(times)s", times=meeting_times(meeting)))
        if meeting.location:
            lines.append(_("Sted: %(place)s", place=meeting.location))
        url = _url(meeting, base_url)
        lines += ["", _("Dagsorden og sakspapirer: %(url)s", url=url), ""]
        lines += [_("Kalenderinvitasjonen følger med denne e-posten."), ""]
        if links:
            lines += [*links, ""]
    else:
        lines += [_("Møtesiden: %(url)s", url=_url(meeting, base_url)), ""]
    lines += [_("Hilsen"), _("sekretariatet for %(body)s", body=meeting.body.short_name), ""]
    return "\n".join(lines)


def innkalling_message(meeting: Meeting, name: str, base_url: str) -> tuple[str, str]:
    """The subject and text of the innkalling e-mail to one person (shown before sending),
    in the body's document language."""
    with use_language(meeting.body.document_language):
        opening = _("Du er innkalt til %(meeting)s.", meeting=meeting.title)
        subject = _("Innkalling: %(meeting)s", meeting=_heading(meeting))
        return subject, _text(meeting, name, opening, base_url)


def _request(
    session: Session,
    meeting: Meeting,
    person: Person,
    role: str,
    base_url: str,
    changed: bool,
    mail_from: str | None,
    answer_key: str | None = None,
    opening: str | None = None,
) -> OutgoingMail:
    attendee = Attendee(person.name, person.email, role)
    with use_language(meeting.body.document_language):
        if changed:
            subject = _("Endret: %(meeting)s", meeting=_heading(meeting))
            opening = opening or _(
                "%(meeting)s er endret. Slik blir møtet nå:", meeting=meeting.title
            )
        else:
            subject = _("Innkalling: %(meeting)s", meeting=_heading(meeting))
            opening = opening or _("Du er innkalt til %(meeting)s.", meeting=meeting.title)
        links = answer_links(answer_key, base_url, meeting, person) if answer_key else None
        text = _text(meeting, person.name, opening, base_url, links=links)
        itip = _itip(meeting, "REQUEST", attendee, base_url, mail_from=mail_from)
    return queue_mail(
        session,
        person.email,
        person.name,
        subject,
        text,
        itip,
        "REQUEST",
        meeting_id=meeting.id,
    )


def _cancel(
    session: Session,
    meeting: Meeting,
    invitation: MeetingInvitation,
    base_url: str,
    uids: list[str] | None,
    reason: str,
    mail_from: str | None,
) -> OutgoingMail:
    """CANCEL the given day UIDs (None: the whole meeting) for one invited person."""
    person = invitation.person
    attendee = Attendee(person.name, invitation.address)
    with use_language(meeting.body.document_language):
        subject, opening, details = _cancel_words(meeting, person, reason)
        text = _text(meeting, person.name, opening, base_url, details)
        itip = _itip(meeting, "CANCEL", attendee, base_url, uids, mail_from)
    return queue_mail(
        session,
        invitation.address,
        person.name,
        subject,
        text,
        itip,
        "CANCEL",
        meeting_id=meeting.id,
    )


def _cancel_words(meeting: Meeting, person: Person, reason: str) -> tuple[str, str, bool]:
    """Subject, opening line and whether the meeting's details follow, of a CANCEL."""
    heading, title = _heading(meeting), meeting.title
    if reason == "avlyst":
        return (
            _("Avlyst: %(meeting)s", meeting=heading),
            _("%(meeting)s er avlyst.", meeting=title),
            False,
        )
    if reason == "removed":
        opening = _(
            "Du er ikke lenger med i %(body)s, og innkallingen til %(meeting)s er trukket tilbake.",
            body=meeting.body.short_name,
            meeting=title,
        )
        return _("Trukket tilbake: %(meeting)s", meeting=heading), opening, False
    if reason == "address":
        opening = _(
            "Innkallingen til %(meeting)s sendes nå til en annen e-postadresse (%(address)s), "
            "og er trukket tilbake fra denne.",
            meeting=title,
            address=person.email,
        )
        return _("Trukket tilbake: %(meeting)s", meeting=heading), opening, False
    return (
        _("Endret: %(meeting)s", meeting=heading),
        _("%(meeting)s har færre møtedager enn før. Slik blir møtet nå:", meeting=title),
        True,
    )


def sync_invitations(
    session: Session,
    meeting: Meeting,
    base_url: str,
    *,
    mail_from: str | None = None,
    answer_key: str | None = None,
) -> list[OutgoingMail]:
    """Queue what each person must be sent so their calendar matches the meeting.

    `mail_from` is the configured sender, the calendar's organizer when the body's
    secretariat has no e-mail address (the caller passes it from the configuration);
    `answer_key` signs the "Jeg kommer" / "Jeg kommer ikke" links of each invitation.

    Called when the innkalling is sent and after every later change to the meeting or to
    the body's members: REQUEST to whoever has not had the current SEQUENCE and days,
    CANCEL for days removed, to members no longer invited, and to everyone when the
    meeting is cancelled. Flushes; the caller commits.
    """
    if meeting.status not in SYNCED_STATUSES:
        return []
    rows = session.scalars(
        select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id)
    ).all()
    invitations = {row.person_id: row for row in rows}
    sequence = meeting.sequence or 0
    current_uids = [day.uid for day in meeting.days]
    queued: list[OutgoingMail] = []

    # A vara's own invitation to stand in follows the meeting (services/stand_ins.py).
    settings = MailSettings(base_url, mail_from, answer_key)
    if meeting.status == "avlyst":
        for row in rows:
            if row.status == "invited":
                queued.append(_cancel(session, meeting, row, base_url, None, "avlyst", mail_from))
                row.status, row.sequence = "cancelled", sequence
        session.flush()
        return queued + follow_meeting(session, meeting, settings, changed=True)
    changed = any(row.status == "invited" and row.sequence < sequence for row in rows)
    # Forfall is kept by day number: renumber it before the members' day UIDs are updated.
    sent = {row.person_id: _uids(row.day_uids) for row in rows if row.status == "invited"}
    queued += follow_days(session, meeting, sent, settings)

    wanted = _invited_roles(meeting)
    wanted_ids = {person.id for person in wanted}
    for row in rows:
        if row.status == "invited" and row.person_id not in wanted_ids:
            queued.append(
                _cancel(session, meeting, row, base_url, _uids(row.day_uids), "removed", mail_from)
            )
            row.status, row.sequence = "cancelled", sequence
    for person, role in wanted.items():
        row = invitations.get(person.id)
        if row is None or row.status == "cancelled":
            queued.append(
                _request(session, meeting, person, role, base_url, False, mail_from, answer_key)
            )
        elif row.address != person.email:
            # The old address's calendar drops the meeting; the new one gets it whole.
            sent = _uids(row.day_uids)
            queued.append(_cancel(session, meeting, row, base_url, sent, "address", mail_from))
            queued.append(
                _request(session, meeting, person, role, base_url, False, mail_from, answer_key)
            )
        else:
            sent_uids = _uids(row.day_uids)
            removed = [uid for uid in sent_uids if uid not in current_uids]
            added = [uid for uid in current_uids if uid not in sent_uids]
            if removed:
                queued.append(_cancel(session, meeting, row, base_url, removed, "days", mail_from))
            if added or row.sequence < sequence:
                queued.append(
                    _request(session, meeting, person, role, base_url, True, mail_from, answer_key)
                )
            elif not removed:
                continue
        if row is None:
            row = MeetingInvitation(meeting=meeting, person=person)
            session.add(row)
        row.address, row.status, row.sequence = person.email, "invited", sequence
        row.day_uids = " ".join(current_uids)
    session.flush()
    return queued + follow_meeting(session, meeting, settings, changed=changed)


def sync_body_invitations(
    session: Session,
    body: Body,
    base_url: str,
    today: date | None = None,
    *,
    mail_from: str | None = None,
    answer_key: str | None = None,
) -> list[OutgoingMail]:
    """After a change of members: bring the invitations of the body's coming meetings up
    to date (a member added gets the invitation, one removed gets a CANCEL)."""
    today = today or date.today()
    coming = session.scalars(
        select(Meeting)
        .where(
            Meeting.body_id == body.id,
            Meeting.status == "innkalt",
            Meeting.id.in_(select(MeetingDay.meeting_id).where(MeetingDay.date >= today)),
        )
        .order_by(Meeting.id)
    )
    queued = []
    for meeting in coming:
        queued += sync_invitations(
            session, meeting, base_url, mail_from=mail_from, answer_key=answer_key
        )
    return queued


def resend_invitation(
    session: Session,
    meeting: Meeting,
    person: Person,
    base_url: str,
    opening: str,
    *,
    mail_from: str | None = None,
    answer_key: str | None = None,
) -> OutgoingMail | None:
    """The invitation once more to one invited person (a forfall withdrawn), same UIDs; an
    «Innkalling», since the meeting itself has not changed."""
    role = _invited_roles(meeting).get(person)
    if role is None or meeting.status != "innkalt":
        return None
    return _request(session, meeting, person, role, base_url, False, mail_from, answer_key, opening)


#: Mail still in the queue after this long is worth a word to the secretariat.
STUCK_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class MailLine:
    """The latest message about a meeting to one address."""

    name: str
    address: str
    subject: str
    status: str  # queued, sent, failed
    attempts: int
    sent_at: datetime | None
    error: str | None

    @property
    def reason(self) -> str:
        """Why a message could not be sent, in words the secretariat can act on."""
        if self.error and self.error.startswith("SMTPRecipientsRefused"):
            return _("E-posttjeneren avviste adressen.")
        return _("E-posttjeneren kunne ikke ta imot meldingen.")


@dataclass(frozen=True)
class MailReport:
    """What the secretariat needs to know about a meeting's invitations."""

    lines: list[MailLine]
    #: Invited members with no e-mail address: they get no invitation.
    without_address: list[str]
    #: Messages queued for longer than STUCK_AFTER: sending seems to have stopped.
    stuck: int

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


def mail_report(session: Session, meeting: Meeting, now: datetime | None = None) -> MailReport:
    """The latest invitation or cancellation to each address, and who cannot be reached."""
    now = now or datetime.now(UTC)
    mails = session.scalars(
        select(OutgoingMail).where(OutgoingMail.meeting_id == meeting.id).order_by(OutgoingMail.id)
    ).all()
    latest = {mail.to_address: mail for mail in mails}
    lines = [
        MailLine(
            mail.to_name or mail.to_address,
            mail.to_address,
            mail.subject,
            mail.status,
            mail.attempts,
            mail.sent_at,
            mail.last_error,
        )
        for mail in sorted(latest.values(), key=lambda m: (m.to_name.casefold(), m.to_address))
    ]
    on = meeting.first_date or date.today()
    without = sorted(
        {
            m.person.name
            for m in active_members(meeting.body, on, INVITED_ROLES)
            if not m.person.email
        }
    )
    stuck = sum(
        1
        for mail in latest.values()
        if mail.status == "queued" and now - mail.created_at > STUCK_AFTER
    )
    return MailReport(lines, without, stuck)
