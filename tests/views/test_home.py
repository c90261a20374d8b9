"""The secretariat's front page: its bodies' and the shared cycles' coming deadlines, overdue
ones first and in red; everyone else goes on to the list of bodies."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from govern.services import cycles
from tests.conftest import make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import count_queries, text_of


def _entry(session, cycle, title, kind, **kw):
    return cycles.add_entry(session, cycle, cycles.EntryInput(title=title, when_kind=kind, **kw))


def _yearly(day: date) -> dict:
    return {"month": day.month, "day": day.day}


@pytest.fixture
def world(session):
    # Today as the test runs, not as the module was imported: a run may pass midnight.
    today = date.today()
    body = make_body()
    other = make_body("produktrad", "Produktrådet")
    make_user(session, "Siv Ingebrigtsen", "siv@example.no", body=body, role="sekretariat")
    make_user(session, "Jon Gupta", "jon@example.no", body=body, role="medlem")
    meeting = make_meeting(body, today + timedelta(days=33))
    own = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    _entry(session, own, "Innmelding av saker", "meeting", offset_days=-28, meeting_anchor="each")
    _entry(session, own, "Budsjettinnspill", "date", **_yearly(today - timedelta(days=3)))
    done = _entry(session, own, "Allerede levert", "date", **_yearly(today + timedelta(days=2)))
    cycles.mark_done(session, done, f"y{(today + timedelta(days=2)).year}", None)
    _entry(session, own, "Langt fram", "date", **_yearly(today + timedelta(days=90)))
    shared = cycles.create_cycle(session, cycles.CycleInput("Nasjonal planlegging", "nasjonal"))
    _entry(session, shared, "Leveranseplan", "date", **_yearly(today + timedelta(days=1)))
    theirs = cycles.create_cycle(session, cycles.CycleInput("Produktrådets årshjul"), body=other)
    _entry(session, theirs, "Ikke vårt organ", "date", **_yearly(today + timedelta(days=4)))
    session.commit()
    return {"body": body, "meeting": meeting, "today": today}


def test_secretariat_sees_its_deadlines_overdue_first_in_red(client, world):
    today = world["today"]
    login(client, "siv@example.no")
    response = client.get("/")
    assert response.status_code == 200
    page = text_of(response)
    assert page.count("Forside") >= 2  # title and heading
    number = world["meeting"].number
    overdue = "Budsjettinnspill — forfalt for 3 dager siden"
    tomorrow = "Leveranseplan — i morgen"
    soon = f"Innmelding av saker – møte {number} — om 5 dager"
    for text in (overdue, tomorrow, soon):
        assert text in page
    assert page.index(overdue) < page.index(tomorrow) < page.index(soon)
    assert f"4 uker før møte {number}" in page
    assert "Nasjonal planlegging" in page and "Fagrådet" in page
    # Done, beyond 60 days, and other bodies' deadlines are not listed.
    for absent in ("Allerede levert", "Langt fram", "Ikke vårt organ"):
        assert absent not in page
    html = response.get_data(as_text=True)
    red = re.findall(r'<li class="error">(.*?)</li>', html, flags=re.S)
    assert len(red) == 1 and "Budsjettinnspill" in red[0]
    assert 'href="/bodies/fagradet"' in html
    assert f'href="/bodies/fagradet/arshjul?year={(today - timedelta(days=3)).year}"' in html
    assert f'href="/arshjul/nasjonal?year={(today + timedelta(days=1)).year}"' in html
    assert "produktrad" not in html


def test_member_lands_on_mine_moter_and_visitor_on_the_bodies(client, world):
    assert client.get("/").location.endswith("/bodies")
    login(client, "jon@example.no")
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/mine-moter")


def test_page_queries_do_not_grow_with_meetings(client, world, session):
    login(client, "siv@example.no")
    session.expire_all()
    with count_queries() as few:
        client.get("/")
    for days in (40, 47, 54):
        make_meeting(world["body"], world["today"] + timedelta(days=days))
    session.commit()
    session.expire_all()
    with count_queries() as more:
        page = text_of(client.get("/"))
    assert page.count("Innmelding av saker – møte") == 4
    assert len(more) == len(few)
