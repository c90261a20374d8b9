"""The API follows the same approval rule as the pages: a Godkjenning vedtak approves nothing
by itself, and marking the approving meeting held approves only when confirmed."""

from __future__ import annotations

from datetime import date

from govern.extensions import db
from govern.models.meetings import Meeting
from govern.services import minutes, minutes_locking
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import add_case, make_body, make_meeting


def test_godkjenning_vedtak_then_held_with_confirmation(client, session):
    body = make_body()
    first = make_meeting(body, date(2026, 1, 21))
    case = add_case(first, "Sak").treatment
    second = make_meeting(body, date(2026, 4, 29))
    approval = add_case(second, "Godkjenning", sakstype="Godkjenning").treatment
    session.commit()
    token = bearer(
        user_with_token(
            session, "Siv Ingebrigtsen", "siv@example.no", body=body, role="sekretariat"
        )
    )
    minutes.record_minutes(session, None, case, minutes.MinutesInput(case.version, decision="Ja."))
    first.status = "gjennomført"
    minutes_locking.send_minutes(session, None, first, confirmed=True)
    session.commit()

    saved = client.put(
        f"/api/v1/treatments/{approval.id}/decision",
        json={"version": approval.version, "decision": "Fagrådet godkjenner referatet."},
        headers=token,
    )
    assert saved.status_code == 200, saved.get_json()
    assert db.session.get(Meeting, first.id).minutes_status == "sendt"

    status = {"version": second.version, "status": "gjennomført"}
    asked = client.post(f"/api/v1/meetings/{second.id}/status", json=status, headers=token)
    detail = assert_problem(asked, 409)["detail"]
    assert "godkjennes og låses referatet fra møte 1/26 i Fagrådet (1 sak, 1 vedtak" in detail
    done = client.post(
        f"/api/v1/meetings/{second.id}/status",
        json=status | {"approve_minutes": True},
        headers=token,
    )
    assert done.status_code == 200 and done.get_json()["status"] == "gjennomført"
    got = client.get(f"/api/v1/meetings/{first.id}", headers=token).get_json()
    assert (got["status"], got["minutes_status"]) == ("referat godkjent", "godkjent")


def test_postponing_through_the_api(client, session):
    body = make_body()
    make_meeting(body, date(2026, 1, 21), status="gjennomført")
    second = make_meeting(body, date(2026, 4, 29))
    approval = add_case(second, "Godkjenning", sakstype="Godkjenning").treatment
    other = add_case(second, "Sak").treatment
    session.commit()
    token = bearer(
        user_with_token(
            session, "Siv Ingebrigtsen", "siv@example.no", body=body, role="sekretariat"
        )
    )
    wrong = client.put(
        f"/api/v1/treatments/{other.id}/decision",
        json={"version": other.version, "decision": "Nei.", "minutes_postponed": True},
        headers=token,
    )
    assert "Bare godkjenningssaken" in assert_problem(wrong, 422)["detail"]
    saved = client.put(
        f"/api/v1/treatments/{approval.id}/decision",
        json={
            "version": approval.version,
            "decision": "Referatet godkjennes ikke; det behandles i neste møte.",
            "minutes_postponed": True,
        },
        headers=token,
    )
    assert saved.status_code == 200, saved.get_json()
    session.expire_all()
    assert db.session.get(type(approval), approval.id).minutes_postponed
