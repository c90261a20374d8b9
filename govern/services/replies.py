"""Calendar replies (iTIP METHOD:REPLY, RFC 5546) sent to the organiser's address, read from
an mbox, a Maildir or an IMAP mailbox, and acted on per day as the answer links are
(`flask svar-inn`)."""

from __future__ import annotations

import contextlib
import email
import imaplib
import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import Message
from pathlib import Path

import icalendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.answers import ANSWERS
from govern.models.meetings import MeetingDay
from govern.models.people import Person
from govern.services.errors import GovernError
from govern.services.forfall_answers import answer_by_calendar
from govern.services.stand_ins import MailSettings

#: A vara's stand-in event: the day's UID with "-for-<member id>" (exports.calendar).
_STAND_IN = re.compile(r"^(?P<local>.*)-for-(?P<member>\d+)(?P<domain>@[^@]*)?$")


@dataclass
class ReplyCount:
    """What one run read: answers kept, and calendar parts it could not place."""

    recorded: int = 0
    unknown: int = 0
    problems: list[str] = field(default_factory=list)


def mbox_messages(path: str | Path) -> Iterator[Message]:
    """Every message of an mbox file, or of a Maildir folder."""
    path = Path(path)
    box = mailbox.Maildir(path, create=False) if path.is_dir() else mailbox.mbox(path)
    try:
        yield from box
    finally:
        box.close()


def imap_messages(
    host: str, user: str, password: str, folder: str = "INBOX", *, port: int = 993
) -> Iterator[Message]:
    """Every message of an IMAP folder (over TLS), read without marking it seen."""
    client = imaplib.IMAP4_SSL(host, port)
    try:
        client.login(user, password)
        client.select(folder, readonly=True)
        _status, data = client.search(None, "ALL")
        for number in (data[0] or b"").split():
            _status, parts = client.fetch(number, "(BODY.PEEK[])")
            for part in parts:
                if isinstance(part, tuple):
                    yield email.message_from_bytes(part[1])
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def calendar_parts(message: Message) -> list[bytes]:
    """The text/calendar parts of a message (and .ics attachments)."""
    parts = []
    for part in message.walk():
        name = (part.get_filename() or "").lower()
        if part.get_content_type() == "text/calendar" or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if payload:
                parts.append(payload)
    return parts


def _day_for(session: Session, uid: str) -> tuple[MeetingDay | None, int | None]:
    """The meeting day a UID names, and for a vara's stand-in event the member's id."""
    day = session.scalar(select(MeetingDay).where(MeetingDay.uid == uid))
    if day is None and (match := _STAND_IN.match(uid)):
        base = match["local"] + (match["domain"] or "")
        day = session.scalar(select(MeetingDay).where(MeetingDay.uid == base))
        return day, int(match["member"])
    return day, None


def _person_for(session: Session, address: str) -> Person | None:
    address = address.removeprefix("mailto:").removeprefix("MAILTO:").strip().lower()
    return session.scalar(select(Person).where(func.lower(Person.email) == address).limit(1))


def record_replies(
    session: Session, messages: Iterable[Message], settings: MailSettings, today: date
) -> ReplyCount:
    """Act on the PARTSTAT of every iTIP REPLY among the messages as the answer links do,
    per day (forfall_answers.answer_by_calendar), the latest reply of each person for each
    day counting (by DTSTAMP, then by order). Flushes, the caller commits."""
    count = ReplyCount()
    latest: dict[tuple, dict[int, tuple]] = {}
    for message in messages:
        for data in calendar_parts(message):
            try:
                calendar = icalendar.Calendar.from_ical(data)
            except ValueError as error:
                count.unknown += 1
                count.problems.append(_("Kunne ikke lese kalenderdelen: %(error)s", error=error))
                continue
            if str(calendar.get("method", "")).upper() != "REPLY":
                continue
            for event in calendar.walk("VEVENT"):
                _one(session, event, count, latest)
    for (meeting, person, member_id), days in latest.items():
        by_day = {number: partstat for number, (_stamp, partstat) in days.items()}
        stamps = {number: stamp for number, (stamp, _partstat) in days.items() if stamp}
        try:
            answer_by_calendar(session, meeting, person, by_day, settings, today, member_id, stamps)
        except GovernError as error:
            count.problems.append(f"{person.name}, {meeting.title}: {error.message}")
    return count


def _one(session: Session, event, count: ReplyCount, latest: dict) -> None:
    uid = str(event.get("uid", ""))
    day, member_id = _day_for(session, uid) if uid else (None, None)
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    if day is None or not attendees:
        count.unknown += 1
        count.problems.append(_("Ukjent møtedag: %(uid)s", uid=uid or _("(uten UID)")))
        return
    stamp = event.get("dtstamp")
    stamp = stamp.dt if stamp is not None and isinstance(stamp.dt, datetime) else None
    number = day.meeting.days.index(day) + 1
    for attendee in attendees:
        partstat = str(attendee.params.get("PARTSTAT", "")).upper()
        person = _person_for(session, str(attendee))
        if person is None or partstat not in ANSWERS:
            count.unknown += 1
            count.problems.append(
                _("Ukjent deltaker eller svar: %(who)s %(answer)s", who=attendee, answer=partstat)
            )
            continue
        days = latest.setdefault((day.meeting, person, member_id), {})
        if number not in days or _not_before(stamp, days[number][0]):
            days[number] = (stamp, partstat)
        count.recorded += 1


def _not_before(stamp: datetime | None, other: datetime | None) -> bool:
    """Whether a reply stamped `stamp` comes after (or with) one stamped `other`, the later
    in the mailbox counting when either has no DTSTAMP."""
    if stamp is None or other is None:
        return True
    stamp, other = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (stamp, other))
    return stamp >= other
