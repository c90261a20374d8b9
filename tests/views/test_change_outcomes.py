"""Change requests on the meeting, case and minutes pages, and the decisions flowing back
to the requests when the minutes are approved."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.models import ChangeRequest
from govern.services import changes
from govern.services.change_decisions import escalate
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_changes import prioritise_in_a_new_meeting
from tests.views.test_pages import count_queries, text_of


@pytest.fixture
def world(session):
    produktrad = make_body("produktrad", "Produktrådet", kind="produktråd")
    body = make_body("endringsrad", "Endringsrådet Medikasjon", kind="endringsråd")
    body.escalates_to = produktrad
    area = changes.save_area(session, body, changes.AreaInput("Medikasjon"))
    changes.set_budget(session, area, 2026, 1_000_000)
    for title, nok in (("Dosering", 600_000), ("Rapport", 300_000), ("Stor ombygging", 3_000_000)):
        r = changes.create_request(
            session, area, changes.RequestInput(title, "utviklet", 2026, estimate_nok=nok)
        )
        changes.set_status(session, r, "vurdert")
    make_user(session, "Sara Sekretær", "sek@example.no", body=body, role="sekretariat")
    make_user(session, "Mona Medlem", "medlem@example.no", body=body, role="medlem")
    make_user(session, "Per Produkt", "psek@example.no", body=produktrad, role="sekretariat")
    make_user(session, "Pia Produkt", "pmedlem@example.no", body=produktrad, role="medlem")
    meeting = make_meeting(produktrad, date(2026, 6, 10))
    big = _requests(session)[2]
    treatment = escalate(session, big, meeting, "Over budsjettrammen")
    session.commit()
    return {"body": body, "area": area, "meeting": meeting, "request": big, "case": treatment}


def _requests(session):
    return session.scalars(select(ChangeRequest).order_by(ChangeRequest.seq)).all()


def _minutes(client, treatment, **data):
    db.session.expire_all()
    fields = {"version": treatment.version, "presentation": "", "inputs": ""} | data
    return client.post(f"/treatments/{treatment.id}/minutes", data=fields)


def _approve(client, session, meeting, on: date):
    """As its secretariat: hold the meeting, send its minutes (confirming that no attendance
    is registered), then hold the next meeting, whose Godkjenning vedtak approves them."""
    meeting.status = "gjennomført"
    session.commit()
    asked = client.post(f"/meetings/{meeting.id}/minutes/send")
    assert "Oppmøtet er ikke registrert" in text_of(asked)
    sent = client.post(f"/meetings/{meeting.id}/minutes/send", data={"confirm": "1"})
    assert sent.status_code == 302
    assert session.get(type(meeting), meeting.id).minutes_status == "sendt"
    following = make_meeting(meeting.body, on)
    approval = add_case(following, "Godkjenning", sakstype="Godkjenning")
    session.commit()
    response = _minutes(client, approval.treatment, decision="Referatet er godkjent.")
    assert response.status_code == 302
    session.expire_all()
    assert meeting.minutes_status == "sendt"  # the vedtak alone approves nothing
    held = {"status": "gjennomført", "version": following.version}
    confirm = client.post(f"/meetings/{following.id}/status", data=held)
    assert "godkjennes og låses" in text_of(confirm)
    assert (
        client.post(f"/meetings/{following.id}/status", data=held | {"confirm": "1"}).status_code
        == 302
    )
    session.expire_all()
    assert meeting.minutes_status == "godkjent"


def test_the_escalated_case_links_to_its_request(client, session, world):
    case, request = world["case"], world["request"]
    link = f'href="/bodies/endringsrad/endringsonsker/{request.id}"'
    login(client, "medlem@example.no")
    response = client.get(f"/cases/{case.case_id}")
    page = text_of(response)
    assert "Fra endringsønske EØ-003 Stor ombygging (Eskalert) – Medikasjon, Endringsrådet" in page
    assert link in response.get_data(as_text=True)
    # A member of the produktråd only sees it named: the request page is the endringsråd's.
    client.post("/logout")
    login(client, "pmedlem@example.no")
    response = client.get(f"/cases/{case.case_id}")
    assert "Fra endringsønske EØ-003 Stor ombygging" in text_of(response)
    assert link not in response.get_data(as_text=True)
    page = text_of(client.get(f"/meetings/{world['meeting'].id}"))
    assert "Fra endringsønske EØ-003 Stor ombygging – Medikasjon, Endringsrådet Medikasjon." in page
    assert "Status: Eskalert." in page


def test_the_outcome_chosen_with_the_vedtak_flows_back_on_approval(client, session, world):
    case, request = world["case"], world["request"]
    login(client, "psek@example.no")
    page = text_of(client.get(f"/treatments/{case.id}/minutes"))
    assert "Eskalert endringsønske EØ-003 Stor ombygging" in page
    assert "Utfall for endringsønsket" in page

    response = _minutes(client, case, decision="Produktrådet avviser ønsket.", outcome="avvist")
    assert response.status_code == 400
    assert "Skriv hvorfor endringsønsket avvises" in text_of(response)
    session.expire_all()
    assert case.decision == "" and len(request.events) == 3  # nothing saved
    response = _minutes(
        client,
        case,
        decision="Produktrådet avviser ønsket.",
        outcome="avvist",
        outcome_reason="Ikke nå",
    )
    assert response.status_code == 302
    session.expire_all()
    assert request.status == "eskalert"
    page = text_of(client.get(f"/treatments/{case.id}/minutes"))
    assert "Avvist" in page and "Ikke nå" in page  # the choice comes back in the form

    # The endringsråd does not see the produktråd's draft minutes, nor the outcome in them.
    client.post("/logout")
    login(client, "sek@example.no")
    page = text_of(client.get(f"/bodies/endringsrad/endringsonsker/{request.id}"))
    assert "Vedtatt: Avvist" not in page and "Ikke nå" not in page

    client.post("/logout")
    login(client, "psek@example.no")
    _approve(client, session, world["meeting"], date(2026, 9, 2))
    assert request.status == "avvist" and request.rejection_reason == "Ikke nå"

    client.post("/logout")
    login(client, "sek@example.no")
    page = text_of(client.get(f"/bodies/endringsrad/endringsonsker/{request.id}"))
    assert "Status Avvist" in page
    assert "Vedtatt: Avvist Ikke nå Produktrådet, møte 1/26, sak 1/26" in page
    assert (
        "Eskalert → Avvist Produktrådet vedtok i sak 1/26, møte 1/26 (referatet er godkjent): "
        "Produktrådet avviser ønsket. Produktrådet, møte 1/26, sak 1/26"
    ) in page


def test_history_csv_names_body_meeting_and_case(client, session, world):
    request = world["request"]
    login(client, "medlem@example.no")
    response = client.get(
        f"/bodies/endringsrad/endringsonsker/historikk.csv?year=2026&onske={request.id}"
    )
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Nummer", "Tittel", "Tidspunkt", "Hvem", "Endring", "Merknad", "Organ", "Møte", "Sak",
    ]  # fmt: skip
    assert [(r[0], r[4], r[6], r[7], r[8]) for r in rows[1:]] == [
        ("EØ-003", "Registrert", "", "", ""),
        ("EØ-003", "Registrert → Vurdert", "", "", ""),
        ("EØ-003", "Vurdert → Eskalert", "Produktrådet", "1/26", "1/26"),
    ]
    everything = client.get("/bodies/endringsrad/endringsonsker/historikk.csv?year=2026")
    numbers = {r.split(";")[0] for r in everything.get_data(as_text=True).splitlines()[1:]}
    assert numbers == {"EØ-001", "EØ-002", "EØ-003"}
    assert (
        client.get("/bodies/endringsrad/endringsonsker/historikk.csv?onske=999").status_code == 404
    )
    client.post("/logout")
    login(client, "pmedlem@example.no")
    assert client.get("/bodies/endringsrad/endringsonsker/historikk.csv").status_code == 403


def test_prioritisation_on_the_minutes_page_and_the_statuses_on_approval(client, session, world):
    login(client, "sek@example.no")
    treatment = prioritise_in_a_new_meeting(client, session, world)
    meeting = treatment.meeting
    page = text_of(client.get(f"/treatments/{treatment.id}/minutes"))
    listed = page.split("Endringsønsker i prioriteringen", 1)[1]
    assert "EØ-001 Dosering – Vurdert; blir prioritert" in listed
    assert "EØ-002 Rapport – Vurdert; blir prioritert" in listed
    assert "EØ-003" not in listed  # escalated: not on the backlog
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Endringsønsker i prioriteringen: EØ-001 Dosering – Vurdert" in page
    assert _minutes(client, treatment, decision="Prioritert som foreslått.").status_code == 302
    first, second, _ = _requests(session)
    assert (first.status, second.status) == ("vurdert", "vurdert")

    _approve(client, session, meeting, date(2026, 6, 3))

    assert (first.status, second.status) == ("prioritert", "prioritert")
    page = text_of(client.get(f"/bodies/endringsrad/endringsonsker/{first.id}"))
    assert (
        "Vurdert → Prioritert Endringsrådet Medikasjon vedtok «prioritert» i sak 1/26, møte 1/26 "
        "(referatet er godkjent) Endringsrådet Medikasjon, møte 1/26, sak 1/26"
    ) in page


def test_query_counts_do_not_grow_with_the_escalated_requests(client, session, world):
    login(client, "medlem@example.no")
    produktrad, area = world["meeting"].body, world["area"]
    more = make_meeting(produktrad, date(2026, 8, 19))
    for n in range(4):
        r = changes.create_request(
            session, area, changes.RequestInput(f"Ekstra {n}", "utviklet", 2026, estimate_nok=9)
        )
        escalate(session, r, more, "Uenighet")
    session.commit()
    counts = []
    for meeting in (world["meeting"], more):
        session.expire_all()
        with count_queries() as statements:
            page = text_of(client.get(f"/meetings/{meeting.id}"))
        counts.append(len(statements))
        assert "Fra endringsønske EØ-00" in page
    assert counts[0] == counts[1], counts
