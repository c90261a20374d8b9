"""Calendar files: parsed back with icalendar and vobject, times in Europe/Oslo, text exact."""

from __future__ import annotations

from datetime import UTC, date, time
from types import SimpleNamespace

import icalendar
import pytest
import vobject
from sqlalchemy import select

from govern import queries
from govern.exports.calendar import build_feed, build_itip, build_meeting_ics, meeting_events
from govern.models import Body, Meeting
from tests.conftest import add_case, make_body, make_meeting, make_person

BASE = "https://govern.example.no"


def parse(content: bytes) -> icalendar.Calendar:
    """Parse with both icalendar and vobject (validating); return icalendar's reading."""
    text = content.decode("utf-8")
    vobject.readOne(text, validate=True)
    return icalendar.Calendar.from_ical(content)


def events(cal: icalendar.Calendar) -> list[icalendar.Event]:
    return [c for c in cal.walk("VEVENT")]


def check_lines(content: bytes) -> None:
    """CRLF line ends and no line longer than 75 octets (RFC 5545 3.1)."""
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    assert b"\r" not in content.replace(b"\r\n", b"")
    for line in content.split(b"\r\n"):
        assert len(line) <= 75, line


@pytest.fixture
def demo_meeting(session, demo):
    fagradet = session.scalar(select(Body).where(Body.slug == "fagradet"))
    meeting = session.scalar(
        select(Meeting).where(Meeting.body_id == fagradet.id, Meeting.seq == 2)
    )
    return queries.meeting_full(session, meeting.id)


def test_demo_meeting_has_one_event_per_day_in_oslo_time(demo_meeting):
    content = build_meeting_ics(demo_meeting, BASE)
    check_lines(content)
    cal = parse(content)
    assert cal["METHOD"] == "PUBLISH"
    assert str(cal["VERSION"]) == "2.0"
    assert [c.name for c in cal.subcomponents][0] == "VTIMEZONE"
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Oslo"
    first, second = events(cal)
    assert first["SUMMARY"] == "Møte i Fagrådet 2/26 – dag 1/2"
    assert second["SUMMARY"] == "Møte i Fagrådet 2/26 – dag 2/2"
    for event, start, end in ((first, time(10), time(16)), (second, time(8), time(14, 30))):
        assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
        assert event.decoded("DTSTART").time() == start
        assert event.decoded("DTEND").time() == end
        assert str(event.decoded("DTSTART").tzinfo) == "Europe/Oslo"
        assert event["STATUS"] == "CONFIRMED"
        assert event["URL"] == f"{BASE}/meetings/{demo_meeting.id}"
        assert event["DESCRIPTION"].endswith(f"{BASE}/meetings/{demo_meeting.id}")
        assert event["ORGANIZER"].params["CN"]
        assert str(event["ORGANIZER"]).startswith("mailto:")
    assert first.decoded("DTSTART").date() == date(2026, 4, 29)
    assert second.decoded("DTSTART").date() == date(2026, 4, 30)
    assert {str(e["UID"]) for e in (first, second)} == {d.uid for d in demo_meeting.days}
    # The day's agenda: case numbers and titles.
    numbered = [r for r in demo_meeting.items if r.treatment is not None]
    assert numbered
    item = numbered[0]
    day_event = first if item.day_id == demo_meeting.days[0].id else second
    assert f"{item.treatment.number} {item.display_title}" in day_event["DESCRIPTION"]


def test_same_data_gives_the_same_bytes(demo_meeting):
    assert build_meeting_ics(demo_meeting, BASE) == build_meeting_ics(demo_meeting, BASE)


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_meeting_on_a_summer_time_change_keeps_the_typed_time(session, day):
    meeting = make_meeting(make_body(), day, start=time(9), end=time(15, 30))
    session.commit()
    cal = parse(build_meeting_ics(meeting, BASE))
    (event,) = events(cal)
    assert "DTSTART;TZID=Europe/Oslo:" + day.strftime("%Y%m%d") + "T090000" in (
        event.to_ical().decode()
    )
    assert event.decoded("DTSTART").time() == time(9)
    assert event.decoded("DTEND").time() == time(15, 30)
    assert event["SUMMARY"] == meeting.title  # one day: no "dag 1/1"
    # The file's own VTIMEZONE (read by vobject) gives the same moment as the database.
    vevent = vobject.readOne(build_meeting_ics(meeting, BASE).decode()).vevent
    assert vevent.dtstart.value.astimezone(UTC) == meeting.days[0].starts_at
    assert vevent.dtend.value.astimezone(UTC) == meeting.days[0].ends_at


TRICKY = "Plan, budsjett; sti C:\\data\\\nNy linje: ÆØÅ æøå – «sitat»\r\nATTENDEE:mailto:x"


def test_user_text_comes_back_exactly_and_adds_no_property(session):
    body = make_body()
    secretary = make_person("Kari Nordmann; «sekretær», Oslo\\Bergen", email="kari@example.no")
    from govern.services import memberships

    memberships.add_membership(session, body, secretary, memberships.MembershipInput("sekretariat"))
    meeting = make_meeting(body, date(2026, 5, 6), location=TRICKY)
    add_case(meeting, TRICKY)
    session.commit()
    content = build_meeting_ics(meeting, BASE)
    check_lines(content)
    cal = parse(content)
    (event,) = events(cal)
    expected = TRICKY.replace("\r\n", "\n")
    assert event["LOCATION"] == expected
    assert expected in event["DESCRIPTION"]
    assert event["ORGANIZER"].params["CN"] == secretary.name
    assert str(event["ORGANIZER"]) == "mailto:kari@example.no"
    assert "ATTENDEE" not in event
    assert b"\r\nATTENDEE" not in content
    vevent = vobject.readOne(content.decode()).vevent
    assert vevent.location.value == expected


def test_uids_stay_and_sequence_is_carried(session):
    meeting = make_meeting(make_body(), date(2026, 5, 6), date(2026, 5, 7))
    session.commit()
    before = [str(e["UID"]) for e in meeting_events(meeting, BASE)]
    meeting.location = "Et annet sted"
    meeting.sequence = 3
    session.commit()
    after = meeting_events(meeting, BASE)
    assert [str(e["UID"]) for e in after] == before
    assert {e["SEQUENCE"] for e in after} == {3}


def test_cancelled_meeting_is_cancelled(session):
    meeting = make_meeting(make_body(), date(2026, 5, 6), status="avlyst")
    session.commit()
    (event,) = events(parse(build_meeting_ics(meeting, BASE)))
    assert event["STATUS"] == "CANCELLED"


def test_feed_has_name_refresh_and_every_day(session):
    body = make_body()
    first = make_meeting(body, date(2026, 5, 6), date(2026, 5, 7))
    second = make_meeting(body, date(2026, 6, 3))
    session.commit()
    content = build_feed([first, second], "Fagrådet – møter", BASE)
    check_lines(content)
    cal = parse(content)
    assert cal["X-WR-CALNAME"] == "Fagrådet – møter"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in content.decode()
    assert "X-PUBLISHED-TTL:PT1H" in content.decode()
    assert len(events(cal)) == 3
    assert len(cal.walk("VTIMEZONE")) == 1


def test_empty_feed_is_valid(session):
    cal = parse(build_feed([], "Ingen møter", BASE))
    assert events(cal) == []


def test_itip_request_and_cancel(session):
    meeting = make_meeting(make_body(), date(2026, 5, 6), date(2026, 5, 7))
    session.commit()
    member = SimpleNamespace(name="Ola Nordmann, Bergen", email="ola@example.no")
    cal = parse(build_itip(meeting, "REQUEST", member, BASE))
    assert cal["METHOD"] == "REQUEST"
    for event in events(cal):
        attendee = event["ATTENDEE"]
        assert str(attendee) == "mailto:ola@example.no"
        assert attendee.params["CN"] == "Ola Nordmann, Bergen"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
    cancel = parse(build_itip(meeting, "CANCEL", member, BASE))
    assert cancel["METHOD"] == "CANCEL"
    assert [e["STATUS"] for e in events(cancel)] == ["CANCELLED", "CANCELLED"]
    assert [str(e["UID"]) for e in events(cancel)] == [d.uid for d in meeting.days]
    removed = parse(build_itip(meeting, "CANCEL", member, BASE, cancelled_uids=["gone@x"]))
    (event,) = events(removed)
    assert str(event["UID"]) == "gone@x"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["ATTENDEE"]) == "mailto:ola@example.no"
