"""The bodies' pages in nynorsk and English: the årshjul, the decision register, the
secretariat's pages for a body's members and details (the reader's language, bokmål stays
the default)."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from govern.models.people import Person
from govern.services import cycles
from govern.timeutil import MONTH_NAMES
from govern.views import cycles as cycle_views
from tests.conftest import make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

TODAY = date(2026, 3, 10)
NN = {"Accept-Language": "nn-NO,nn;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def fagradet(session, monkeypatch):
    """Fagrådet with two meetings and a cycle: a deadline four weeks before each meeting,
    a fixed date and a quarter."""
    monkeypatch.setattr(cycle_views, "today", lambda: TODAY)
    body = make_body()
    make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
    make_meeting(body, date(2026, 4, 29), date(2026, 4, 30))
    cycle = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    for entry in (
        cycles.EntryInput(
            title="Innmelding av saker",
            when_kind="meeting",
            offset_days=-28,
            meeting_anchor="each",
            responsible="Sekretariatet",
        ),
        cycles.EntryInput(title="Leveranseplan", when_kind="date", month=3, day=15),
        cycles.EntryInput(
            title="Veikart", when_kind="period", period_unit="quarter", period_start=3
        ),
    ):
        cycles.add_entry(session, cycle, entry)
    session.commit()
    return body


def test_the_arshjul_in_english_has_english_months_and_rules(client, fagradet):
    page = text_of(client.get("/bodies/fagradet/arshjul?year=2026", headers=EN))
    for month in MONTH_NAMES["en"]:
        assert month in page
    assert "Annual cycle 2026 – Fagrådet" in page
    assert "Meetings and deadlines in 2026" in page
    assert "Meeting 2/26" in page
    assert "4 weeks before meeting 2/26" in page
    assert "Innmelding av saker – meeting 2/26" in page
    assert "(in 5 days)" in page
    assert "quarter 3" in page
    assert "Download as Word (.docx)" in page
    for bokmal in ("Møter og frister", "uker før", "om 5 dager", "Last ned som Word", "mars"):
        assert bokmal not in page


def test_the_arshjul_in_nynorsk(client, fagradet):
    page = text_of(client.get("/bodies/fagradet/arshjul?year=2026", headers=NN))
    assert "Møte og fristar i 2026" in page
    assert "4 veker før møte 2/26" in page
    assert "(om 5 dagar)" in page
    assert "3. kvartal" in page
    assert "mars" in page and "desember" in page
    assert "Møter og frister" not in page and "uker før" not in page
    # Bokmål is still the default.
    page = text_of(client.get("/bodies/fagradet/arshjul?year=2026"))
    assert "Møter og frister i 2026" in page and "4 uker før møte 2/26" in page


def test_the_register_in_nynorsk_and_english_and_bokmal_after_them(client, fagradet):
    page = text_of(client.get("/vedtak", headers=EN))
    assert "All decisions in the council model you have access to" in page
    assert "All bodies" in page and "Case type" in page and "No follow-up" in page
    assert "0 decisions" in page
    assert "No decisions match the filter." in page
    page = text_of(client.get("/vedtak", headers=NN))
    assert "Alle organ" in page and "Utan oppfølging" in page
    assert "Ingen vedtak passar med filteret." in page
    # The page kept for each language is not served in another.
    page = text_of(client.get("/vedtak"))
    assert "Alle organer" in page and "Ingen vedtak passer med filteret." in page


def test_a_bodys_members_page_and_its_messages_in_english_and_nynorsk(client, session, fagradet):
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    login(client, "ada@example.no")
    page = text_of(client.get("/bodies/fagradet/members", headers=EN))
    assert "Members of Fagrådet" in page
    assert "Add a member" in page and "Registered person" in page
    assert "Nobody has a membership that applies today." in page
    assert "deputy chair" in page  # the role select's labels
    answer = client.post(
        "/bodies/fagradet/members",
        data={"person_id": "0", "new_name": "Nora Ny", "role": "medlem", "deputy_for": "0"},
        headers=EN,
        follow_redirects=True,
    )
    page = text_of(answer)
    assert "Nora Ny has been added as member." in page
    page = text_of(client.get("/bodies/fagradet/members", headers=NN))
    assert "Medlemer i Fagrådet" in page and "Noverande" in page
    assert "Rediger medlemskapet til Nora Ny" in client.get(
        "/bodies/fagradet/members", headers=NN
    ).get_data(as_text=True)


def test_the_body_form_and_its_errors_in_english(client, session, fagradet):
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    login(client, "ada@example.no")
    page = text_of(client.get("/bodies/fagradet/edit", headers=EN))
    assert "Edit Fagrådet" in page
    assert "Document language" in page and "Quorate when" in page
    assert "advisory council" in page and "Established" in page
    answer = client.post(
        "/bodies/fagradet/edit",
        data={"name": "", "short_name": "Fagrådet", "kind": "fagråd", "status": "Etablert"},
        headers=EN,
    )
    assert answer.status_code == 400
    assert "Enter the body's full name" in unescape(text_of(answer))
    page = text_of(client.get("/bodies/fagradet/edit", headers=NN))
    assert "Dokumentspråk" in page and "Vedtaksfør når" in page


def test_the_cycle_admin_and_rollover_pages_in_english(client, session, fagradet):
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    login(client, "ada@example.no")
    page = text_of(client.get("/arshjul/fagradets-arshjul/rediger", headers=EN))
    assert "New deadline" in page and "4 weeks before each meeting" in page
    page = text_of(client.get("/arshjul/fagradets-arshjul/frister/ny", headers=EN))
    assert "Fixed date every year" in page and "– choose a month –" in page
    assert "September" in page
    page = text_of(client.get("/bodies/fagradet/arshjul/ny-plan?year=2027", headers=EN))
    assert "Make the plan for 2027" in page and "Create the meetings" in page


def test_a_services_refusal_is_shown_in_the_readers_language(client, session, fagradet):
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    login(client, "ada@example.no")
    ada = session.scalar(select(Person).where(Person.name == "Ada Admin"))
    data = {"person_id": str(ada.id), "new_name": "Nora Ny", "role": "medlem", "deputy_for": "0"}
    answer = client.post("/bodies/fagradet/members", data=data, headers=EN)
    assert answer.status_code == 400
    assert "Choose a person in the list or register a new person, not both" in text_of(answer)
    answer = client.post("/bodies/fagradet/members", data=data, headers=NN)
    assert "Vel ein person i lista eller registrer ein ny person, ikkje begge" in text_of(answer)
