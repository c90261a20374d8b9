"""The produktråd's outcome for an escalated change request, written through the API with the
vedtak, as on the minutes page; it takes effect when the minutes are approved."""

from __future__ import annotations

from datetime import date

from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import add_case, make_meeting
from tests.services.test_change_outcomes import approve, escalated  # noqa: F401  (fixture)
from tests.services.test_changes import area, request, to  # noqa: F401  (fixtures)


def test_outcome_with_the_decision(client, session, escalated):  # noqa: F811
    r, treatment = escalated
    produktrad = treatment.body
    token = bearer(
        user_with_token(session, "Pia", "pia@example.no", body=produktrad, role="sekretariat")
    )
    url = f"/api/v1/treatments/{treatment.id}/decision"
    vedtak = {"version": treatment.version, "decision": "Produktrådet avviser ønsket."}
    no_reason = client.put(url, json=vedtak | {"change_outcome": "avvist"}, headers=token)
    assert_problem(no_reason, 422, "change_outcome_reason")
    assert treatment.decision == ""  # nothing of the refused request was saved
    wrong = client.put(url, json=vedtak | {"change_outcome": "levert"}, headers=token)
    assert_problem(wrong, 422, "change_outcome")
    saved = client.put(
        url,
        json=vedtak | {"change_outcome": "avvist", "change_outcome_reason": "Utenfor veikartet"},
        headers=token,
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.get_json()["decision"] == "Produktrådet avviser ønsket."
    session.refresh(r)
    assert r.status == "eskalert"  # until the minutes are approved
    approve(session, treatment.meeting, date(2026, 9, 2))
    session.refresh(r)
    assert (r.status, r.rejection_reason) == ("avvist", "Utenfor veikartet")


def test_outcome_only_for_an_escalated_case(client, session, escalated):  # noqa: F811
    _, treatment = escalated
    ordinary = add_case(make_meeting(treatment.body, date(2026, 6, 11)), "Vanlig sak").treatment
    token = bearer(
        user_with_token(session, "Pia", "pia@example.no", body=treatment.body, role="sekretariat")
    )
    session.commit()
    response = client.put(
        f"/api/v1/treatments/{ordinary.id}/decision",
        json={"version": ordinary.version, "decision": "Ok.", "change_outcome": "prioritert"},
        headers=token,
    )
    assert_problem(response, 422, "change_outcome")
