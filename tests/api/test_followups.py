"""Follow-ups of decisions through the API: CRUD with versions, filters, visibility."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.models.audit import AuditEntry
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import add_case, make_body, make_meeting


@pytest.fixture
def decided(session):
    body = make_body()
    approved = make_meeting(body, date(2024, 1, 10), status="referat godkjent")
    public = add_case(approved, "Godkjent sak", decision="Fagrådet anbefaler A.").treatment
    held = make_meeting(body, date(2024, 3, 6), status="gjennomført")
    draft = add_case(held, "Utkast", decision="Foreløpig.").treatment
    session.commit()
    return {
        "public": public,
        "draft": draft,
        "token": bearer(
            user_with_token(session, "Siri", "siri@example.no", body=body, role="sekretariat")
        ),
        "member": bearer(
            user_with_token(session, "Mona", "mona@example.no", body=body, role="medlem")
        ),
    }


def _create(client, decided, treatment, **payload):
    return client.post(
        f"/api/v1/treatments/{treatment.id}/follow-ups",
        json={"responsible": "Helsedirektoratet"} | payload,
        headers=decided["token"],
    )


def test_create_read_update_delete(client, session, decided):
    created = _create(client, decided, decided["public"], title="Utrede", due_on="2024-06-01")
    assert created.status_code == 201, created.get_data(as_text=True)
    data = created.get_json()
    assert data["status"] == "ikke startet" and data["overdue"] is True
    assert data["responsible_text"] == "Helsedirektoratet" and data["case_number"] == "1/24"
    url = f"/api/v1/follow-ups/{data['id']}"
    assert client.get(url).get_json()["title"] == "Utrede"
    change = {"version": data["version"], "status": "fullført", "responsible": "Hdir"}
    updated = client.put(url, json=change, headers=decided["token"])
    assert updated.status_code == 200, updated.get_data(as_text=True)
    assert updated.get_json()["closed_at"] is not None and updated.get_json()["overdue"] is False
    assert_problem(client.put(url, json=change, headers=decided["token"]), 409, "version")
    stale = client.delete(f"{url}?version={data['version']}", headers=decided["token"])
    assert_problem(stale, 409)
    gone = client.delete(f"{url}?version={updated.get_json()['version']}", headers=decided["token"])
    assert gone.status_code == 200 and gone.get_json() == {"id": data["id"], "deleted": True}
    assert_problem(client.get(url), 404)
    actions = session.scalars(select(AuditEntry.action)).all()
    assert {"followup.create", "followup.update", "followup.delete"} <= set(actions)


def test_validation_names_the_field(client, decided):
    treatment = decided["public"]
    problem = assert_problem(
        _create(client, decided, treatment, responsible=""), 422, "responsible"
    )
    assert "ansvarlig" in problem["detail"]
    early = _create(client, decided, treatment, due_on="2023-01-01")
    assert_problem(early, 422, "due_on")
    assert_problem(_create(client, decided, treatment, status="kanskje"), 422, "status")
    assert_problem(_create(client, decided, treatment, person_id=999999), 422, "person_id")
    assert_problem(_create(client, decided, treatment, due_on=20240101), 422, "due_on")


def test_lists_filter_and_respect_the_minutes(client, decided):
    _create(client, decided, decided["public"], due_on="2024-02-01")
    _create(client, decided, decided["public"], due_on="2050-01-01", status="pågår")
    _create(client, decided, decided["draft"], due_on="2024-04-01")
    public = client.get("/api/v1/follow-ups").get_json()
    assert public["total"] == 2
    mine = client.get("/api/v1/follow-ups", headers=decided["token"]).get_json()
    assert mine["total"] == 3
    overdue = client.get("/api/v1/follow-ups?status=forfalt", headers=decided["token"]).get_json()
    assert [f["due_on"] for f in overdue["items"]] == ["2024-02-01", "2024-04-01"]
    ranged = client.get("/api/v1/follow-ups?due_after=2024-03-01&due_before=2025-01-01")
    assert ranged.get_json()["total"] == 0  # the draft's follow-up is not public
    of_one = client.get(f"/api/v1/follow-ups?treatment_id={decided['public'].id}&status=pågår")
    assert of_one.get_json()["items"][0]["due_on"] == "2050-01-01"
    # Creating on a decision the caller may not read answers 404; members may not create.
    draft = decided["draft"]
    refused = client.post(
        f"/api/v1/treatments/{draft.id}/follow-ups",
        json={"responsible": "X"},
        headers=decided["member"],
    )
    assert_problem(refused, 404)
    member = client.post(
        f"/api/v1/treatments/{decided['public'].id}/follow-ups",
        json={"responsible": "X"},
        headers=decided["member"],
    )
    assert_problem(member, 403)
    anonymous = client.post(
        f"/api/v1/treatments/{decided['public'].id}/follow-ups", json={"responsible": "X"}
    )
    assert_problem(anonymous, 401)
