"""The search page (/sok): results, highlighting, bad queries, drafts and filters."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of


@pytest.fixture
def body(session):
    body = make_body()
    meeting = make_meeting(body, date(2026, 3, 4))
    add_case(meeting, "Ny journalløsning", summary="Journalen skal <b>deles</b> på tvers.")
    draft = make_meeting(body, date(2026, 9, 9), status="planlagt")
    add_case(draft, "Utkast om journal")
    session.commit()
    return body


def test_results_are_listed_with_highlighted_snippets(client, body):
    response = client.get("/sok?q=journalen")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<mark>Journalen</mark> skal &lt;b&gt;deles&lt;/b&gt; på tvers." in html
    page = text_of(response)
    assert "1 treff." in page
    assert "Sak 1/26 · Fagrådet · møte 1/26 · 04.03.2026 · Drøfting" in page
    assert "Utkast om journal" not in page


def test_the_secretariat_finds_its_drafts(app, client, session, body):
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    login(client, "siri@example.no")
    page = text_of(client.get("/sok?q=journal"))
    assert "2 treff." in page and "Utkast om journal" in page


def test_empty_query_shows_only_the_form(client, body):
    page = text_of(client.get("/sok"))
    assert "Søk i saker, toppnotater, innspill og vedtak" in page
    assert "treff" not in page


@pytest.mark.parametrize("q", ['"', "*", "-", "OR", "(", "- OR *"])
def test_queries_without_words_get_a_message(client, body, q):
    response = client.get("/sok", query_string={"q": q})
    assert response.status_code == 400
    page = text_of(response)
    assert "Skriv minst ett ord å søke etter." in page
    assert f'value="{q}"' in response.get_data(as_text=True).replace("&#34;", '"')


@pytest.mark.parametrize("q", ["'; drop table cases; --", "journal" * 300, "a" * 2000])
def test_odd_queries_never_fail(client, body, q):
    response = client.get("/sok", query_string={"q": q})
    assert response.status_code == 200
    assert "treff" in text_of(response)


def test_filters_and_pages_keep_the_query(client, session, body):
    meeting = make_meeting(body, date(2025, 5, 5))
    for n in range(25):
        add_case(meeting, f"Journal nummer {n}", sakstype="Orientering")
    session.commit()
    page = text_of(client.get("/sok?q=journal&ar=2025"))
    assert "25 treff, side 1 av 2." in page
    html = client.get("/sok?q=journal&ar=2025").get_data(as_text=True)
    assert "/sok?side=2&amp;q=journal&amp;ar=2025" in html
    second = text_of(client.get("/sok?q=journal&ar=2025&side=2"))
    assert "25 treff, side 2 av 2." in second and second.count("· Orientering") == 5
    assert "1 treff." in text_of(client.get("/sok?q=journal&sakstype=Dr%C3%B8fting"))
    assert "Ingen treff" in text_of(client.get("/sok?q=journal&organ=nuit"))
