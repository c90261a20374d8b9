"""The OpenAPI document is valid, complete, and rendered as a browsable page."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from tests.views.test_pages import text_of


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_document_is_valid_openapi_31(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_documented_and_vice_versa(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    }
    routed = {
        (method, _openapi_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routed


def test_writes_need_a_token_and_name_their_statuses(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if method != "get":
                assert op["security"] == [{"bearer": []}], (method, path)
                assert {"401", "403", "422"} <= set(op["responses"]), (method, path)
                if "requestBody" in op:
                    assert {"413", "415"} <= set(op["responses"]), (method, path)
            schema = op["responses"]["400"]["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}
    create = document["paths"]["/api/v1/bodies"]["post"]
    ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["additionalProperties"] is False and "slug" in schema["required"]


def test_docs_page_lists_operations_by_tag(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = text_of(response)
    assert "Slik autentiserer du deg" in text and "Authorization: Bearer" in text
    for heading in ("Organer", "Personer", "Medlemskap", "Saker", "Møter", "Skjemaer"):
        assert heading in text
    assert "POST /api/v1/bodies – Opprett organ" in text
    assert "Ukjente felt avvises (422)." in text
    assert "cdn" not in response.get_data(as_text=True).lower()
