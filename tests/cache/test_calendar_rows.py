"""A feed after a write: each meeting's events are reused only while nothing they show changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from govern import queries
from govern.cache import calendar_rows
from govern.exports.calendar import event_bytes
from govern.models import AgendaItem, Body, Case, Meeting, MeetingDay
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.exports.test_calendar import events, parse

FEED = "/bodies/fagradet/calendar.ics"


@pytest.fixture
def feed(client, session):
    body = make_body()
    first = make_meeting(body, date(2026, 5, 6), date(2026, 5, 7))
    add_case(first, "Første sak")
    make_meeting(body, date(2026, 6, 3))
    session.commit()
    client.get(FEED)  # every meeting's events are now kept
    return body, first


def bulk(session, stmt) -> None:
    """A change written with UPDATE, as a script or another process might."""
    session.execute(stmt)
    session.commit()


def only_event_differs(client, before: bytes) -> bytes:
    after = client.get(FEED).data
    assert after != before
    assert len(events(parse(after))) == 3
    return after


def test_every_input_of_the_events_changes_the_feed(client, session, feed):
    body, meeting = feed
    text = client.get(FEED).data
    case_item = next(i for i in meeting.items if i.treatment is not None)
    bulk(session, update(Case).values(title="Ny sakstittel"))
    text = only_event_differs(client, text)
    assert "Ny sakstittel" in text.decode()
    session.add(
        AgendaItem(
            meeting=meeting, day=meeting.days[1], position=9, kind="break", title="Lunsj og prat"
        )
    )
    session.commit()
    text = only_event_differs(client, text)
    assert "Lunsj og prat" in text.decode().replace("\r\n ", "")
    bulk(session, update(AgendaItem).where(AgendaItem.id != case_item.id).values(title="Pause"))
    text = only_event_differs(client, text)
    day = meeting.days[0]
    later = day.starts_at + timedelta(hours=1)
    bulk(session, update(MeetingDay).where(MeetingDay.id == day.id).values(starts_at=later))
    text = only_event_differs(client, text)
    assert "T110000" in text.decode()
    meeting.location = "Bergen sentrum"
    session.commit()
    text = only_event_differs(client, text)
    assert "Bergen sentrum" in text.decode()
    bulk(session, update(Body).values(short_name="Nyrådet"))
    text = only_event_differs(client, text)
    assert "Møte i Nyrådet" in text.decode()
    secretary = make_person("Siri Sekretær", email="siri@example.no")
    add_membership(session, body, secretary, MembershipInput("sekretariat"))
    session.commit()
    text = only_event_differs(client, text)
    assert "mailto:siri@example.no" in text.decode()
    bulk(session, update(type(secretary)).values(email="ny@example.no"))
    text = only_event_differs(client, text)
    assert "mailto:ny@example.no" in text.decode()


def test_unchanged_meetings_keep_their_bytes(client, session, feed):
    _, meeting = feed
    before = client.get(FEED).data
    meeting.location = "Et annet sted"
    session.commit()
    changed = client.get(FEED).data
    june = before.split(b"BEGIN:VEVENT")[-1]
    assert june in changed  # the other meeting's event: the same bytes
    assert b"Et annet sted" in changed


def test_uncached_and_cached_files_are_the_same(app, client, session, feed):
    cached = client.get(FEED).data
    app.config["PAGE_CACHE_SIZE"] = 0
    assert client.get(FEED).data == cached


def test_events_from_calendar_rows_equal_events_from_full_objects(app, session, demo):
    """The calendar rows leave out columns the events do not show: built from them, every
    demo meeting's events are the same bytes as built from the fully loaded meeting."""

    # What the demo lacks: a cancelled meeting with a sequence, and an ended secretariat
    # membership listed before an active one (it must not be the organizer).
    first = session.scalars(select(Meeting).order_by(Meeting.id)).first()
    first.status, first.sequence = "avlyst", 3
    secretariat = sorted(
        (m for m in first.body.memberships if m.role == "sekretariat"), key=lambda m: m.id
    )
    secretariat[0].ends_on = date(2020, 1, 1)
    session.commit()
    sources = calendar_rows.calendar_sources(session, Meeting.id > 0)
    assert len(sources) >= 5
    for source in sources:
        full = queries.meeting_full(session, source.meeting_id)
        expected = event_bytes(full, "https://govern.example.no")
        snapshot = calendar_rows.calendar_snapshot(source)
        assert event_bytes(snapshot, "https://govern.example.no") == expected


def test_fingerprints_change_with_the_rows_and_only_then(session, feed):

    body, meeting = feed
    before = calendar_rows.fingerprints(session, Meeting.body_id == body.id)
    assert [p.meeting_id for p in before] == [m.id for m in body.meetings]
    assert calendar_rows.fingerprints(session, Meeting.body_id == body.id) == before
    bulk(session, update(Case).values(title="Endret tittel"))
    after = calendar_rows.fingerprints(session, Meeting.body_id == body.id)
    assert after[0].digest != before[0].digest  # the meeting with the case
    assert after[1].digest == before[1].digest  # the other one
