"""Scope revisions: a write reaches exactly the pages and feeds that show what it changed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from govern.cache import calendar_rows
from govern.cache.scopes import (
    ALL,
    FEED_TABLES,
    PAGE_TABLES,
    SHARED,
    UNSCOPED_TABLES,
    body_scope,
    person_scope,
    scope_revision,
)
from govern.models import AgendaItem, Attendance, Case, Meeting, Person, TreatmentInput
from govern.models.base import Base
from govern.services import cycles
from govern.services.cycle_rules import CycleInput, EntryInput
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, make_body, make_meeting, make_person


@pytest.fixture
def two_bodies(session):
    ours, theirs = make_body(), make_body("produktrad", "Produktrådet", kind="produktråd")
    meeting = make_meeting(ours, date(2026, 5, 6))
    add_case(meeting, "Vår sak")
    other = make_meeting(theirs, date(2026, 5, 7))
    add_case(other, "Deres sak")
    session.commit()
    return ours, theirs, meeting, other


def revisions(session, ours, theirs) -> tuple[int, int]:
    return (
        scope_revision(session, [body_scope(ours.id)]),
        scope_revision(session, [body_scope(theirs.id)]),
    )


def only_ours_moved(session, ours, theirs, before) -> tuple[int, int]:
    after = revisions(session, ours, theirs)
    assert after[0] > before[0], "a change in our body must reach our scope"
    assert after[1] == before[1], "a change in our body must not reach theirs"
    return after


def test_each_kind_of_change_reaches_its_body_only(session, two_bodies):
    ours, theirs, meeting, _ = two_bodies
    seen = revisions(session, ours, theirs)
    meeting.location = "Bergen"
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    session.add(
        AgendaItem(meeting=meeting, day=meeting.days[0], position=9, kind="break", title="Pause")
    )
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    case = next(i.treatment.case for i in meeting.items if i.treatment is not None)
    case.title = "Ny tittel"
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    ours.short_name = "Rådet"
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    add_membership(session, ours, make_person("Siri Sekretær"), MembershipInput("sekretariat"))
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    cycle = cycles.create_cycle(session, CycleInput("Vårt årshjul"), ours)
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    entry = cycles.add_entry(session, cycle, EntryInput("Frist", "date", month=3, day=1))
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    cycles.mark_done(session, entry, "y2026", None)
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    session.delete(meeting.items[-1])
    session.commit()
    only_ours_moved(session, ours, theirs, seen)


def test_shared_cycles_have_their_own_scope(session, two_bodies):
    ours, theirs, _, _ = two_bodies
    bodies_before = revisions(session, ours, theirs)
    shared_before = scope_revision(session, [SHARED])
    cycles.create_cycle(session, CycleInput("Nasjonalt årshjul"), None)
    session.commit()
    assert scope_revision(session, [SHARED]) > shared_before
    assert revisions(session, ours, theirs) == bodies_before


def test_statements_and_people_reach_every_scope(session, two_bodies):
    ours, theirs, _, _ = two_bodies
    before = revisions(session, ours, theirs)
    session.execute(update(Case).values(title="Alle titler"))
    session.commit()
    after = revisions(session, ours, theirs)
    assert after[0] > before[0] and after[1] > before[1]
    person = make_person("Per Person")
    session.commit()
    before = scope_revision(session, [person_scope(person.id)])
    person.email = "per@example.no"
    session.commit()
    assert scope_revision(session, [person_scope(person.id)]) > before
    assert scope_revision(session, ["body:999999"]) == scope_revision(session, [ALL])


def test_a_rolled_back_change_reaches_no_scope(session, two_bodies):
    ours, theirs, meeting, _ = two_bodies
    before = revisions(session, ours, theirs)
    meeting.location = "Tromsø"
    session.flush()
    session.rollback()
    session.add(Person(name="Uten betydning"))  # a later commit carries no stale scopes
    session.commit()
    after = revisions(session, ours, theirs)
    assert after[1] == before[1]


def test_every_table_of_the_calendar_rows_is_a_feed_table():
    read = {model.__tablename__ for model in calendar_rows._calendar_columns()}
    assert read <= FEED_TABLES
    assert {"cycles", "cycle_entries", "deadline_marks"} <= FEED_TABLES


def test_a_body_feed_is_kept_while_other_bodies_change(client, session, two_bodies, monkeypatch):
    ours, theirs, meeting, other = two_bodies
    url = f"/bodies/{ours.slug}/calendar.ics"
    first = client.get(url).data

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the feed was rebuilt")

    monkeypatch.setattr(calendar_rows, "fingerprints", no_rebuild)
    other.location = "Trondheim"
    session.commit()
    assert client.get(url).data == first  # from the cache: not rebuilt
    monkeypatch.undo()
    session.execute(update(Meeting).where(Meeting.id == meeting.id).values(location="Bodø"))
    session.commit()
    changed = client.get(url).data
    assert b"Bod\xc3\xb8" in changed and changed != first


def test_every_table_is_shown_by_scope_or_named_as_not():
    tables = set(Base.metadata.tables)
    assert FEED_TABLES <= PAGE_TABLES
    assert not PAGE_TABLES & UNSCOPED_TABLES
    assert tables == PAGE_TABLES | UNSCOPED_TABLES


def test_the_meeting_pages_rows_reach_their_body_only(session, two_bodies):
    ours, theirs, meeting, _ = two_bodies
    seen = revisions(session, ours, theirs)
    treatment = next(i.treatment for i in meeting.items if i.treatment is not None)
    session.add(TreatmentInput(treatment=treatment, position=1, text="Et innspill"))
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    person = make_person("Oda Oppmøte")
    session.commit()
    seen = revisions(session, ours, theirs)
    session.add(Attendance(meeting=meeting, person=person, status="present"))
    session.commit()
    seen = only_ours_moved(session, ours, theirs, seen)
    treatment.decision = "Rådet tar saken til orientering."
    session.commit()
    only_ours_moved(session, ours, theirs, seen)
