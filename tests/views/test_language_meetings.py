"""The meeting pages (the meeting, its agenda, its attachments, the body's page) in the reader's
language: bokmål by default, nynorsk and English from the browser's Accept-Language; the
e-mails and the texts written into the documents in the body's document language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govern.services.accounts import DEMO_PASSWORD
from tests.conftest import make_body, make_meeting
from tests.mail_messages import arrived
from tests.views.test_body_admin import login, make_user
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


# -- messages, refusals and e-mails -------------------------------------------------------


def _nynorsk_body_with_member(session):
    body = make_body(document_language="nn")
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    make_user(session, "Kari Medlem", "kari@example.no", body=body, role="medlem")
    return body


def test_the_innkalling_e_mail_is_in_the_bodys_document_language(app, client, session, smtp_server):
    body = _nynorsk_body_with_member(session)
    meeting = make_meeting(body, date.today() + timedelta(days=30), status="planlagt")
    session.commit()
    login(client, "siri@example.no")
    # The secretariat reads govern in English; the e-mail follows the body (nynorsk).
    response = client.post(
        f"/meetings/{meeting.id}/status",
        data={"status": "innkalt", "version": meeting.version},
        headers=EN,
    )
    page = text_of(client.get(response.location, headers=EN))
    assert "now has the status “notice sent”" in page
    assert "An e-mail with a calendar invitation goes to 1 person." in page
    [(to, subject, text, method, calendar)] = arrived(app, session, smtp_server)
    assert to == "kari@example.no" and method == "REQUEST"
    assert subject.startswith("Innkalling: Møte i Fagrådet")
    assert "Du er kalla inn til Møte i Fagrådet" in text
    assert "Dagsorden og sakspapir:" in text and "Helsing" in text
    assert "Du er innkalt" not in text and "Hilsen" not in text


def test_the_godkjenning_item_is_written_in_the_bodys_document_language(client, session):
    body = _nynorsk_body_with_member(session)
    session.commit()
    login(client, "siri@example.no")
    response = client.post(
        "/bodies/fagradet/meetings/new",
        data={
            "location": "Oslo",
            "status": "planlagt",
            "days-0-date": "2026-10-14",
            "days-0-start": "10:00",
            "days-0-end": "16:00",
        },
        headers=EN,
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location, headers=EN))
    assert "has been planned. Build the agenda below." in page
    assert "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet frå" in page
    assert body.document_language == "nn"


def test_refusals_on_the_agenda_and_attachments_pages_in_english(client, secretariat):
    meeting = secretariat
    response = client.post(
        f"/meetings/{meeting}/agenda/break",
        data={"break-title": "", "break-day": "1"},
        headers=EN,
    )
    page = text_of(response)
    assert response.status_code == 400 and "Write the text" in page
    response = client.post(
        f"/meetings/{meeting}/attachments",
        data={"source": "toppnotat", "title": "", "number": "x!", "treatment_id": "0"},
        headers=EN,
    )
    page = text_of(response)
    assert response.status_code in (400, 409)
    assert "“X!” is not a valid attachment number (write e.g. 6 or 6A)" in page, page


def test_the_preview_before_sending_speaks_english_and_shows_the_nynorsk_e_mail(client, session):
    body = _nynorsk_body_with_member(session)
    meeting = make_meeting(body, date.today() + timedelta(days=30), status="planlagt")
    session.commit()
    login(client, "siri@example.no")
    page = text_of(client.get(f"/meetings/{meeting.id}/send-innkalling", headers=EN))
    assert "Recipients (1)" in page and "Kari Medlem" in page and "(medlem)" not in page
    assert "The meeting has no venue." in page
    assert "Send anyway to 1 person" in page and "(member)" in page
    # The e-mail and the documents' names are in the body's language (nynorsk).
    assert "Innkalling: Møte i Fagrådet" in page and "Du er kalla inn til" in page
    assert "Innkalling og dagsorden – Fagrådet" in page
