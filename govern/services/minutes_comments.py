"""Draft minutes for comments (merknader): sent to the members with a deadline, commented per
case in the browser, dealt with by the secretariat, then sent in their final version.

"Send referatet til medlemmene" sends the draft (minutes_locking.send_minutes: the members
may read it, and where the body's rule says so the previous minutes are approved) and here
records the sending with its deadline and queues an e-mail to every member and vara with an
address: a link to the comment page and the deadline. Until the deadline a member comments
on a case or on the minutes as a whole. The secretariat sees the comments beside each case
in the minutes editor and on the comment page, takes each in (tatt inn) or answers it
(besvart), and sends the final version (a second sending, and an e-mail). The comments are
kept with the sending they were made on. E-mails are queued with the change and sent after
the commit, like every other mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from govern import policy
from govern.i18n import gettext as _
from govern.i18n import ngettext, use_language
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.models.minutes import MinutesComment, MinutesSending
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.invitations import invitees
from govern.services.mail import queue_mail
from govern.services.minutes import ensure_minutes_open
from govern.services.minutes_locking import send_minutes
from govern.timeutil import long_date

#: The deadline the send form starts from, in days after today.
DEFAULT_DAYS = 7
#: The latest deadline allowed, in days after today.
MAX_DAYS = 90
MAX_TEXT = 4000


@dataclass
class Sent:
    """What sending the draft did: the sending, and the earlier minutes it approved."""

    sending: MinutesSending
    approved: list[Meeting]
    mails: int


def default_deadline(today: date) -> date:
    return today + timedelta(days=DEFAULT_DAYS)


def comment_url(meeting: Meeting, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/meetings/{meeting.id}/referat/merknader"


def check_deadline(deadline: date | None, today: date) -> date:
    if deadline is None:
        raise InvalidInput(_("Skriv fristen for merknader som en dato"), field="deadline")
    if deadline < today:
        raise InvalidInput(_("Fristen for merknader kan ikke være passert"), field="deadline")
    if deadline > today + timedelta(days=MAX_DAYS):
        raise InvalidInput(
            _("Fristen for merknader kan være høyst %(days)s dager frem i tid", days=MAX_DAYS),
            field="deadline",
        )
    return deadline


def latest_sending(meeting: Meeting) -> MinutesSending | None:
    return meeting.minutes_sendings[-1] if meeting.minutes_sendings else None


def open_round(meeting: Meeting, today: date) -> MinutesSending | None:
    """The draft sent for comments whose deadline has not passed, if the minutes are still
    sent (not approved) and the final version is not sent."""
    sending = latest_sending(meeting)
    if sending is None or sending.kind != "merknader" or meeting.minutes_status != "sendt":
        return None
    return sending if sending.deadline is None or today <= sending.deadline else None


def _new_sending(session: Session, meeting: Meeting, user, kind: str, deadline, mails: int):
    sending = MinutesSending(
        number=len(meeting.minutes_sendings) + 1,
        kind=kind,
        user_id=user.id if user is not None and user.is_authenticated else None,
        deadline=deadline,
        recipients=mails,
    )
    meeting.minutes_sendings.append(sending)
    session.flush()
    return sending


def mail_text(meeting: Meeting, name: str, lines: list[str]) -> str:
    """The e-mail to one member: greeting, `lines`, the secretariat's signature (call it in
    the body's document language)."""
    return "\n".join(
        [
            _("Hei %(name)s,", name=name),
            "",
            *lines,
            "",
            _("Hilsen"),
            _("sekretariatet for %(body)s", body=meeting.body.short_name),
            "",
        ]
    )


def _mail_members(session: Session, meeting: Meeting, subject: str, lines: list[str]) -> int:
    """Queue the e-mail to every member and vara (made in the body's document language)."""
    people = invitees(meeting)
    for person in people:
        text = mail_text(meeting, person.name, lines)
        queue_mail(session, person.email, person.name, subject, text, meeting_id=meeting.id)
    return len(people)


def comments_message(meeting: Meeting, deadline: date, base_url: str) -> tuple[str, list[str]]:
    """The subject and lines of the draft's e-mail (call it in the document language)."""
    subject = _("Referat til merknader: %(meeting)s", meeting=meeting.title)
    lines = [
        _("Utkastet til referat fra %(meeting)s er klart.", meeting=meeting.title),
        _("Gi eventuelle merknader per sak innen %(date)s:", date=long_date(deadline)),
        comment_url(meeting, base_url),
        "",
        _("Referatet godkjennes i neste møte."),
    ]
    return subject, lines


def send_for_comments(
    session: Session,
    user: User | None,
    meeting: Meeting,
    deadline: date | None,
    base_url: str,
    *,
    confirmed: bool = False,
    today: date | None = None,
) -> Sent:
    """Send the draft minutes to the members with a deadline for comments, by e-mail."""
    today = today or date.today()
    deadline = check_deadline(deadline, today)
    approved = send_minutes(session, user, meeting, confirmed=confirmed)
    with use_language(meeting.body.document_language):
        subject, lines = comments_message(meeting, deadline, base_url)
        mails = _mail_members(session, meeting, subject, lines)
    sending = _new_sending(session, meeting, user, "merknader", deadline, mails)
    audit.record(
        session,
        user,
        "minutes.send_for_comments",
        meeting,
        f"Referatet fra møte {meeting.number} i {meeting.body.short_name} ble sendt til "
        f"{mails} medlemmer med frist for merknader {long_date(deadline)}",
        body=meeting.body,
    )
    return Sent(sending, approved, mails)


def add_comment(
    session: Session,
    user: User,
    meeting: Meeting,
    treatment_id: int | None,
    text: str,
    *,
    today: date | None = None,
) -> MinutesComment:
    """A member's comment on a case of the draft minutes (or on the whole, treatment None)."""
    today = today or date.today()
    if not policy.can(user, "comment_minutes", meeting) or user.person is None:
        raise InvalidInput(_("Bare medlemmene kan gi merknader til referatet"), field="text")
    sending = open_round(meeting, today)
    if sending is None:
        raise Conflict(_("Referatet er ikke åpent for merknader nå"), field="text")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Skriv merknaden"), field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("Merknaden kan ha høyst %(max)s tegn", max=MAX_TEXT), field="text")
    treatment = None
    if treatment_id:
        treatment = session.get(Treatment, treatment_id)
        if treatment is None or treatment.meeting_id != meeting.id:
            raise NotFound(_("Saken finnes ikke i dette møtet"), field="text")
    comment = MinutesComment(
        sending=sending, treatment=treatment, person=user.person, text=text, status="ny"
    )
    session.add(comment)
    session.flush()
    where = f"sak {treatment.number}" if treatment else "referatet som helhet"
    audit.record(
        session,
        user,
        "minutes.comment",
        meeting,
        f"{user.person.name} ga merknad til {where} i referatet fra møte {meeting.number}",
        body=meeting.body,
    )
    return comment


def answer_comment(
    session: Session, user: User | None, comment: MinutesComment, status: str, answer: str
) -> MinutesComment:
    """The secretariat takes a comment into the minutes or answers it."""
    meeting = comment.sending.meeting
    ensure_minutes_open(meeting, field="answer")
    if status not in ("tatt inn", "besvart"):
        raise InvalidInput(_("Velg om merknaden er tatt inn eller besvart"), field="status")
    answer = (answer or "").strip()
    if status == "besvart" and not answer:
        raise InvalidInput(_("Skriv svaret til medlemmet"), field="answer")
    if len(answer) > MAX_TEXT:
        raise InvalidInput(_("Svaret kan ha høyst %(max)s tegn", max=MAX_TEXT), field="answer")
    changes = audit.diff(comment, {"status": status, "answer": answer})
    comment.answered_at = utcnow()
    comment.answered_by_id = user.id if user is not None and user.is_authenticated else None
    session.flush()
    audit.record(
        session,
        user,
        "minutes.comment_answer",
        meeting,
        f"Merknaden fra {comment.person.name} til referatet fra møte {meeting.number} ble {status}",
        body=meeting.body,
        changes=changes,
    )
    return comment


def send_final(session: Session, user: User | None, meeting: Meeting, base_url: str) -> Sent:
    """Send the final version of the minutes once every comment is dealt with."""
    sending = latest_sending(meeting)
    if meeting.minutes_status != "sendt" or sending is None:
        raise Conflict(_("Referatet er ikke sendt til merknader"), field="minutes_status")
    if sending.kind == "endelig":
        raise Conflict(_("Den endelige versjonen er allerede sendt"), field="minutes_status")
    waiting = waiting_comments(meeting)
    if waiting:
        raise Conflict(
            ngettext(
                "%(num)s merknad er ikke behandlet ennå; ta dem inn eller svar på dem først",
                "%(num)s merknader er ikke behandlet ennå; ta dem inn eller svar på dem først",
                len(waiting),
            ),
            field="minutes_status",
        )
    with use_language(meeting.body.document_language):
        subject, lines = final_message(meeting, base_url)
        mails = _mail_members(session, meeting, subject, lines)
    final = _new_sending(session, meeting, user, "endelig", None, mails)
    audit.record(
        session,
        user,
        "minutes.send_final",
        meeting,
        f"Den endelige versjonen av referatet fra møte {meeting.number} i "
        f"{meeting.body.short_name} ble sendt til {mails} medlemmer",
        body=meeting.body,
    )
    return Sent(final, [], mails)


def waiting_comments(meeting: Meeting) -> list[MinutesComment]:
    """The comments on the latest sending not yet taken in or answered."""
    sending = latest_sending(meeting)
    return [c for c in sending.comments if c.status == "ny"] if sending else []


def final_message(meeting: Meeting, base_url: str) -> tuple[str, list[str]]:
    """The subject and lines of the final version's e-mail (call it in the document
    language)."""
    sending = latest_sending(meeting)
    url = base_url.rstrip("/") + f"/meetings/{meeting.id}"
    taken = sum(c.status == "tatt inn" for c in sending.comments) if sending else 0
    subject = _("Endelig referat: %(meeting)s", meeting=meeting.title)
    ready = (
        ngettext(
            "Den endelige versjonen av referatet fra %(meeting)s er klar; "
            "%(num)s merknad er tatt inn.",
            "Den endelige versjonen av referatet fra %(meeting)s er klar; "
            "%(num)s merknader er tatt inn.",
            taken,
            meeting=meeting.title,
        )
        if taken
        else _(
            "Den endelige versjonen av referatet fra %(meeting)s er klar.",
            meeting=meeting.title,
        )
    )
    lines = [
        ready,
        _("Referatet: %(link)s", link=url + "/referat.docx"),
        _("Møtesiden: %(link)s", link=url),
        "",
        _("Referatet godkjennes i neste møte."),
    ]
    return subject, lines


def comments_of(session: Session, meeting: Meeting) -> list[MinutesComment]:
    """Every comment on the meeting's minutes, oldest first, with who made it."""
    return list(
        session.scalars(
            select(MinutesComment)
            .join(MinutesSending, MinutesComment.sending_id == MinutesSending.id)
            .where(MinutesSending.meeting_id == meeting.id)
            .options(joinedload(MinutesComment.person), joinedload(MinutesComment.sending))
            .order_by(MinutesComment.id)
        )
    )


def comments_on(session: Session, treatment: Treatment) -> list[MinutesComment]:
    """The comments on one case of the minutes, oldest first (the minutes editor's side)."""
    return list(
        session.scalars(
            select(MinutesComment)
            .where(MinutesComment.treatment_id == treatment.id)
            .options(joinedload(MinutesComment.person))
            .order_by(MinutesComment.id)
        )
    )
