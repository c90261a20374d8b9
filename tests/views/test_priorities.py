"""The prioritisation pages: result, measures, score grid, import, documents, permissions."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from govern.models import Attachment, AuditEntry, Body, PrioritisationRound, Score, Treatment
from govern.services import priorities
from govern.services.priorities import MeasureInput, RoundInput
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of


@pytest.fixture
def setup(app, session):
    body = make_body()
    session.add(body)
    session.flush()
    round_ = priorities.create_round(session, body, RoundInput("Runde 1", 2026))
    for code, title, phase, fits in (
        ("LM", "Videre innføring av pasientens legemiddelliste", 4, True),
        ("JD-1", "Dokumentdeling", 3, True),
        ("DHO-2", "Pasientinformasjonslokalisator", 1, True),
    ):
        priorities.add_measure(
            session, round_, MeasureInput(code, title, phase=phase, fits_goals=fits)
        )
    meeting = make_meeting(body, date(2026, 9, 1))
    session.flush()
    add_case(meeting, "Prioritering av tiltak")
    session.flush()
    treatment = session.scalar(select(Treatment))
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    make_user(session, "Mads Medlem", "mads@example.no", body=body, role="medlem")
    session.commit()
    return {"round": round_, "body": body, "treatment": treatment}


def _grid(round_, values: dict[str, list[int]]) -> dict[str, str]:
    cells = {}
    for measure in round_.measures:
        if measure.code not in values:
            continue
        for question, value in zip(round_.questions, values[measure.code], strict=True):
            cells[priorities.score_field(measure, question)] = str(value)
    return cells


def test_member_reads_the_round_but_cannot_edit(client, setup):
    login(client, "mads@example.no")
    rid = setup["round"].id
    page = text_of(client.get(f"/prioriteringer/{rid}"))
    assert "Ingen tiltak er scoret ennå" in page
    assert "DHO-2 – Pasientinformasjonslokalisator : Er i fase 1 (idé)" in page
    assert "Registrer poeng" not in page
    assert client.get(f"/prioriteringer/{rid}/poeng").status_code == 403
    assert client.post(f"/prioriteringer/{rid}/poeng", data={}).status_code == 403
    assert client.get("/bodies/fagradet/prioriteringer").status_code == 200


def test_score_grid_saves_and_ranks(client, session, setup):
    login(client, "siri@example.no")
    round_ = setup["round"]
    data = _grid(round_, {"LM": [8, 8, 6, 6, 6, 9, 8, 7], "JD-1": [7] * 8})
    data["participant"] = "Helse Vest RHF"
    response = client.post(f"/prioriteringer/{round_.id}/poeng", data=data)
    assert response.status_code == 302
    page = text_of(client.get(f"/prioriteringer/{round_.id}"))
    assert "1 LM – Videre innføring av pasientens legemiddelliste 8,0 6,0 8,0 22,0 9,0" in page
    assert "2 JD-1 – Dokumentdeling 7,0 7,0 7,0 21,0 7,0" in page
    assert "<svg" in client.get(f"/prioriteringer/{round_.id}").get_data(as_text=True)


def test_score_grid_bad_value_keeps_input_and_saves_nothing(client, session, setup):
    login(client, "siri@example.no")
    round_ = setup["round"]
    data = _grid(round_, {"LM": [8, 8, 6, 6, 6, 9, 8, 7]})
    lm = round_.measures[0]
    data[priorities.score_field(lm, round_.questions[2])] = "12"
    data["participant"] = ""
    response = client.post(f"/prioriteringer/{round_.id}/poeng", data=data)
    assert response.status_code == 400
    page = text_of(response)
    assert "LM K1: «12» er ikke et helt tall fra 0 til 10." in page
    assert "Skriv deltakerens navn." in page
    assert 'value="12"' in response.get_data(as_text=True)
    assert session.scalars(select(Score)).all() == []


def test_import_good_and_bad_csv(client, session, setup):
    login(client, "siri@example.no")
    rid = setup["round"].id
    bad = "deltaker;tiltak;spørsmål;poeng\nKari;LM;M1;7\nKari;XX;M1;3\n"
    response = client.post(
        f"/prioriteringer/{rid}/import",
        data={"file": (io.BytesIO(bad.encode()), "poeng.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Rad 3: runden har ikke noe tiltak med koden «XX»." in text_of(response)
    assert session.scalars(select(Score)).all() == []
    good = "deltaker;tiltak;spørsmål;poeng\nKari;LM;M1;7\nKari;JD-1;N1;3\n"
    response = client.post(
        f"/prioriteringer/{rid}/import",
        data={"file": (io.BytesIO(good.encode()), "poeng.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert len(session.scalars(select(Score)).all()) == 2
    template = client.get(f"/prioriteringer/{rid}/poengmal.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"


def test_measure_form(client, session, setup):
    login(client, "siri@example.no")
    rid = setup["round"].id
    response = client.post(
        f"/prioriteringer/{rid}/tiltak/ny",
        data={"code": "LM", "title": "", "phase": "3", "fits_goals": "ja"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert (
        "Runden har allerede et tiltak med koden «LM»." in page and "Skriv tiltakets navn." in page
    )
    response = client.post(
        f"/prioriteringer/{rid}/tiltak/ny",
        data={"code": "FH", "title": "Felles hjelpenummer", "phase": "2", "fits_goals": "nei"},
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/prioriteringer/{rid}"))
    assert "FH – Felles hjelpenummer : Passer ikke med målene" in page


def test_new_round_form(client, session, setup):
    login(client, "siri@example.no")
    response = client.post("/bodies/fagradet/prioriteringer", data={"title": "X", "year": "år"})
    assert response.status_code == 400
    assert "Skriv året med fire sifre" in text_of(response)
    response = client.post(
        "/bodies/fagradet/prioriteringer", data={"title": "Runde 2", "year": "2027"}
    )
    assert response.status_code == 302
    assert session.scalar(select(PrioritisationRound).where(PrioritisationRound.year == 2027))


def _scored(session, setup):
    round_ = setup["round"]
    priorities.save_scores(session, round_, "Ola", _grid(round_, {"LM": [8] * 8, "JD-1": [6] * 8}))
    session.commit()
    return round_


def test_docx_download_and_attach(client, session, setup, app, tmp_path):
    app.instance_path = str(tmp_path)
    round_ = _scored(session, setup)
    login(client, "siri@example.no")
    response = client.get(f"/prioriteringer/{round_.id}/resultat.docx")
    document = Document(io.BytesIO(response.data))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Nr.", "Tiltak", "Måloppnåelse", "Kostnader", "Nytte", "Totalt"]
    assert rows[1] == [
        "1",
        "Videre innføring av pasientens legemiddelliste (LM)",
        "8,0",
        "8,0",
        "8,0",
        "24,0",
    ]
    assert rows[2][:2] == ["2", "Dokumentdeling (JD-1)"]
    texts = [p.text for p in document.paragraphs]
    assert "Pasientinformasjonslokalisator (DHO-2): Er i fase 1 (idé)" in texts
    treatment = setup["treatment"]
    response = client.post(
        f"/prioriteringer/{round_.id}/vedlegg", data={"treatment_id": str(treatment.id)}
    )
    assert response.status_code == 302
    attachment = session.scalar(select(Attachment).where(Attachment.treatment_id == treatment.id))
    assert attachment.title == "Prioritering: Runde 1"
    stored = tmp_path / "uploads" / attachment.stored_name
    attached = Document(io.BytesIO(stored.read_bytes()))
    assert attached.tables[0].rows[1].cells[5].text == "24,0"


def test_use_as_decision_with_version_check(client, session, setup):
    round_ = _scored(session, setup)
    treatment = setup["treatment"]
    login(client, "siri@example.no")
    response = client.post(
        f"/prioriteringer/{round_.id}/vedtak",
        data={"treatment": f"{treatment.id}:{treatment.version}", "field": "proposed_decision"},
    )
    assert response.status_code == 302
    session.refresh(treatment)
    assert treatment.proposed_decision.splitlines()[2:] == [
        "1. LM – Videre innføring av pasientens legemiddelliste (24,0 poeng)",
        "2. JD-1 – Dokumentdeling (18,0 poeng)",
    ]
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (
        entry.summary == "Rangeringen fra «Runde 1» skrevet inn som forslag til vedtak i sak 1/26"
    )
    stale = client.post(
        f"/prioriteringer/{round_.id}/vedtak",
        data={"treatment": f"{treatment.id}:{treatment.version - 1}", "field": "decision"},
    )
    assert stale.status_code == 409
    assert "Saken ble endret av noen andre" in text_of(stale)
    session.refresh(treatment)
    assert treatment.decision == ""


def test_other_body_cannot_be_target(client, session, setup):
    round_ = _scored(session, setup)
    other = Body(slug="nuit", name="NUIT", short_name="NUIT", kind="utvalg")
    session.add(other)
    session.commit()
    login(client, "siri@example.no")
    response = client.post(f"/prioriteringer/{round_.id}/vedlegg", data={"treatment_id": "999"})
    assert response.status_code == 400
    assert "Velg en sak på en av organets møter." in text_of(response)


def test_score_form_prefills_a_participant(client, session, setup):
    round_ = _scored(session, setup)
    login(client, "siri@example.no")
    html = client.get(f"/prioriteringer/{round_.id}/poeng?deltaker=Ola").get_data(as_text=True)
    lm = round_.measures[0]
    assert f'name="{priorities.score_field(lm, round_.questions[0])}" value="8"' in html


def test_demo_round_page_shows_tabell_3(client, session, demo):
    from tests.services.test_priorities import TABELL_3

    round_ = session.scalar(select(PrioritisationRound))
    page = text_of(client.get(f"/prioriteringer/{round_.id}"))
    result = page.split("Rangering av 11 tiltak", 1)[1].split("Tiltak som ikke", 1)[0]
    positions = [result.index(f" {code} – ") for code in TABELL_3]
    assert positions == sorted(positions)
    assert "FH – Felles hjelpenummer : Passer ikke med målene" in page
    assert "Prioriteringer" in text_of(client.get("/bodies/nuit"))


def test_closed_round_refuses_scores_until_reopened(client, session, setup):
    round_ = setup["round"]
    login(client, "siri@example.no")
    assert (
        client.post(f"/prioriteringer/{round_.id}/status", data={"status": "lukket"}).status_code
        == 302
    )
    assert "Runden er lukket: tiltak og poeng kan ikke endres." in text_of(
        client.get(f"/prioriteringer/{round_.id}")
    )
    data = _grid(round_, {"LM": [5] * 8})
    data["participant"] = "Ola"
    response = client.post(f"/prioriteringer/{round_.id}/poeng", data=data)
    assert response.status_code == 400
    assert "Runden er lukket. Åpne den igjen" in text_of(response)
    assert session.scalars(select(Score)).all() == []
    bad = client.post(f"/prioriteringer/{round_.id}/status", data={"status": "x"})
    assert bad.status_code == 400 and "Velg åpen eller lukket." in text_of(bad)
    client.post(f"/prioriteringer/{round_.id}/status", data={"status": "åpen"})
    assert client.post(f"/prioriteringer/{round_.id}/poeng", data=data).status_code == 302
