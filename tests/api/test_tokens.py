"""Personal API tokens: created on the profile page, hashed, used as Bearer, revoked."""

from __future__ import annotations

from datetime import timedelta
from hashlib import sha256

from sqlalchemy import select

from govern.extensions import db
from govern.models.accounts import ApiToken, User
from govern.services.api_tokens import authenticate_token, create_token, revoke_token
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of


def test_token_is_stored_hashed_and_authenticates(session):
    person = make_user(session, "Kari Nordmann", "kari@example.no")
    user = session.scalar(select(User).where(User.person_id == person.id))
    token, secret = create_token(session, user, "Arkiv")
    session.commit()
    assert secret.startswith("gov_") and len(secret) > 40
    stored = session.get(ApiToken, token.id)
    assert stored.token_hash == sha256(secret.encode()).hexdigest()
    assert secret not in (stored.token_hash, stored.prefix) and secret.startswith(stored.prefix)
    assert authenticate_token(session, secret) is user
    first = stored.last_used_at
    assert first is not None
    assert authenticate_token(session, secret, now=first + timedelta(seconds=30)) is user
    assert stored.last_used_at == first  # at most once a minute
    authenticate_token(session, secret, now=first + timedelta(minutes=2))
    assert stored.last_used_at == first + timedelta(minutes=2)
    revoke_token(session, user, token.id)
    session.commit()
    assert authenticate_token(session, secret) is None
    assert authenticate_token(session, "gov_unknown") is None


def test_bearer_token_acts_as_its_owner_and_revoked_gives_401(client, session):
    token = user_with_token(session, "Ada Admin", "ada@example.no", is_admin=True)
    body = {"name": "Ny Person", "organisation": "Helse Vest"}
    created = client.post("/api/v1/people", json=body, headers=bearer(token))
    assert created.status_code == 201
    assert created.get_json()["name"] == "Ny Person"
    row = db.session.scalar(select(ApiToken))
    row.revoked_at = row.created_at
    session.commit()
    response = client.post("/api/v1/people", json=body, headers=bearer(token))
    data = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "trukket" in data["detail"]
    assert_problem(client.get("/api/v1/bodies", headers=bearer("gov_nope")), 401)
    assert_problem(client.get("/api/v1/bodies", headers={"Authorization": "Basic eDp5"}), 401)


def test_cookie_session_cannot_write_through_the_api(client, session):
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    login(client, "ada@example.no")
    assert client.get("/api/v1/people").status_code == 200
    response = client.post("/api/v1/people", json={"name": "X"})
    assert "API-nøkkel" in assert_problem(response, 401)["detail"]


def test_tokens_are_made_and_revoked_on_the_profile_page(client, session):
    make_user(session, "Kari Nordmann", "kari@example.no")
    login(client, "kari@example.no")
    page = client.post("/profile/api-tokens", data={"name": "Rapporter"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Kopier nøkkelen nå" in text and "Rapporter" in text
    token = db.session.scalar(select(ApiToken))
    secret = next(w for w in page.get_data(as_text=True).split('"') if w.startswith("gov_"))
    assert sha256(secret.encode()).hexdigest() == token.token_hash
    assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 200
    # The profile page afterwards shows the prefix, never the secret.
    profile = client.get("/profile").get_data(as_text=True)
    assert token.prefix in profile and secret not in profile
    blank = client.post("/profile/api-tokens", data={"name": "  "})
    assert blank.status_code == 400 and "Gi nøkkelen et navn" in text_of(blank)
    response = client.post(f"/profile/api-tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert_problem(client.get("/api/v1/people", headers=bearer(secret)), 401)
    assert "trukket tilbake" in text_of(client.get("/profile"))


def test_someone_elses_token_cannot_be_revoked(client, session):
    user_with_token(session, "Kari Nordmann", "kari@example.no")
    make_user(session, "Per Hansen", "per@example.no")
    login(client, "per@example.no")
    token = db.session.scalar(select(ApiToken))
    assert client.post(f"/profile/api-tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None
