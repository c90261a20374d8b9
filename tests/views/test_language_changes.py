"""The changes area and the prioritisation pages in nynorsk and English (issue 22).

The demo's endringsråd (its product area, backlog and an escalated request) and NUIT's
prioritisation round, read with Accept-Language nn and en; the round's Word file in the body's
document language, whatever the reader's language.
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import select

from govern.models import Body, ChangeRequest
from govern.models.priorities import PrioritisationRound
from govern.services.accounts import DEMO_PASSWORD
from tests.views.test_pages import text_of

NN = {"Accept-Language": "nn-NO,nn;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}
BODY = "/bodies/endringsrad-medikasjon"


@pytest.fixture
def admin(client, demo_with_accounts):
    response = client.post("/login", data={"email": "admin@example.no", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _request_id(session, seq: int) -> int:
    return session.scalar(select(ChangeRequest.id).where(ChangeRequest.seq == seq))


def _round(session) -> PrioritisationRound:
    return session.scalar(select(PrioritisationRound).join(Body).where(Body.slug == "nuit"))


def _page(client, url: str, headers: dict) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return text_of(response)


def test_backlog_in_nynorsk_and_english(admin):
    nn = _page(admin, f"{BODY}/endringsonsker?year=2026", NN)
    for text in (
        "Endringsønske – DIPS Arena Medikasjon",
        "Prioritert liste 2026",
        "tilgjengeleg for lista",
        "Planlagd i utgiving",
        "Løpande sum",
        "Alle endringsønske (",
        "Registrer prioriteringa som vedtak i møtet",
        "– vel møte –",
    ):
        assert text in nn, text
    assert "tilgjengelig for listen" not in nn and "Planlagt i utgivelse" not in nn

    en = _page(admin, f"{BODY}/endringsonsker?year=2026", EN)
    for text in (
        "Change requests – DIPS Arena Medikasjon",
        "Prioritised list 2026",
        "available for the list",
        "Planned in a release",
        "Running total",
        "Statutory requirement",
        "Developed functionality",
        "Download as CSV",
        "Register the prioritisation as a decision in the meeting",
    ):
        assert text in en, text
    assert "Budsjettgrensen" not in en and "Løpende sum" not in en


def test_backlog_csv_header_in_english(admin):
    csv = admin.get(f"{BODY}/endringsonsker.csv?year=2026", headers=EN).get_data(as_text=True)
    assert "Number" in csv.splitlines()[0] and "Budget year" in csv.splitlines()[0]


def test_escalated_request_in_nynorsk_and_english(admin, session):
    url = f"{BODY}/endringsonsker/{_request_id(session, 3)}"
    nn = _page(admin, url, NN)
    for text in ("Eskalering", "Eskalert til", "Myndigheitskrav", "Historikk", "Vedteke i"):
        assert text in nn, text
    assert "Innmeldt av" not in nn and "Meldt inn av" in nn

    en = _page(admin, url, EN)
    for text in (
        "Escalation",
        "Escalated to",
        "Statutory requirement",
        "Submitted by",
        "History",
        "Decided in",
        "Registered → Assessed",
        "Record the product board's decision by hand",
    ):
        assert text in en, text
    assert "Historikk" not in en and "Vedtatt i" not in en


def test_product_area_and_request_form_in_english(admin, session):
    en = _page(admin, f"{BODY}/produktomrade", EN)
    for text in ("Product area: DIPS Arena Medikasjon", "Roadmap", "Release plan", "delivered"):
        assert text in en, text
    form = _page(admin, f"{BODY}/endringsonsker/ny", EN)
    for text in ("New change request", "Budget year", "Submitted by (region/health trust)"):
        assert text in form, text


def test_refusal_and_flash_in_english(admin, session):
    registered = _request_id(session, 12)
    url = f"{BODY}/endringsonsker/{registered}/status"
    refused = admin.post(url, data={"status": "prioritert", "release_id": "0"}, headers=EN)
    assert refused.status_code == 409 or refused.status_code == 400
    assert "A change request that is registered cannot be set to prioritised" in text_of(refused)
    done = admin.post(url, data={"status": "vurdert", "release_id": "0"}, headers=EN)
    assert done.status_code == 302
    page = _page(admin, done.headers["Location"], EN)
    assert "EØ-012 is now assessed." in page


def test_prioritisation_pages_in_nynorsk_and_english(admin, session):
    round_ = _round(session)
    nn = _page(admin, "/bodies/nuit/prioriteringer", NN)
    assert "Prioriteringar i NUIT" in nn and "lukka" in nn
    page = _page(admin, f"/prioriteringer/{round_.id}", NN)
    for text in (
        "Tiltak som ikkje oppfyller inngangskriteria",
        "Måloppnåing",
        "Passar ikkje med måla",
        "Er i fase 1 (idé)",
        "Nytte for pasientar",
        "Deltakarar",
    ):
        assert text in page, text

    en = _page(admin, f"/prioriteringer/{round_.id}", EN)
    for text in (
        "Measures that do not meet the entry criteria",
        "Goal achievement",
        "Does not fit the goals",
        "Is in phase 1 (idea)",
        "Benefit to patients",
        "Reopen the round",
        "Download the result as Word (.docx)",
    ):
        assert text in en, text
    assert "Måloppnåelse" not in en and "Tilbake" not in en
    questions = _page(admin, f"/prioriteringer/{round_.id}/sporsmal", EN)
    assert f"Questions in {round_.title}" in questions
    assert "The round is closed: the questions cannot be changed" in questions
    measure = _page(admin, f"/prioriteringer/{round_.id}/tiltak/ny", EN)
    assert "Entry criteria" in measure and "2 – concept" in measure


def test_round_word_file_in_the_bodys_document_language(admin, session):
    round_ = _round(session)
    url = f"/prioriteringer/{round_.id}/resultat.docx"

    def texts(headers) -> str:
        response = admin.get(url, headers=headers)
        assert response.status_code == 200
        return "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)

    # Bokmål body: an English reader still gets the document in bokmål.
    bokmal = texts(EN)
    assert "Tilfredsstiller ikke inngangskriteriene" in bokmal
    assert "Passer ikke med målene" in bokmal and "Does not fit" not in bokmal
    round_.body.document_language = "nn"
    session.commit()
    nynorsk = texts(EN)
    assert "Oppfyller ikkje inngangskriteria" in nynorsk
    assert "Passar ikkje med måla" in nynorsk and "Er i fase 1 (idé)" in nynorsk


def test_new_round_of_a_nynorsk_body_gets_the_questions_in_nynorsk(admin, session):
    body = session.scalar(select(Body).where(Body.slug == "nuit"))
    body.document_language = "nn"
    session.commit()
    response = admin.post(
        "/bodies/nuit/prioriteringer", data={"title": "Runde 2027", "year": "2027"}, headers=EN
    )
    assert response.status_code == 302
    page = _page(admin, response.headers["Location"], EN)
    assert "The prioritisation round has been created." in page
    assert "I kor stor grad samsvarer tiltaket med prioriteringane i sektoren?" in page
    assert "Nytte for pasientar og innbyggjarar" in page


def test_score_template_key_in_the_readers_language(admin, session):
    from openpyxl import load_workbook

    round_ = _round(session)
    response = admin.get(f"/prioriteringer/{round_.id}/poengmal.xlsx", headers=EN)
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in next(book.worksheets[0].iter_rows())][:2] == ["deltaker", "tiltak"]
    key = book["Question"]
    rows = list(key.iter_rows(values_only=True))
    assert rows[0] == ("column", "criterion", "question")
    assert rows[1][:2] == ("M1", "Goal achievement")
