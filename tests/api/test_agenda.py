"""The agenda and attendance through the API: numbering as on the web, moves, locks."""

from __future__ import annotations

import pytest

from govern.models.meetings import Meeting
from govern.services import agenda
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import make_body, make_person

DAYS = [
    {"date": "2026-05-06", "start": "09:00", "end": "15:00"},
    {"date": "2026-05-07", "start": "09:00", "end": "15:00"},
]


@pytest.fixture
def planned(client, session):
    body = make_body()
    session.commit()
    token = user_with_token(
        session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat"
    )
    meeting = client.post(
        "/api/v1/bodies/fagradet/meetings", json={"days": DAYS}, headers=bearer(token)
    ).get_json()
    return {"token": bearer(token), "meeting": meeting, "url": f"/api/v1/meetings/{meeting['id']}"}


def _add_case(client, planned, **payload):
    return client.post(
        f"{planned['url']}/agenda/cases",
        json={"sakstype": "Drøfting"} | payload,
        headers=planned["token"],
    )


def test_cases_get_numbers_as_on_the_web(client, session, planned):
    first = _add_case(client, planned, title="Journal i kommunene")
    assert first.status_code == 201, first.get_data(as_text=True)
    # Eventuelt (2/26) hands its number to the new case and takes the next one.
    assert first.get_json()["case_number"] == "2/26"
    # The web's service, called directly, continues the same sequence.
    meeting = session.get(Meeting, planned["meeting"]["id"])
    web = agenda.add_case_item(
        session, meeting, agenda.CaseItemInput(sakstype="Orientering", title="Fra nettsiden")
    )
    session.commit()
    assert web.treatment.number == "3/26"
    second = _add_case(client, planned, title="Kjernejournal", day=2, presenter="Kari")
    assert second.get_json()["case_number"] == "4/26" and second.get_json()["day"] == 2
    items = client.get(f"{planned['url']}/agenda", headers=planned["token"]).get_json()["items"]
    numbers = [i["case_number"] for i in items if i["type"] == "case"]
    assert numbers == ["1/26", "2/26", "3/26", "4/26", "5/26"]
    assert items[-1]["sakstype"] == "Eventuelt"


def test_existing_case_entries_updates_moves_and_removal(client, session, planned):
    case = client.post(
        "/api/v1/cases", json={"title": "Registrert sak"}, headers=planned["token"]
    ).get_json()
    item = _add_case(client, planned, case_id=case["id"]).get_json()
    assert item["title"] == "Registrert sak" and item["case_id"] == case["id"]
    lunch = client.post(
        f"{planned['url']}/agenda/entries",
        json={"kind": "break", "title": "Lunsj", "duration_minutes": 30},
        headers=planned["token"],
    )
    assert lunch.status_code == 201 and lunch.get_json()["type"] == "break"
    point = client.post(
        f"{planned['url']}/agenda/entries",
        json={"kind": "point", "title": "Status", "parent_id": item["id"]},
        headers=planned["token"],
    ).get_json()
    assert point["parent_id"] == item["id"]
    change = {
        "version": item["version"],
        "treatment_version": item["treatment_version"],
        "title": "Ny tittel",
        "sakstype": "Beslutning",
        "proposed_decision": "Fagrådet slutter seg til.",
    }
    url = f"/api/v1/agenda-items/{item['id']}"
    updated = client.put(url, json=change, headers=planned["token"])
    assert updated.status_code == 200, updated.get_data(as_text=True)
    assert updated.get_json()["sakstype"] == "Beslutning"
    assert updated.get_json()["proposed_decision"] == "Fagrådet slutter seg til."
    assert_problem(client.put(url, json=change, headers=planned["token"]), 409, "version")
    missing = {k: v for k, v in change.items() if k != "sakstype"}
    missing["version"] = updated.get_json()["version"]
    assert_problem(client.put(url, json=missing, headers=planned["token"]), 422, "sakstype")
    moved = client.post(f"{url}/move", json={"day": 2}, headers=planned["token"])
    assert moved.status_code == 200, moved.get_data(as_text=True)
    mine = next(i for i in moved.get_json()["items"] if i["id"] == item["id"])
    assert mine["day"] == 2
    assert next(i for i in moved.get_json()["items"] if i["id"] == point["id"])["day"] == 2
    assert_problem(client.post(f"{url}/move", json={}, headers=planned["token"]), 422, "direction")
    removed = client.delete(url, headers=planned["token"])
    assert removed.status_code == 200
    assert item["id"] not in [i["id"] for i in removed.get_json()["items"]]
    godkjenning = removed.get_json()["items"][0]
    refused = client.delete(f"/api/v1/agenda-items/{godkjenning['id']}", headers=planned["token"])
    assert refused.status_code in (409, 422)
    assert refused.mimetype == "application/problem+json"


def test_validation_and_permissions(client, session, planned):
    assert_problem(_add_case(client, planned, title="X", day=3), 422, "day")
    assert_problem(_add_case(client, planned, sakstype="Ukjent", title="X"), 422, "sakstype")
    assert_problem(_add_case(client, planned, case_id=999999), 422, "case_id")
    anonymous = client.post(f"{planned['url']}/agenda/cases", json={"sakstype": "Drøfting"})
    assert_problem(anonymous, 401)
    member = user_with_token(session, "Mona", "mona@example.no")
    refused = client.post(
        f"{planned['url']}/agenda/cases",
        json={"sakstype": "Drøfting", "title": "X"},
        headers=bearer(member),
    )
    assert_problem(refused, 404)  # a draft meeting is not even shown to others
    assert_problem(client.get(f"{planned['url']}/agenda"), 404)


def test_attendance_is_set_as_on_the_attendance_page(client, session, planned):
    kari = make_person("Kari Nordmann")
    ola = make_person("Ola Vara")
    session.commit()
    url = f"{planned['url']}/attendance"
    current = client.get(url, headers=planned["token"]).get_json()
    rows = [
        {"person_id": kari.id, "status": "absent"},
        {"person_id": ola.id, "status": "deputy", "deputy_for_id": kari.id, "days": [2]},
    ]
    saved = client.put(
        url, json={"rows": rows, "fingerprint": current["fingerprint"]}, headers=planned["token"]
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    items = {i["person"]: i for i in saved.get_json()["items"]}
    assert items["Ola Vara"]["deputy_for"] == "Kari Nordmann" and items["Ola Vara"]["days"] == [2]
    stale = client.put(
        url, json={"rows": rows, "fingerprint": current["fingerprint"]}, headers=planned["token"]
    )
    assert_problem(stale, 409, "fingerprint")
    bad = [{"person_id": ola.id, "status": "deputy"}]
    assert_problem(
        client.put(url, json={"rows": bad}, headers=planned["token"]), 422, "rows[0].deputy_for"
    )


def test_the_agenda_of_approved_minutes_is_locked(client, session, planned):
    from datetime import date

    from tests.conftest import add_case, make_meeting

    body = session.get(Meeting, planned["meeting"]["id"]).body
    approved = make_meeting(body, date(2026, 1, 14), status="referat godkjent")
    item = add_case(approved, "Godkjent sak", decision="Vedtatt.")
    session.commit()
    problem = assert_problem(
        client.delete(f"/api/v1/agenda-items/{item.id}", headers=planned["token"]), 409, "meeting"
    )
    assert "kan ikke lenger endres" in problem["detail"]
    entry = {"kind": "break", "title": "Pause"}
    refused = client.post(
        f"/api/v1/meetings/{approved.id}/agenda/entries", json=entry, headers=planned["token"]
    )
    assert_problem(refused, 409, "meeting")
