"""Shared helpers for the API tests: users with tokens, and authorised requests."""

from __future__ import annotations

from govern.extensions import db
from govern.models.accounts import User
from govern.services.api_tokens import create_token
from tests.views.test_body_admin import make_user


def user_with_token(session, name, email, **kw) -> str:
    """A user (see make_user) and a fresh token for them; returns the token."""
    person = make_user(session, name, email, **kw)
    user = db.session.query(User).filter_by(person_id=person.id).one()
    _, secret = create_token(session, user, "Test")
    session.commit()
    return secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """The response is a problem document with this status (naming `field`, if given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    data = response.get_json()
    assert data["status"] == status and data["title"] and data["detail"]
    assert data["instance"] == response.request.path
    if field is not None:
        assert field in [e["field"] for e in data["errors"]]
        assert f"«{field}»" in data["detail"] or field in data["detail"] or data["errors"]
    return data
