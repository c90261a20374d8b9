"""External treatments (Nasjonalt e-helseråd, NUIT …) registered by hand through the API: the
same rules as the case page, and the history (and toppnotat) shows them."""

from __future__ import annotations

from datetime import date

import pytest

from govern.extensions import db
from govern.models.cases import Treatment
from govern.services.followups import FollowUpInput, add_follow_up
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import add_case, make_body, make_meeting


@pytest.fixture
def world(session):
    fagradet = make_body()
    make_body("ehelseradet", "Nasjonalt e-helseråd", external=True)
    make_body("arkitekturradet", "Arkitekturrådet")
    meeting = make_meeting(fagradet, date(2026, 3, 4), status="referat godkjent")
    treatment = add_case(meeting, "Helsedataforordningen", decision="Fagrådet drøftet.").treatment
    session.commit()
    return {
        "case_id": treatment.case_id,
        "secretariat": bearer(
            user_with_token(session, "Siri", "siri@example.no", body=fagradet, role="sekretariat")
        ),
        "member": bearer(
            user_with_token(session, "Mona", "mona@example.no", body=fagradet, role="medlem")
        ),
    }


NEW = {
    "body": "ehelseradet",
    "number": "14/25",
    "decided_on": "2025-06-12",
    "sakstype": "Drøfting",
    "decision": "Rådet ba om en utredning; «frist» 1. mars.",
}


def test_register_read_change_and_delete(client, world):
    url = f"/api/v1/cases/{world['case_id']}/external-treatments"
    created = client.post(url, json=NEW, headers=world["secretariat"])
    assert created.status_code == 201, created.get_data(as_text=True)
    data = created.get_json()
    assert data["case_number"] == "14/25" and data["body"] == "ehelseradet"
    assert data["meeting_id"] is None and data["date"] == "2025-06-12"
    assert data["decision"] == NEW["decision"] and data["minutes_readable"] is True
    # The case's history, read without a token, has it before the Fagrådet treatment.
    case = client.get(f"/api/v1/cases/{world['case_id']}").get_json()
    assert [t["case_number"] for t in case["treatments"]] == ["14/25", "1/26"]

    changed = client.put(
        f"{url}/{data['id']}",
        json=NEW | {"number": "15/25", "version": data["version"]},
        headers=world["secretariat"],
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["case_number"] == "15/25"
    stale = client.put(
        f"{url}/{data['id']}", json=NEW | {"version": data["version"]}, headers=world["secretariat"]
    )
    assert_problem(stale, 409)

    assert client.delete(f"{url}/{data['id']}", headers=world["secretariat"]).get_json() == {
        "id": data["id"],
        "deleted": True,
    }
    case = client.get(f"/api/v1/cases/{world['case_id']}").get_json()
    assert [t["case_number"] for t in case["treatments"]] == ["1/26"]


def test_the_rules_of_the_case_page(client, world):
    url = f"/api/v1/cases/{world['case_id']}/external-treatments"
    assert_problem(client.post(url, json=NEW), 401)
    assert_problem(client.post(url, json=NEW, headers=world["member"]), 403)
    own = NEW | {"body": "arkitekturradet"}
    assert_problem(client.post(url, json=own, headers=world["secretariat"]), 422, "body")
    unknown = NEW | {"body": "finnes-ikke"}
    assert_problem(client.post(url, json=unknown, headers=world["secretariat"]), 422, "body")
    wrong_year = NEW | {"decided_on": "2026-06-12"}
    assert_problem(client.post(url, json=wrong_year, headers=world["secretariat"]), 422, "number")
    assert client.post(url, json=NEW, headers=world["secretariat"]).status_code == 201
    taken = client.post(url, json=NEW, headers=world["secretariat"])
    assert "14/25 er allerede brukt" in assert_problem(taken, 409)["detail"]
    missing = "/api/v1/cases/999999/external-treatments"
    assert_problem(client.post(missing, json=NEW, headers=world["secretariat"]), 404)


def test_meeting_treatments_are_not_changed_here_and_follow_ups_protect(client, world, session):
    url = f"/api/v1/cases/{world['case_id']}/external-treatments"
    case = client.get(f"/api/v1/cases/{world['case_id']}").get_json()
    own = case["treatments"][0]
    put = client.put(f"{url}/{own['id']}", json=NEW | {"version": 1}, headers=world["secretariat"])
    assert_problem(put, 404)
    assert_problem(client.delete(f"{url}/{own['id']}", headers=world["secretariat"]), 404)
    created = client.post(url, json=NEW, headers=world["secretariat"]).get_json()
    add_follow_up(
        session,
        db.session.get(Treatment, created["id"]),
        FollowUpInput(title="Svar", responsible="FHI"),
    )
    session.commit()
    refused = client.delete(f"{url}/{created['id']}", headers=world["secretariat"])
    assert "oppfølging" in assert_problem(refused, 409)["detail"]
