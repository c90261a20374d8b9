"""The product area, backlog and change request pages."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from govern.models import ChangeRequest, Organisation, Treatment
from govern.services import changes
from tests.conftest import make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of


@pytest.fixture
def world(session):
    produktrad = make_body("produktrad", "Produktrådet", kind="produktråd")
    body = make_body("endringsrad", "Endringsrådet Medikasjon", kind="endringsråd")
    body.escalates_to = produktrad
    area = changes.save_area(
        session, body, changes.AreaInput("Medikasjon", roadmap="2026 H1: Ny kurve")
    )
    changes.set_budget(session, area, 2026, 1_000_000)
    region = Organisation(name="Helse Vest RHF")
    session.add(region)
    session.flush()
    for title, nok in (("Dosering", 600_000), ("Rapport", 300_000), ("Varsel", 400_000)):
        r = changes.create_request(
            session,
            area,
            changes.RequestInput(title, "utviklet", 2026, estimate_nok=nok),
        )
        changes.set_status(session, r, "vurdert")
    make_user(session, "Sara Sekretær", "sek@example.no", body=body, role="sekretariat")
    make_user(session, "Mona Medlem", "medlem@example.no", body=body, role="medlem")
    make_user(session, "Otto Utenfor", "ute@example.no")
    session.commit()
    return {"body": body, "area": area, "produktrad": produktrad, "region": region}


def _requests(session):
    return session.scalars(select(ChangeRequest).order_by(ChangeRequest.seq)).all()


def test_member_reads_backlog_with_budget_line(client, world):
    login(client, "medlem@example.no")
    page = text_of(client.get("/bodies/endringsrad/endringsonsker?year=2026"))
    ranked = page.split("Prioritert liste 2026", 1)[1].split("Alle endringsønsker", 1)[0]
    assert "tilgjengelig for listen: 1 000 000 kr" in ranked
    assert ranked.index("EØ-001 Dosering") < ranked.index("EØ-002 Rapport")
    assert ranked.index("900 000 kr") < ranked.index("Budsjettgrensen") < ranked.index("EØ-003")
    assert "Flytt" not in ranked and "Registrer prioriteringen" not in page


def test_outsider_is_refused(client, world):
    login(client, "ute@example.no")
    assert client.get("/bodies/endringsrad/endringsonsker").status_code == 403


def prioritise_in_a_new_meeting(client, session, world) -> Treatment:
    """Record the 2026 ranking as the decision of a new meeting (6 May) through the backlog
    page; returns the treatment it put on that meeting's agenda."""
    meeting = make_meeting(world["body"], date(2026, 5, 6))
    session.commit()
    response = client.post(
        "/bodies/endringsrad/endringsonsker/prioriter?year=2026", data={"meeting_id": meeting.id}
    )
    assert response.status_code == 302
    return session.scalar(select(Treatment).where(Treatment.meeting_id == meeting.id))


def test_reorder_and_prioritise_as_a_decision(client, session, world):
    login(client, "sek@example.no")
    third = _requests(session)[2]
    url = f"/bodies/endringsrad/endringsonsker/{third.id}/flytt"
    assert client.post(url, data={"direction": "up"}).status_code == 302
    client.post(url, data={"direction": "up"})
    page = text_of(client.get("/bodies/endringsrad/endringsonsker?year=2026"))
    assert page.index("1 EØ-003 Varsel") < page.index("2 EØ-001 Dosering")
    treatment = prioritise_in_a_new_meeting(client, session, world)
    assert treatment.number == "1/26" and treatment.sakstype == "Beslutning"
    assert treatment.proposed_decision.splitlines()[1].startswith("1. EØ-003 Varsel")
    page = text_of(client.get(f"/bodies/endringsrad/endringsonsker/{third.id}"))
    assert "Rangert som nr. 1 i sak 1/26" in page


def test_prioritise_without_meeting_is_refused(client, session, world):
    login(client, "sek@example.no")
    response = client.post("/bodies/endringsrad/endringsonsker/prioriter", data={"meeting_id": 0})
    assert response.status_code == 400
    assert "Velg møtet der prioriteringen ble vedtatt" in text_of(response)
    assert session.scalar(select(Treatment)) is None


def test_csv_export(client, world):
    login(client, "medlem@example.no")
    response = client.get("/bodies/endringsrad/endringsonsker.csv?year=2026&status=vurdert")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Nummer", "Tittel"]
    assert [(r[0], r[1], r[7], r[9]) for r in rows[1:]] == [
        ("EØ-001", "Dosering", "600000", "Vurdert"),
        ("EØ-002", "Rapport", "300000", "Vurdert"),
        ("EØ-003", "Varsel", "400000", "Vurdert"),
    ]


def test_csv_export_keeps_formula_text_as_text(client, session, world):
    first = min(_requests(session), key=lambda r: r.number)
    first.title = "=SUM(A1:A9)"
    session.commit()
    login(client, "medlem@example.no")
    raw = client.get("/bodies/endringsrad/endringsonsker.csv?year=2026").get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["EØ-001", "'=SUM(A1:A9)"]


def test_register_request_and_bad_input(client, session, world):
    login(client, "sek@example.no")
    data = {"title": "", "classification": "konfigurasjon", "year": "2026", "estimate_hours": "x"}
    response = client.post("/bodies/endringsrad/endringsonsker/ny", data=data)
    assert response.status_code == 400 and len(_requests(session)) == 3
    data |= {
        "title": "Ny rapport",
        "estimate_hours": "10",
        "organisation_id": world["region"].id,
        "need": "Avdelingene mangler oversikt.",
    }
    response = client.post("/bodies/endringsrad/endringsonsker/ny", data=data)
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert _requests(session)[-1].organisation == world["region"]
    assert "EØ-004 Ny rapport" in page and "Helse Vest RHF" in page
    assert "teller 14 000 kr mot budsjettet 2026" in page
    assert "Behov Avdelingene mangler oversikt." in page


def test_status_without_release_is_refused_at_the_field(client, session, world):
    login(client, "sek@example.no")
    first = _requests(session)[0]
    url = f"/bodies/endringsrad/endringsonsker/{first.id}/status"
    client.post(url, data={"status": "prioritert", "release_id": 0})
    response = client.post(url, data={"status": "planlagt", "release_id": 0})
    assert response.status_code == 400
    assert "Velg utgivelsen endringen kommer i" in text_of(response)
    session.expire_all()
    assert first.status == "prioritert"


def test_escalation_both_ways_through_the_pages(client, session, world):
    login(client, "sek@example.no")
    meeting = make_meeting(world["produktrad"], date(2026, 6, 10))
    session.commit()
    first = _requests(session)[0]
    base = f"/bodies/endringsrad/endringsonsker/{first.id}"
    response = client.post(f"{base}/eskaler", data={"meeting_id": meeting.id, "reason": ""})
    assert response.status_code == 400 and "hvorfor saken eskaleres" in text_of(response)
    client.post(f"{base}/eskaler", data={"meeting_id": meeting.id, "reason": "Over rammen"})
    treatment = session.scalar(select(Treatment).where(Treatment.meeting_id == meeting.id))
    case_page = text_of(client.get(f"/cases/{treatment.case_id}"))
    assert "EØ-001" in case_page
    treatment.decision = "Produktrådet avviser ønsket."
    session.commit()
    client.post(f"{base}/utfall", data={"outcome": "avvist", "reason": "Ikke prioritert nå"})
    page = text_of(client.get(base))
    assert "Status Avvist" in page and "Ikke prioritert nå" in page
    assert "Produktrådet vedtok i sak 1/26: Produktrådet avviser ønsket." in page


def test_product_area_page_and_budget_form(client, session, world):
    login(client, "sek@example.no")
    response = client.post(
        "/bodies/endringsrad/produktomrade/budsjett", data={"year": "2026", "amount": "-5"}
    )
    assert response.status_code == 400
    response = client.post(
        "/bodies/endringsrad/produktomrade/utgivelser",
        data={"name": "2026.2", "planned_on": "2026-09-01"},
    )
    assert response.status_code == 302
    changes.set_status(session, _requests(session)[1], "prioritert")
    session.commit()
    page = text_of(client.get("/bodies/endringsrad/produktomrade"))
    assert "2026 H1 Ny kurve" in page and "2026.2" in page
    assert "1 000 000 kr 300 000 kr 700 000 kr" in page and "30 %" in page
