"""The read-only JSON API under /api/v1/."""

from __future__ import annotations

from tests.api.helpers import bearer, user_with_token
from tests.views.test_pages import meeting_id


def test_bodies_list_is_paginated(client, demo):
    data = client.get("/api/v1/bodies?per_page=3").get_json()
    assert data["total"] == 7 and data["pages"] == 3 and data["page"] == 1
    assert len(data["items"]) == 3
    assert all(isinstance(b["id"], int) for b in data["items"])
    assert data["next"].endswith("/api/v1/bodies?per_page=3&page=2")
    last = client.get("/api/v1/bodies?per_page=3&page=3").get_json()
    assert len(last["items"]) == 1 and last["next"] is None


def test_body_detail(client, session, demo):
    data = client.get("/api/v1/bodies/fagradet").get_json()
    assert data["slug"] == "fagradet" and data["short_name"] == "Fagrådet"
    assert data["kind"] == "fagråd" and data["status"] == "Etablert"
    roles = {m["role"] for m in data["members"]}
    assert {"medlem", "vara", "sekretariat"} <= roles
    vara = next(m for m in data["members"] if m["role"] == "vara")
    assert vara["deputy_for"] == "Stine Slørdal"
    # A members-only body is read by its readers and administrators only (as its page).
    assert client.get("/api/v1/bodies/endringsrad-medikasjon").status_code == 404
    admin = bearer(user_with_token(session, "Ada Admin", "ada@example.no", is_admin=True))
    medikasjon = client.get("/api/v1/bodies/endringsrad-medikasjon", headers=admin).get_json()
    assert medikasjon["escalates_to"] == "produktrad-dips-arena"


def test_meetings_of_a_body_by_year(client, demo):
    data = client.get("/api/v1/bodies/fagradet/meetings?year=2026").get_json()
    assert sorted(m["number"] for m in data["items"]) == ["1/26", "2/26"]
    april = next(m for m in data["items"] if m["number"] == "2/26")
    day = {k: v for k, v in april["days"][0].items() if k != "id"}
    assert day == {
        "number": 1,
        "date": "2026-04-29",
        "start": "2026-04-29T08:00:00Z",
        "end": "2026-04-29T14:00:00Z",
    }
    assert april["title"] and april["version"] >= 1 and april["minutes_status"]
    assert client.get("/api/v1/bodies/fagradet/meetings?year=2025").get_json()["items"] == []


def test_meeting_detail_has_days_agenda_and_case_numbers(client, demo, session):
    data = client.get(f"/api/v1/meetings/{meeting_id(session, 'fagradet', '2/26')}").get_json()
    assert data["number"] == "2/26" and len(data["days"]) == 2
    cases = [i for i in data["agenda"] if i["type"] == "case"]
    assert [c["case_number"] for c in cases] == [f"{n}/26" for n in range(9, 19)]
    ehds = cases[1]
    assert ehds["sakstype"] == "Drøfting" and ehds["time"] == "10:10" and ehds["day"] == 1
    assert ehds["attachments"] == [
        {
            "number": "2",
            "title": "Toppnotat EHDS på legemiddelområdet i forhold til norsk e-reseptløsning",
        }
    ]
    points = [i for i in data["agenda"] if i["type"] == "point"]
    assert points and all(p["parent_id"] for p in points)
    assert any(i["type"] == "break" and i["title"] == "Lunsj" for i in data["agenda"])


def test_case_detail_has_all_treatments(client, demo, session):
    meeting = client.get(f"/api/v1/meetings/{meeting_id(session, 'fagradet', '2/26')}").get_json()
    case_id = next(i["case_id"] for i in meeting["agenda"] if i["case_number"] == "10/26")
    data = client.get(f"/api/v1/cases/{case_id}").get_json()
    numbers = [(t["case_number"], t["body"]) for t in data["treatments"]]
    assert numbers[-1] == ("10/26", "fagradet")
    assert ("26/25", "nasjonalt-e-helserad") in numbers
    assert data["treatments"][-1]["date"] == "2026-04-29"


def test_errors_are_problem_documents(client, demo):
    assert client.get("/api/v1/bodies/finnes-ikke").status_code == 404
    response = client.get("/api/v1/bodies?page=tre")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "«page» må være et heltall."
    assert client.get("/api/v1/bodies?per_page=100000").status_code == 422


def test_drafts_and_unapproved_minutes_stay_hidden_from_anonymous(client, session):
    from datetime import date

    from tests.conftest import add_case, make_body, make_meeting

    body = make_body()
    draft = make_meeting(body, date(2026, 9, 1), status="planlagt")
    held = make_meeting(body, date(2026, 6, 1), status="gjennomført")
    add_case(
        held, "Sak med vedtak", decision="Rådet anbefaler alternativ 2.", inputs=("Et innspill",)
    )
    session.commit()
    assert client.get(f"/api/v1/meetings/{draft.id}").status_code == 404
    listed = client.get("/api/v1/bodies/fagradet/meetings").get_json()["items"]
    assert [m["number"] for m in listed] == [held.number]
    data = client.get(f"/api/v1/meetings/{held.id}").get_json()
    item = data["agenda"][0]
    assert item["title"] == "Sak med vedtak"
    assert item["decision"] == "" and item["input"] == []
    assert data["minutes_status"] == "utkast"
