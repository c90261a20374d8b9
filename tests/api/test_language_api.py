"""The API's problem documents speak the request's language: Accept-Language (or the token
owner's profile), else bokmål; field names, codes and statuses stay as they are."""

from __future__ import annotations

import pytest

from govern.extensions import db
from govern.models.accounts import User
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import make_body


@pytest.fixture
def admin_token(session):
    make_body()
    session.commit()
    return user_with_token(session, "Ada Admin", "ada@example.no", is_admin=True)


def _post_unknown_field(client, token, language=None):
    headers = {**bearer(token), **({"Accept-Language": language} if language else {})}
    return client.post("/api/v1/people", json={"name": "X", "shoe_size": 42}, headers=headers)


def test_a_bad_request_is_explained_in_english(client, admin_token):
    response = _post_unknown_field(client, admin_token, "en-GB,en;q=0.9")
    data = assert_problem(response, 422, "shoe_size")
    assert data["title"] == "Invalid data"
    assert data["detail"] == "“shoe_size” is not a known field."
    assert data["errors"] == [{"field": "shoe_size", "detail": "“shoe_size” is not a known field."}]
    assert data["type"] == "about:blank" and data["status"] == 422
    assert response.headers["Content-Language"] == "en"


def test_a_bad_request_is_explained_in_nynorsk(client, admin_token):
    response = _post_unknown_field(client, admin_token, "nn-NO")
    data = assert_problem(response, 422, "shoe_size")
    assert data["title"] == "Ugyldige data"
    assert data["detail"] == "«shoe_size» er ikkje eit kjent felt."
    wrong_type = client.post(
        "/api/v1/people", json={"name": 7}, headers={**bearer(admin_token), "Accept-Language": "nn"}
    )
    assert assert_problem(wrong_type, 422, "name")["detail"] == "«name» må vere ein tekst."
    assert response.headers["Content-Language"] == "nn"


def test_without_a_language_the_answer_is_bokmal(client, admin_token):
    data = assert_problem(_post_unknown_field(client, admin_token), 422, "shoe_size")
    assert data["title"] == "Ugyldige data"
    assert data["detail"] == "«shoe_size» er ikke et kjent felt."


def test_enum_values_and_several_fields(client, admin_token):
    headers = {**bearer(admin_token), "Accept-Language": "en"}
    kind = client.post(
        "/api/v1/bodies",
        json={"slug": "nytt", "name": "Nytt råd", "short_name": "Nytt", "kind": "klubb"},
        headers=headers,
    )
    detail = assert_problem(kind, 422, "kind")["detail"]
    assert detail.startswith("“kind” has an invalid value; valid values are ")
    assert "'utvalg'" in detail  # the values themselves are the stored ones, not translated
    several = client.post("/api/v1/people", json={"name": 7, "x": 1}, headers=headers)
    assert assert_problem(several, 422)["detail"].startswith("Several fields are invalid: ")


def test_not_found_and_missing_token_in_english_and_nynorsk(client, admin_token):
    missing = client.get("/api/v1/people/987654", headers={"Accept-Language": "en"})
    data = assert_problem(missing, 404)
    assert (data["title"], data["detail"]) == ("Not found", "The person does not exist.")
    body = client.get("/api/v1/bodies/finst-ikkje", headers={"Accept-Language": "nn"})
    assert assert_problem(body, 404)["detail"] == "Organet «finst-ikkje» finst ikkje."
    anonymous = client.post("/api/v1/people", json={"name": "X"}, headers={"Accept-Language": "en"})
    data = assert_problem(anonymous, 401)
    assert data["title"] == "Not authenticated"
    assert data["detail"].startswith("Changes through the API require a personal API key")
    bad_key = client.get(
        "/api/v1/people", headers={"Authorization": "Bearer gov_nope", "Accept-Language": "nn"}
    )
    assert assert_problem(bad_key, 401)["detail"] == "API-nøkkelen er ukjend eller trekt tilbake."


def test_malformed_json_and_wrong_content_type_in_english(client, admin_token):
    headers = {**bearer(admin_token), "Accept-Language": "en"}
    broken = client.post(
        "/api/v1/people", data="{nope", headers={**headers, "Content-Type": "application/json"}
    )
    data = assert_problem(broken, 400)
    assert (data["title"], data["detail"]) == ("Bad request", "The content is not valid JSON.")
    form = client.post("/api/v1/people", data={"name": "X"}, headers=headers)
    assert assert_problem(form, 415)["detail"] == (
        "The content must be sent as JSON (Content-Type: application/json)."
    )
    method = client.patch("/api/v1/people", headers={"Accept-Language": "nn"})
    assert assert_problem(method, 405)["title"] == "Metoden er ikkje tillaten"


def test_the_token_owners_profile_language_wins(client, session, admin_token):
    user = db.session.query(User).filter(User.is_admin.is_(True)).one()
    user.language = "nn"
    session.commit()
    response = _post_unknown_field(client, admin_token, "en")
    assert assert_problem(response, 422, "shoe_size")["detail"] == (
        "«shoe_size» er ikkje eit kjent felt."
    )
    assert response.headers["Content-Language"] == "nn"


def test_a_request_refused_before_the_language_is_chosen_answers_in_it(client):
    """The input guard refuses a control character before anything else of the request."""
    response = client.get("/api/v1/people?q=a%00b", headers={"Accept-Language": "en"})
    data = assert_problem(response, 400)
    assert data["title"] == "Bad request"
    assert response.headers["Content-Language"] == "en"


def test_the_openapi_document_stays_in_bokmal(client):
    document = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"}).get_json()
    responses = document["paths"]["/api/v1/people/{person_id}"]["get"]["responses"]
    assert responses["404"]["description"] == "Finnes ikke"


def test_the_docs_page_in_english_and_nynorsk(client):
    english = client.get("/api/v1/docs", headers={"Accept-Language": "en"})
    text = english.get_data(as_text=True)
    assert "How to authenticate" in text and "Unknown fields are refused (422)." in text
    assert "The descriptions of the operations and schemas are in Norwegian (bokmål)." in text
    nynorsk = client.get("/api/v1/docs", headers={"Accept-Language": "nn"}).get_data(as_text=True)
    assert "Ukjende felt blir avviste (422)." in nynorsk and "Parametrar" in nynorsk
