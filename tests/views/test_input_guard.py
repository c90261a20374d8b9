"""NUL bytes, control characters and line breaks where they do not belong.

A control character in a path, query string, form field or upload file name gets a Norwegian
400 (HTML for pages, problem+json under /api/) before any view runs, so nothing changes;
vertical tab and form feed pasted into a text area become line breaks; single-line fields
refuse a line break with a message at the field.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from govern.models import Body
from tests.views.test_body_admin import login, make_user


@pytest.fixture
def admin(client, session):
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    login(client, "ada@example.no")


@pytest.mark.parametrize(
    "url", ["/bodies/x%00", "/vedtak?organ=%00", "/sok?q=a%1Fb", "/bodies?side=%7F", "/%0D%0A"]
)
def test_a_visitor_gets_a_norwegian_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="nb"' in html and "kontrolltegn" in html


def test_login_with_a_nul_byte_in_the_address_is_refused(client, session):
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    response = client.post("/login", data={"email": "ada@example.no\x00", "password": "x"})
    assert response.status_code == 400
    assert client.get("/profile").status_code in (302, 401, 403)


def test_the_api_answers_problem_json_in_norwegian(client):
    response = client.get("/api/v1/bodies/x%00")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "kontrolltegn" in response.json["detail"]


def test_a_nul_byte_in_a_form_changes_nothing(client, session, admin):
    data = {"slug": "nytt", "name": "Nytt råd\x00", "short_name": "Nytt", "kind": "fagråd"}
    response = client.post("/bodies/new", data=data)
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Body)) == 0


def test_an_upload_file_name_with_a_control_character_is_refused(client, session, admin):
    data = {"file": (io.BytesIO(b"deltaker;tiltak\n"), "poeng\x1b.csv")}
    response = client.post("/prioriteringer/1/import", data=data)
    assert response.status_code == 400
    assert "kontrolltegn" in response.get_data(as_text=True)


def test_a_pasted_vertical_tab_becomes_a_line_break(client, session, admin):
    data = {
        "slug": "nytt",
        "name": "Nytt råd",
        "short_name": "Nytt",
        "kind": "fagråd",
        "status": "Etablert",
        "mandate": "Første linje\x0bAndre linje\x0cTredje",
        "escalates_to": "0",
    }
    response = client.post("/bodies/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    body = session.scalar(select(Body))
    assert body.mandate == "Første linje\nAndre linje\nTredje"


@pytest.mark.parametrize("name", ["Nytt\r\nråd", "Nytt\nråd", "Nytt\x0brød", "Nytt\u2028råd"])
def test_a_name_with_a_line_break_is_refused_at_the_field(client, session, admin, name):
    data = {"slug": "nytt", "name": name, "short_name": "Nytt", "kind": "fagråd"}
    data |= {"status": "Etablert", "escalates_to": "0"}
    response = client.post("/bodies/new", data=data)
    assert response.status_code in (200, 400)  # the form again, with the message
    assert "«Navn» kan ikke ha linjeskift" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Body)) == 0
