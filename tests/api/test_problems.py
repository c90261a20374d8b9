"""Every error under /api/v1 is application/problem+json with a Norwegian detail."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import make_body


@pytest.fixture
def admin_token(session):
    make_body()
    session.commit()
    return user_with_token(session, "Ada Admin", "ada@example.no", is_admin=True)


def test_bad_json_is_400(client, admin_token):
    response = client.post(
        "/api/v1/people",
        data="{nope",
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    assert assert_problem(response, 400)["detail"] == "Innholdet er ikke gyldig JSON."
    not_object = client.post("/api/v1/people", json=[1, 2], headers=bearer(admin_token))
    assert_problem(not_object, 400)


def test_wrong_content_type_is_415(client, admin_token):
    response = client.post("/api/v1/people", data={"name": "X"}, headers=bearer(admin_token))
    assert "JSON" in assert_problem(response, 415)["detail"]


def test_unknown_field_and_wrong_type_are_422_naming_the_field(client, admin_token):
    unknown = client.post(
        "/api/v1/people", json={"name": "X", "shoe_size": 42}, headers=bearer(admin_token)
    )
    data = assert_problem(unknown, 422, "shoe_size")
    assert data["detail"] == "«shoe_size» er ikke et kjent felt."
    wrong = client.post("/api/v1/people", json={"name": 7}, headers=bearer(admin_token))
    assert assert_problem(wrong, 422, "name")["detail"] == "«name» må være en tekst."
    kind = client.post(
        "/api/v1/bodies",
        json={"slug": "nytt", "name": "Nytt råd", "short_name": "Nytt", "kind": "klubb"},
        headers=bearer(admin_token),
    )
    assert "ugyldig verdi" in assert_problem(kind, 422, "kind")["detail"]
    strict = client.post(
        "/api/v1/bodies",
        json={"slug": "nytt", "name": "N", "short_name": "N", "kind": "utvalg", "external": "ja"},
        headers=bearer(admin_token),
    )
    assert_problem(strict, 422, "external")


def test_service_rules_give_422_and_conflicts_409(client, admin_token):
    blank = client.post("/api/v1/people", json={"name": "   "}, headers=bearer(admin_token))
    assert assert_problem(blank, 422, "name")["detail"] == "Navn må fylles ut"
    taken = client.post(
        "/api/v1/bodies",
        json={"slug": "fagradet", "name": "Igjen", "short_name": "Igjen", "kind": "fagråd"},
        headers=bearer(admin_token),
    )
    assert "fagradet" in assert_problem(taken, 409, "slug")["detail"]


def test_stale_version_is_409(client, admin_token):
    body = client.get("/api/v1/bodies/fagradet").get_json()
    update = {
        "version": body["version"],
        "name": "Nytt navn",
        "short_name": body["short_name"],
        "kind": body["kind"],
    }
    first = client.put("/api/v1/bodies/fagradet", json=update, headers=bearer(admin_token))
    assert first.status_code == 200 and first.get_json()["version"] == body["version"] + 1
    again = client.put("/api/v1/bodies/fagradet", json=update, headers=bearer(admin_token))
    data = assert_problem(again, 409, "version")
    assert "endret av noen andre" in data["detail"]


def test_missing_token_401_forbidden_403_not_found_404_method_405(client, session, admin_token):
    from tests.conftest import make_person

    make_person("Per Hansen")
    session.commit()
    anonymous = client.post("/api/v1/people", json={"name": "X"})
    assert_problem(anonymous, 401)
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    member = user_with_token(session, "Kari Nordmann", "kari@example.no")
    assert_problem(client.post("/api/v1/people", json={"name": "X"}, headers=bearer(member)), 403)
    assert_problem(client.get("/api/v1/people/999999"), 404)
    assert_problem(client.get("/api/v1/no-such-thing"), 404)
    assert_problem(client.delete("/api/v1/bodies"), 405)


def test_huge_body_is_413(client, admin_token):
    huge = '{"name": "' + "x" * (1024 * 1024 + 10) + '"}'
    response = client.post(
        "/api/v1/people",
        data=huge,
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    assert_problem(response, 413)


def test_bad_query_parameters_are_422(client, admin_token):
    assert_problem(client.get("/api/v1/bodies?per_page=0"), 422, "per_page")
    assert_problem(client.get("/api/v1/bodies?colour=blue"), 422, "colour")
    assert_problem(client.get("/api/v1/bodies?kind=klubb"), 422, "kind")
