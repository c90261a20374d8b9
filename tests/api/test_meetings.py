"""Meetings through the API: planning, changes with versions, status, lists, permissions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.models.audit import AuditEntry
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import add_case, make_body, make_meeting

DAY = {"date": "2026-05-06", "start": "09:00", "end": "15:00"}


@pytest.fixture
def people(session):
    body = make_body()
    session.commit()
    return {
        "body": body,
        "sekretariat": user_with_token(
            session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat"
        ),
        "medlem": user_with_token(
            session, "Mona Medlem", "mona@example.no", body=body, role="medlem"
        ),
        "admin": user_with_token(session, "Ada Admin", "ada@example.no", is_admin=True),
    }


def _plan(client, token, **extra):
    payload = {"days": [DAY], "location": "Oslo"} | extra
    return client.post("/api/v1/bodies/fagradet/meetings", json=payload, headers=bearer(token))


def test_secretariat_plans_a_meeting_with_numbers_and_opening_items(client, session, people):
    response = _plan(client, people["sekretariat"], days=[DAY, {**DAY, "date": "2026-05-07"}])
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert data["number"] == "1/26" and data["status"] == "planlagt"
    assert [d["number"] for d in data["days"]] == [1, 2]
    assert data["days"][0]["start"] == "2026-05-06T07:00:00Z"  # 09:00 in Oslo, summer time
    assert [i["sakstype"] for i in data["agenda"]] == ["Godkjenning", "Eventuelt"]
    assert [i["case_number"] for i in data["agenda"]] == ["1/26", "2/26"]
    second = _plan(client, people["sekretariat"], days=[{**DAY, "date": "2026-06-10"}])
    assert second.get_json()["number"] == "2/26"
    actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count("meeting.plan") == 2


def test_drafts_are_hidden_and_lists_filter(client, session, people):
    body = people["body"]
    make_meeting(body, date(2026, 3, 4), status="gjennomført")
    draft = make_meeting(body, date(2026, 9, 2), status="planlagt")
    session.commit()
    anonymous = client.get("/api/v1/meetings").get_json()
    assert [m["number"] for m in anonymous["items"]] == ["1/26"]
    assert client.get(f"/api/v1/meetings/{draft.id}").status_code == 404
    secretariat = bearer(people["sekretariat"])
    listed = client.get("/api/v1/meetings?status=planlagt", headers=secretariat).get_json()
    assert [m["id"] for m in listed["items"]] == [draft.id]
    ranged = client.get("/api/v1/meetings?from=2026-03-05&to=2026-12-31", headers=secretariat)
    assert [m["number"] for m in ranged.get_json()["items"]] == ["2/26"]
    by_body = client.get("/api/v1/bodies/fagradet/meetings?status=gjennomført").get_json()
    assert [m["number"] for m in by_body["items"]] == ["1/26"]
    assert client.get("/api/v1/meetings?body=finnes-ikke").get_json()["total"] == 0
    assert_problem(client.get("/api/v1/meetings?status=ukjent"), 422, "status")


def test_update_checks_the_version_and_names_the_field(client, session, people):
    token = bearer(people["sekretariat"])
    meeting = _plan(client, people["sekretariat"]).get_json()
    day = meeting["days"][0]
    change = {
        "version": meeting["version"],
        "location": "Bergen",
        "days": [{"id": day["id"], "date": "2026-05-06", "start": "10:00", "end": "16:00"}],
    }
    url = f"/api/v1/meetings/{meeting['id']}"
    updated = client.put(url, json=change, headers=token)
    assert updated.status_code == 200, updated.get_data(as_text=True)
    assert updated.get_json()["location"] == "Bergen"
    assert updated.get_json()["version"] > meeting["version"]
    assert_problem(client.put(url, json=change, headers=token), 409, "version")
    bad = {**change, "version": updated.get_json()["version"]}
    bad["days"] = [{**change["days"][0], "end": "08:00"}]
    problem = assert_problem(client.put(url, json=bad, headers=token), 422, "days[0].end")
    assert "må være etter start" in problem["detail"]
    unknown = {**change, "colour": "blå"}
    assert_problem(client.put(url, json=unknown, headers=token), 422, "colour")


def test_status_changes_as_on_the_web_and_meetings_are_not_deleted(client, session, people):
    token = bearer(people["sekretariat"])
    meeting = _plan(client, people["sekretariat"]).get_json()
    url = f"/api/v1/meetings/{meeting['id']}"
    called = client.post(
        f"{url}/status", json={"version": meeting["version"], "status": "innkalt"}, headers=token
    )
    assert called.status_code == 200 and called.get_json()["status"] == "innkalt"
    # The meeting is now public.
    assert client.get(url).status_code == 200
    again = client.post(
        f"{url}/status",
        json={"version": called.get_json()["version"], "status": "innkalt"},
        headers=token,
    )
    problem = assert_problem(again, 422, "status")
    assert "kan ikke få status" in problem["detail"]
    deleted = assert_problem(client.delete(url, headers=token), 409)
    assert "avlys" in deleted["detail"].lower()


def test_permissions(client, session, people):
    assert_problem(client.post("/api/v1/bodies/fagradet/meetings", json={"days": [DAY]}), 401)
    assert_problem(_plan(client, people["medlem"]), 403)
    assert _plan(client, people["admin"]).status_code == 201
    assert_problem(
        client.post(
            "/api/v1/bodies/nei/meetings", json={"days": [DAY]}, headers=bearer(people["admin"])
        ),
        404,
    )


def test_attendance_and_decisions_only_for_readers_of_the_minutes(client, session, people):
    body = people["body"]
    held = make_meeting(body, date(2026, 3, 4), status="gjennomført")
    add_case(held, "Sak", decision="Vedtatt.")
    session.commit()
    anonymous = client.get(f"/api/v1/meetings/{held.id}").get_json()
    assert anonymous["agenda"][0]["decision"] == "" and anonymous["attendance"] == []
    mine = client.get(f"/api/v1/meetings/{held.id}", headers=bearer(people["sekretariat"]))
    assert mine.get_json()["agenda"][0]["decision"] == "Vedtatt."


def test_members_see_shared_drafts_in_the_list_across_bodies(client, session, people):
    body = people["body"]
    shared = make_meeting(body, date(2026, 9, 2), status="planlagt")
    shared.agenda_shared = True
    make_meeting(body, date(2026, 10, 7), status="planlagt")
    session.commit()
    member = client.get("/api/v1/meetings", headers=bearer(people["medlem"])).get_json()
    assert [m["id"] for m in member["items"]] == [shared.id]
    assert client.get("/api/v1/meetings").get_json()["total"] == 0
    assert client.get("/api/v1/meetings", headers=bearer(people["admin"])).get_json()["total"] == 2
    index = client.get("/api/v1/").get_json()
    assert index["meetings"].endswith("/api/v1/meetings")
    assert index["follow_ups"].endswith("/api/v1/follow-ups")
