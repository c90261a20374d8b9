"""Calendar files (RFC 5545) and invitations (RFC 5546 iTIP) for meetings.

One VEVENT per meeting day: its UID is the day's own (made once, never changed), its
SEQUENCE the meeting's, so a calendar that already holds the event updates it in place.
Times are written as Europe/Oslo wall-clock time with a VTIMEZONE in the file, so the
time the secretariat typed is the time every calendar shows, also on the days summer time
starts or ends. The texts are in the body's document language, whatever the reader's, and
SUMMARY, LOCATION and DESCRIPTION say which with a LANGUAGE parameter (RFC 5545 3.2.10:
nb-NO or nn-NO). Builders are pure: same data, same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache

import icalendar

from govern.exports.ical_fold import component_bytes
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.cases import Treatment
from govern.models.meetings import Meeting, MeetingDay
from govern.openness import is_exempt, public_title
from govern.presentation import agenda_days
from govern.text_rules import export_text, one_line
from govern.timeutil import local

PRODID = "-//govern//Møter i e-helseråd//NO"
#: How often subscribed calendars should fetch a feed again.
REFRESH = "PT1H"


def _text(value: str) -> str:
    """User text with every line break as a plain newline (iCalendar escapes it as \\n) and no
    control characters (iCalendar TEXT cannot hold them).

    A lone CR would otherwise reach the file unescaped and could end a content line.
    """
    return export_text(value)


def _param(value: str) -> str:
    """User text as a parameter value or a name (CN=…, X-WR-CALNAME): on one line."""
    return one_line(export_text(value))


def _language(meeting: Meeting) -> dict[str, str]:
    """The LANGUAGE parameter of the meeting's texts: the body's document language."""
    return {"LANGUAGE": meeting.body.language_tag}


def _meeting_url(meeting: Meeting, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/meetings/{meeting.id}"


def _organizer(meeting: Meeting, mail_from: str | None) -> icalendar.vCalAddress | None:
    """The body's secretariat: the first active sekretariat membership with an e-mail."""
    today = date.today()
    for membership in sorted(meeting.body.memberships, key=lambda m: m.id or 0):
        person = membership.person
        if membership.role == "sekretariat" and membership.active_on(today) and person.email:
            organizer = icalendar.vCalAddress(f"mailto:{person.email}")
            organizer.params["CN"] = _param(person.name)
            return organizer
    sender = sender_address(mail_from)
    return icalendar.vCalAddress(f"mailto:{sender}") if sender else None


def sender_address(mail_from: str | None) -> str | None:
    """The address in a configured sender: "Fagrådet <post@example.no>" → "post@example.no"."""
    if mail_from and "<" in mail_from:
        mail_from = mail_from.rsplit("<", 1)[1].rstrip(">").strip()
    return mail_from or None


def _description(meeting: Meeting, number: int, base_url: str, days=None) -> str:
    lines = []
    days = agenda_days(meeting) if days is None else days
    if number <= len(days):
        for row in days[number - 1].rows:
            lines.append(f"{row.number} {_text(row.title)}" if row.number else _text(row.title))
    if lines:
        lines.append("")
    lines.append(_meeting_url(meeting, base_url))
    return "\n".join(lines)


def _stamp(meeting: Meeting) -> datetime:
    moment = meeting.updated_at or meeting.created_at or datetime(2000, 1, 1, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _event(
    meeting: Meeting,
    day: MeetingDay,
    number: int,
    base_url: str,
    mail_from: str | None,
    cancelled: bool = False,
    agenda: list | None = None,
) -> icalendar.Event:
    """The one place a meeting day becomes a VEVENT."""
    event = icalendar.Event()
    event.add("uid", day.uid)
    event.add("dtstamp", _stamp(meeting))
    event.add("dtstart", local(day.starts_at))
    event.add("dtend", local(day.ends_at))
    with use_language(meeting.body.document_language):
        summary = meeting.title
        if len(meeting.days) > 1:
            summary = _(
                "%(meeting)s – dag %(number)s/%(days)s",
                meeting=summary,
                number=number,
                days=len(meeting.days),
            )
        description = _description(meeting, number, base_url, agenda)
    language = _language(meeting)
    event.add("summary", _text(summary), parameters=language)
    if meeting.location:
        event.add("location", _text(meeting.location), parameters=language)
    event.add("description", description, parameters=language)
    event.add("url", _meeting_url(meeting, base_url))
    organizer = _organizer(meeting, mail_from)
    if organizer is not None:
        event.add("organizer", organizer)
    event.add("sequence", meeting.sequence or 0)
    cancelled = cancelled or meeting.status == "avlyst"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _public_title(treatment: Treatment) -> str:
    """A case item's title in the public version: the public title of an exempt case."""
    case = treatment.case
    return public_title(case) if is_exempt(case) else treatment.display_title


def meeting_events(
    meeting: Meeting, base_url: str, *, mail_from: str | None = None, public: bool = False
) -> list[icalendar.Event]:
    """One VEVENT per meeting day, in day order. The public version (`public`) lists an
    exempt case by its public title (govern.openness); the internal one by its full title."""
    # Once per meeting, not once per day.
    with use_language(meeting.body.document_language):
        agenda = agenda_days(meeting, _public_title if public else None)
    return [
        _event(meeting, day, number, base_url, mail_from, agenda=agenda)
        for number, day in enumerate(meeting.days, 1)
    ]


def _calendar(method: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


#: Europe/Oslo as a rule (EU summer time since 1996) rather than a list of dates, so it is
#: short and holds for every year; the form Outlook and Google Calendar write themselves.
OSLO_VTIMEZONE = """BEGIN:VTIMEZONE\r
TZID:Europe/Oslo\r
BEGIN:DAYLIGHT\r
TZNAME:CEST\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZNAME:CET\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


_TIMEZONE = OSLO_VTIMEZONE.encode("ascii")
_END = b"END:VCALENDAR\r\n"


def _assemble(cal: icalendar.Calendar, events: Iterable[bytes]) -> bytes:
    """The calendar's own lines, then the VTIMEZONE and the serialized events."""
    return component_bytes(cal)[: -len(_END)] + _body(events) + _END


def event_bytes(
    meeting: Meeting, base_url: str, *, mail_from: str | None = None, public: bool = False
) -> bytes:
    """The meeting's VEVENTs as folded content lines: the part of a file one meeting makes
    (the public version with `public`, see meeting_events)."""
    events = meeting_events(meeting, base_url, mail_from=mail_from, public=public)
    return b"".join(component_bytes(event) for event in events)


def calendar_file(events: Iterable[bytes], *, name: str | None = None) -> bytes:
    """A METHOD:PUBLISH file of serialized events; with a name, a feed fetched every hour."""
    return _publish_head(name) + _body(events) + _END


def _body(events: Iterable[bytes]) -> bytes:
    body = b"".join(events)
    # VTIMEZONE first, as many clients expect it before the events that use it.
    return _TIMEZONE + body if body else b""


@lru_cache(maxsize=256)
def _publish_head(name: str | None) -> bytes:
    """The calendar's own lines up to its components (the same for every file of a name)."""
    cal = _calendar("PUBLISH")
    if name is not None:
        cal.add("x-wr-calname", _param(name))  # a name: one line
        cal.add(
            "refresh-interval",
            icalendar.vDuration.from_ical(REFRESH),
            parameters={"VALUE": "DURATION"},
        )
        cal.add("x-published-ttl", REFRESH)
    return component_bytes(cal)[: -len(_END)]


def build_meeting_ics(meeting: Meeting, base_url: str, *, mail_from: str | None = None) -> bytes:
    """The meeting as a calendar file (METHOD:PUBLISH), one event per day."""
    return calendar_file([event_bytes(meeting, base_url, mail_from=mail_from)])


def build_feed(
    meetings: Iterable[Meeting], name: str, base_url: str, *, mail_from: str | None = None
) -> bytes:
    """A subscribable feed of meetings, fetched again every hour."""
    chunks = (event_bytes(meeting, base_url, mail_from=mail_from) for meeting in meetings)
    return calendar_file(chunks, name=name)


def build_itip(
    meeting: Meeting,
    method: str,
    attendee,
    base_url: str,
    cancelled_uids: Sequence[str] | None = None,
    *,
    mail_from: str | None = None,
) -> bytes:
    """An iTIP message (RFC 5546) for one attendee: METHOD:REQUEST or METHOD:CANCEL.

    `attendee` has `.name`, `.email` and optionally `.role` (RFC 5545 ROLE, by default
    REQ-PARTICIPANT). REQUEST carries every day of the meeting, in the public version: an
    invitation travels by e-mail, so an exempt case is named by its public title. CANCEL
    cancels every day, or only the days whose UIDs are in `cancelled_uids` (days removed
    from the meeting: they are no longer in meeting.days, so they are rebuilt from the
    meeting with only UID and status telling them apart).
    """
    method = method.upper()
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    cal = _calendar(method)
    events = []
    if method == "REQUEST":
        events = meeting_events(meeting, base_url, mail_from=mail_from, public=True)
    elif cancelled_uids is None:
        events = [
            _event(meeting, day, number, base_url, mail_from, cancelled=True)
            for number, day in enumerate(meeting.days, 1)
        ]
    else:
        by_uid = {day.uid: (number, day) for number, day in enumerate(meeting.days, 1)}
        for uid in cancelled_uids:
            events.append(_removed_day_event(meeting, uid, by_uid, base_url, mail_from))
    for event in events:
        address = icalendar.vCalAddress(f"mailto:{attendee.email}")
        address.params["CN"] = _param(attendee.name)
        address.params["ROLE"] = getattr(attendee, "role", None) or "REQ-PARTICIPANT"
        if method == "REQUEST":
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
        event.add("attendee", address)
    return _assemble(cal, [component_bytes(event) for event in events])


def _removed_day_event(meeting, uid, by_uid, base_url, mail_from) -> icalendar.Event:
    """A CANCEL event for one day UID (a day still in the meeting, or one removed from it)."""
    if uid in by_uid:
        number, day = by_uid[uid]
        return _event(meeting, day, number, base_url, mail_from, cancelled=True)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(meeting))
    with use_language(meeting.body.document_language):
        summary = meeting.title
    event.add("summary", _text(summary), parameters=_language(meeting))
    organizer = _organizer(meeting, mail_from)
    if organizer is not None:
        event.add("organizer", organizer)
    event.add("sequence", meeting.sequence or 0)
    event.add("status", "CANCELLED")
    return event


def _stand_in_summary(meeting: Meeting, summary: str, member_name: str) -> str:
    """'Møte i Fagrådet 2/26 – stiller for Kari Nordmann', in the body's document language."""
    with use_language(meeting.body.document_language):
        return _text(_("%(summary)s – stiller for %(name)s", summary=summary, name=member_name))


def stand_in_uid(day_uid: str, member_id: int) -> str:
    """The UID of a vara's stand-in event for one day: the day's UID marked with the member
    stood in for, so it never collides with the invitation the vara may already hold."""
    local_part, at, domain = day_uid.rpartition("@")
    if not at:
        return f"{day_uid}-for-{member_id}"
    return f"{local_part}-for-{member_id}@{domain}"


def build_stand_in_itip(
    meeting: Meeting,
    method: str,
    attendee,
    base_url: str,
    *,
    member_id: int,
    member_name: str,
    days: Sequence[int] | None,
    sequence: int,
    mail_from: str | None = None,
) -> bytes:
    """A vara's own invitation (REQUEST) or its withdrawal (CANCEL) to stand in for a member
    on the given day numbers (all days when empty): the days' events with their own UIDs
    (stand_in_uid) and SEQUENCE, "– stiller for <member>" in the summary."""
    method = method.upper()
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    cal = _calendar(method)
    chosen = set(days or range(1, len(meeting.days) + 1))
    language = _language(meeting)
    events = []
    for number, event in enumerate(
        meeting_events(meeting, base_url, mail_from=mail_from, public=True), 1
    ):
        if number not in chosen:
            continue
        uid = str(event.pop("uid"))
        summary = str(event.pop("summary"))
        event.pop("sequence")
        event.add("uid", stand_in_uid(uid, member_id))
        event.add("summary", _stand_in_summary(meeting, summary, member_name), parameters=language)
        event.add("sequence", sequence)
        if method == "CANCEL":
            event.pop("status")
            event.add("status", "CANCELLED")
        address = icalendar.vCalAddress(f"mailto:{attendee.email}")
        address.params["CN"] = _param(attendee.name)
        address.params["ROLE"] = "REQ-PARTICIPANT"
        if method == "REQUEST":
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
        event.add("attendee", address)
        events.append(event)
    return _assemble(cal, [component_bytes(event) for event in events])


def build_stand_in_cancel(
    meeting: Meeting,
    attendee,
    base_url: str,
    day_uids: Sequence[str],
    *,
    member_id: int,
    member_name: str,
    sequence: int,
    mail_from: str | None = None,
) -> bytes:
    """The CANCEL of a vara's stand-in events for the given days (by the days' own UIDs,
    also days already removed from the meeting), e.g. when a day of the forfall is removed."""
    by_uid = {day.uid: (number, day) for number, day in enumerate(meeting.days, 1)}
    language = _language(meeting)
    events = []
    for uid in day_uids:
        event = _removed_day_event(meeting, uid, by_uid, base_url, mail_from)
        summary = str(event.pop("summary"))
        for name in ("uid", "sequence", "status"):
            event.pop(name)
        event.add("uid", stand_in_uid(uid, member_id))
        event.add("summary", _stand_in_summary(meeting, summary, member_name), parameters=language)
        event.add("sequence", sequence)
        event.add("status", "CANCELLED")
        address = icalendar.vCalAddress(f"mailto:{attendee.email}")
        address.params["CN"] = _param(attendee.name)
        address.params["ROLE"] = "REQ-PARTICIPANT"
        event.add("attendee", address)
        events.append(event)
    return _assemble(_calendar("CANCEL"), [component_bytes(event) for event in events])
