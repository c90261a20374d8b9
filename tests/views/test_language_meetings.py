"""The meeting pages (the meeting, its agenda, its attachments, the body's page) in the reader's
language: bokmål by default, nynorsk and English from the browser's Accept-Language."""

from __future__ import annotations

import pytest

from govern.services.accounts import DEMO_PASSWORD
from tests.views.test_pages import meeting_id, text_of

NN = {"Accept-Language": "nn-NO,nn;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


@pytest.fixture
def secretariat(client, session, demo_with_accounts):
    response = client.post(
        "/login", data={"email": "sekretariat@example.no", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    return meeting_id(session, "fagradet", "1/26")


def test_the_meeting_page_in_nynorsk_and_english(client, secretariat):
    page = text_of(client.get(f"/meetings/{secretariat}", headers=NN))
    assert "Møte i Fagrådet 1/26" in page
    assert "Innspel:" in page and "Innspill:" not in page
    assert "Alle sakspapira" in page and "Medlemer" in page
    assert "Offentleg og intern versjon" in page

    page = text_of(client.get(f"/meetings/{secretariat}", headers=EN))
    assert "Fagrådet meeting 1/26" in page
    assert "Decision:" in page and "Vedtak:" not in page
    assert "All meeting papers" in page and "Add to calendar" in page
    assert "Agenda" in page and "Case type" in page and "Venue" in page
    assert "There was no other business." in page

    # Bokmål stays the default.
    page = text_of(client.get(f"/meetings/{secretariat}"))
    assert "Vedtak:" in page and "Alle sakspapirer" in page


def test_the_agenda_page_in_nynorsk_and_english(client, secretariat):
    page = text_of(client.get(f"/meetings/{secretariat}/agenda", headers=NN))
    assert "Legg til på dagsordenen" in page
    assert "Nye punkt blir lagde sist på valt dag" in page
    assert "Sak som er registrert frå før" in page

    page = text_of(client.get(f"/meetings/{secretariat}/agenda", headers=EN))
    assert "Add to the agenda" in page and "Move down" in page
    assert "A case already registered" in page and "Add break" in page
    assert "Legg til" not in page


def test_the_attachments_page_in_nynorsk_and_english(client, secretariat):
    page = text_of(client.get(f"/meetings/{secretariat}/attachments", headers=NN))
    assert "Nytt vedlegg" in page and "Legg til vedlegg" in page
    assert "blir laga av govern" in page

    page = text_of(client.get(f"/meetings/{secretariat}/attachments", headers=EN))
    assert "Attachments – Fagrådet meeting 1/26" in page
    assert "New attachment" in page and "Add attachment" in page
    assert "The meeting has no attachments yet." in page and "Nytt vedlegg" not in page


def test_the_body_page_in_nynorsk_and_english(client, secretariat):
    page = text_of(client.get("/bodies/fagradet", headers=NN))
    assert "Medlemer" in page and "Planlegg møte" in page and "Møte 1/26" in page
    page = text_of(client.get("/bodies/fagradet", headers=EN))
    assert "Members" in page and "Plan meeting" in page and "Meeting 1/26" in page
    assert "Annual cycle" in page
