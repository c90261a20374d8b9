"""Searching a number users quote ("12/26", "sak 12/26", "Fagrådet 12/26", "møte 2/26")
finds the case or meeting first, among what the reader may see."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import between, login, make_user
from tests.views.test_pages import text_of


@pytest.fixture
def world(session):
    fagradet = make_body()
    nuit = make_body("nuit", "NUIT")
    first = make_meeting(fagradet, date(2026, 1, 21))
    for title in ("Første", "Andre"):
        add_case(first, title)
    second = make_meeting(fagradet, date(2026, 4, 29))
    add_case(second, "Kjernejournal – retning", summary="Om sak 12 av 26 i et annet system.")
    add_case(make_meeting(nuit, date(2026, 2, 3)), "NUITs egen sak")
    add_case(make_meeting(nuit, date(2026, 3, 3)), "NUITs andre")
    add_case(make_meeting(nuit, date(2026, 5, 3)), "NUITs tredje")
    draft = make_meeting(fagradet, date(2026, 9, 9), status="planlagt")
    add_case(draft, "Utkast som ikke er publisert")
    session.commit()
    return {"second": second, "draft": draft}


def _direct(page: str, q: str) -> str:
    return between(page, f"Nummeret «{q}»", "treff" if "treff" in page else None)


def test_a_case_number_finds_the_case_in_every_body_first(client, world):
    page = text_of(client.get("/sok", query_string={"q": "3/26"}))
    direct = _direct(page, "3/26")
    assert "Sak 3/26 Kjernejournal – retning Fagrådet · møte 2/26" in direct
    assert "Sak 3/26 NUITs tredje NUIT · møte 3/26" in direct
    assert "Møte 3/26 i NUIT" in direct  # the meeting with that number too
    assert page.index("Sak 3/26 Kjernejournal") < page.index("Ingen andre treff i tekstene.")


@pytest.mark.parametrize("q", ["sak 3/26", "Fagrådet 3/26", "fagrådet sak 3 / 26", "Sak 3/26"])
def test_sak_and_a_body_narrow_it_down(client, world, q):
    page = text_of(client.get("/sok", query_string={"q": q}))
    direct = _direct(page, q)
    assert "Sak 3/26 Kjernejournal – retning" in direct
    assert ("NUITs tredje" in direct) == (not q.lower().startswith("fagrådet"))
    assert "Møte 3/26" not in direct


@pytest.mark.parametrize("q", ["møte 2/26", "Fagrådet møte 2/26"])
def test_a_meeting_number_finds_the_meeting(client, world, q):
    page = text_of(client.get("/sok", query_string={"q": q}))
    direct = _direct(page, q)
    assert "Møte 2/26 i Fagrådet 29. april 2026 · innkalt" in direct
    assert ("Møte 2/26 i NUIT" in direct) == (q == "møte 2/26")
    assert "Sak 2/26" not in direct
    html = client.get("/sok", query_string={"q": q}).get_data(as_text=True)
    assert f'href="/meetings/{world["second"].id}"' in html


def test_what_the_reader_may_not_see_is_not_found_by_number(client, session, world):
    page = text_of(client.get("/sok", query_string={"q": "5/26"}))
    assert "Utkast som ikke er publisert" not in page and "Møte 3/26 i Fagrådet" not in page
    make_user(
        session, "Siri Sekretær", "siri@example.no", body=world["draft"].body, role="sekretariat"
    )
    login(client, "siri@example.no")
    page = text_of(client.get("/sok", query_string={"q": "Fagrådet 4/26"}))
    assert "Sak 4/26 Utkast som ikke er publisert" in page


def test_words_that_are_not_a_body_are_searched_as_text(client, world):
    page = text_of(client.get("/sok", query_string={"q": "Kjernejournal 3/26"}))
    assert "Nummeret" not in page
