"""Treatments, their texts and decisions, and the decision register through the API."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import add_case, make_body, make_meeting


@pytest.fixture
def held(session):
    body = make_body()
    other = make_body("arkitekturradet", "Arkitekturrådet")
    approved = make_meeting(body, date(2026, 1, 14), status="referat godkjent")
    old = add_case(
        approved, "Godkjent sak", sakstype="Beslutning", decision="Fagrådet anbefaler A."
    )
    meeting = make_meeting(body, date(2026, 3, 4), status="gjennomført")
    draft = add_case(
        meeting, "Sak i utkast", sakstype="Drøfting", decision="Foreløpig vedtak."
    ).treatment
    elsewhere = make_meeting(other, date(2026, 2, 4), status="referat godkjent")
    add_case(elsewhere, "Annet organ", sakstype="Orientering", decision="Tatt til orientering.")
    session.commit()
    return {
        "old": old,
        "draft": draft,
        "meeting": meeting,
        "token": bearer(
            user_with_token(session, "Siri", "siri@example.no", body=body, role="sekretariat")
        ),
        "member": bearer(
            user_with_token(session, "Mona", "mona@example.no", body=body, role="medlem")
        ),
    }


def test_treatments_read_and_list_with_filters(client, held):
    data = client.get(f"/api/v1/treatments/{held['old'].id}").get_json()
    assert data["case_number"] == "1/26" and data["body"] == "fagradet"
    assert data["decision"] == "Fagrådet anbefaler A." and data["minutes_readable"] is True
    draft = client.get(f"/api/v1/treatments/{held['draft'].id}").get_json()
    assert draft["decision"] == "" and draft["minutes_readable"] is False
    mine = client.get(f"/api/v1/treatments/{held['draft'].id}", headers=held["token"]).get_json()
    assert mine["decision"] == "Foreløpig vedtak."
    listed = client.get("/api/v1/treatments?body=fagradet&sakstype=Drøfting").get_json()
    assert [t["title"] for t in listed["items"]] == ["Sak i utkast"]
    by_meeting = client.get(f"/api/v1/treatments?meeting_id={held['meeting'].id}").get_json()
    assert by_meeting["total"] == 1
    assert client.get("/api/v1/treatments?year=2025").get_json()["total"] == 0
    assert_problem(client.get("/api/v1/treatments/999999"), 404)


def test_decision_register_has_the_same_visibility_and_filters(client, held):
    public = client.get("/api/v1/decisions").get_json()
    assert [d["decision"] for d in public["items"]] == [
        "Tatt til orientering.",
        "Fagrådet anbefaler A.",
    ]
    secretariat = client.get("/api/v1/decisions?body=fagradet", headers=held["token"]).get_json()
    assert [d["case_number"] for d in secretariat["items"]] == ["2/26", "1/26"]
    typed = client.get("/api/v1/decisions?sakstype=Beslutning&follow_up=ingen").get_json()
    assert [d["title"] for d in typed["items"]] == ["Godkjent sak"]
    paged = client.get("/api/v1/decisions?per_page=1").get_json()
    assert paged["pages"] == 2 and paged["next"].endswith("page=2")
    assert_problem(client.get("/api/v1/decisions?follow_up=kanskje"), 422, "follow_up")


def test_texts_and_decision_are_set_as_on_the_web(client, session, held):
    t = client.get(f"/api/v1/treatments/{held['draft'].id}", headers=held["token"]).get_json()
    url = f"/api/v1/treatments/{t['id']}"
    texts = {
        "version": t["version"],
        "title": "Ny tittel",
        "sakstype": "Beslutning",
        "proposed_decision": "Fagrådet vedtar.",
    }
    updated = client.put(url, json=texts, headers=held["token"])
    assert updated.status_code == 200, updated.get_data(as_text=True)
    assert updated.get_json()["title"] == "Ny tittel"
    assert_problem(client.put(url, json=texts, headers=held["token"]), 409, "version")
    minutes = {
        "version": updated.get_json()["version"],
        "decision": "Fagrådet vedtar forslaget.",
        "input": ["Et innspill", "Et til"],
    }
    decided = client.put(f"{url}/decision", json=minutes, headers=held["token"])
    assert decided.status_code == 200, decided.get_data(as_text=True)
    assert decided.get_json()["input"] == ["Et innspill", "Et til"]
    blank = {"version": decided.get_json()["version"], "decision": " "}
    problem = assert_problem(client.put(f"{url}/decision", json=blank, headers=held["token"]), 422)
    assert "Vedtak må fylles ut" in problem["detail"]
    assert_problem(client.put(f"{url}/decision", json=minutes, headers=held["member"]), 403)
    assert_problem(client.put(f"{url}/decision", json=minutes), 401)


def test_approved_minutes_are_locked(client, held):
    t = client.get(f"/api/v1/treatments/{held['old'].id}", headers=held["token"]).get_json()
    change = {"version": t["version"], "decision": "Endret i ettertid."}
    refused = client.put(
        f"/api/v1/treatments/{t['id']}/decision", json=change, headers=held["token"]
    )
    problem = assert_problem(refused, 409, "decision")
    assert "godkjent og låst" in problem["detail"]
