"""A feed after a write: each meeting's events are reused only while nothing they show changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from govern.models import AgendaItem, Body, Case, MeetingDay
from govern.services.bodies import MembershipInput, add_membership
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
