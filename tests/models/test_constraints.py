"""Rules kept by the database itself, not only by the services."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from govern.models import AgendaItem, Body, Meeting, MeetingDay, Treatment
from tests.conftest import add_case, make_body, make_meeting


def _fails(session, build):
    """Adding what build() returns must be refused by the database."""
    with pytest.raises(IntegrityError), session.begin_nested():
        with session.no_autoflush:
            objects = build()
            session.add_all(objects if isinstance(objects, tuple) else (objects,))
        session.flush()


def test_case_number_unique_per_body_and_year(session):
    body = make_body()
    meeting = make_meeting(body)
    first = add_case(meeting, "A").treatment
    _fails(
        session,
        lambda: Treatment(case=first.case, body=body, meeting=meeting, year=2026, seq=first.seq),
    )


def test_meeting_number_unique_per_body_and_year(session):
    body = make_body()
    make_meeting(body)
    _fails(session, lambda: Meeting(body=body, year=2026, seq=1))


def test_enumerations_are_checked(session):
    _fails(session, lambda: Body(slug="x", name="X", short_name="X", kind="forening"))
    body = make_body()
    meeting = make_meeting(body)
    case = add_case(meeting, "A").treatment.case
    _fails(session, lambda: Treatment(case=case, body=body, year=2026, seq=99, sakstype="Vedtak"))
    _fails(session, lambda: Meeting(body=body, year=2026, seq=5, status="utsatt"))


def test_day_must_end_after_it_starts(session):
    meeting = make_meeting(make_body())
    moment = datetime(2026, 5, 1, 10, tzinfo=UTC)
    _fails(
        session,
        lambda: MeetingDay(
            meeting=meeting, date=date(2026, 5, 1), starts_at=moment, ends_at=moment
        ),
    )


def test_case_item_needs_a_treatment_and_only_points_have_parents(session):
    meeting = make_meeting(make_body())
    day = meeting.days[0]
    _fails(session, lambda: AgendaItem(meeting=meeting, day=day, position=1, kind="case"))
    parent = add_case(meeting, "A")
    _fails(
        session,
        lambda: AgendaItem(
            meeting=meeting, day=day, position=2, kind="break", title="Lunsj", parent=parent
        ),
    )
