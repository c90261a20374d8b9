"""Logging in and out, lockout, one-time password links, cookies and CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy.pool import StaticPool

from govern import create_app
from govern.extensions import db
from govern.models.base import utcnow
from govern.services import accounts, login_limits
from tests.conftest import base_config, make_person
from tests.views.test_pages import text_of

PASSWORD = "riktig-passord-123"


@pytest.fixture
def user(session):
    person = make_person("Kari Nordmann", email="kari@example.no")
    user = accounts.create_account(session, person, "Kari@Example.no", password=PASSWORD)
    session.commit()
    return user


def login(client, email, password, **kw):
    return client.post("/login", data={"email": email, "password": password}, **kw)


def test_login_and_logout(client, user):
    response = login(client, "kari@example.no", PASSWORD)
    assert response.status_code == 302
    page = text_of(client.get("/bodies"))
    assert "Du er logget inn som Kari Nordmann." in page and "Logg ut" in page
    assert client.post("/logout").status_code == 302
    assert "Logg inn" in text_of(client.get("/bodies"))


def test_wrong_password_is_refused_with_a_norwegian_message(client, user):
    response = login(client, "kari@example.no", "feil")
    assert response.status_code == 400
    assert "Feil e-postadresse eller passord" in text_of(response)
    unknown = login(client, "ingen@example.no", "feil")
    assert "Feil e-postadresse eller passord" in text_of(unknown)


def test_account_locks_after_repeated_failures(client, user, session):
    for _ in range(accounts.MAX_FAILED_LOGINS):
        login(client, "kari@example.no", "feil")
    response = login(client, "kari@example.no", PASSWORD)
    assert "Kontoen er låst" in text_of(response)
    session.expire_all()
    locked_until = login_limits.locked_until(session, "kari@example.no", utcnow())
    assert locked_until > utcnow() + timedelta(minutes=14)


def test_next_only_follows_local_paths(client, user):
    assert (
        login(
            client, "kari@example.no", PASSWORD, query_string={"next": "//evil.example/x"}
        ).location
        == "/"  # the front page, which sends members on to /bodies
    )
    client.post("/logout")
    assert (
        login(client, "kari@example.no", PASSWORD, query_string={"next": "/bodies/x"}).location
        == "/bodies/x"
    )


def test_password_is_stored_as_argon2(user):
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_one_time_link_sets_a_password_once(client, session, user):
    token = accounts.issue_password_link(session, user)
    session.commit()
    page = client.get(f"/password/{token}")
    assert page.status_code == 200 and "kari@example.no" in text_of(page)
    short = client.post(f"/password/{token}", data={"password": "kort", "confirm": "kort"})
    assert "Passordet må ha mellom 10 og 200 tegn" in text_of(short)
    done = client.post(
        f"/password/{token}", data={"password": "nytt-passord-456", "confirm": "nytt-passord-456"}
    )
    assert done.status_code == 302
    assert client.get(f"/password/{token}").status_code == 404
    assert login(client, "kari@example.no", "nytt-passord-456").status_code == 302


def test_a_new_link_revokes_the_old_one(client, session, user):
    first = accounts.issue_password_link(session, user)
    accounts.issue_password_link(session, user)
    session.commit()
    assert "ugyldig, brukt eller utløpt" in text_of(client.get(f"/password/{first}"))


def test_session_cookie_flags(client, user):
    response = login(client, "kari@example.no", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    client.post("/logout")
    secure = login(client, "kari@example.no", PASSWORD, base_url="https://govern.test")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_posts_without_csrf_token_are_refused(tmp_path):
    # Its own in-memory database: CSRF does not depend on the database, and an app of its
    # own on the shared PostgreSQL test database would leave rows behind for later tests.
    app = create_app(
        base_config(
            WTF_CSRF_ENABLED=True,
            SQLALCHEMY_DATABASE_URI="sqlite://",
            SQLALCHEMY_ENGINE_OPTIONS={"poolclass": StaticPool},
        )
    )
    with app.app_context():
        db.create_all()
        person = make_person("Ola Hansen", email="ola@example.no")
        accounts.create_account(db.session, person, "ola@example.no", password=PASSWORD)
        db.session.commit()
        client = app.test_client()
        refused = client.post("/login", data={"email": "ola@example.no", "password": PASSWORD})
        assert refused.status_code == 400
        assert "Ugyldig forespørsel" in text_of(refused)
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        accepted = client.post(
            "/login", data={"email": "ola@example.no", "password": PASSWORD, "csrf_token": token}
        )
        assert accepted.status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_admin_creates_an_account_and_gets_a_link(client, session):
    admin_person = make_person("Admin Adminsen", email="a@example.no")
    accounts.create_account(
        session, admin_person, "admin@example.no", is_admin=True, password=PASSWORD
    )
    target = make_person("Per Vik", email="per@example.no")
    session.commit()
    login(client, "admin@example.no", PASSWORD)
    page = client.post(
        "/admin/accounts/new", data={"person_id": target.id, "email": "per@example.no"}
    )
    assert page.status_code == 200
    link = re.search(r'value="(http[^"]+/password/[^"]+)"', page.get_data(as_text=True)).group(1)
    token = link.rsplit("/", 1)[1]
    client.post("/logout")
    client.post(
        f"/password/{token}", data={"password": "pers-passord-1", "confirm": "pers-passord-1"}
    )
    assert login(client, "per@example.no", "pers-passord-1").status_code == 302
    client.post("/logout")
    login(client, "admin@example.no", PASSWORD)
    other = make_person("Siri Dahl", email="siri@example.no")
    session.commit()
    duplicate = client.post(
        "/admin/accounts/new", data={"person_id": other.id, "email": "per@example.no"}
    )
    assert duplicate.status_code == 400
    assert "Det finnes allerede en konto for per@example.no" in text_of(duplicate)
    has_account = client.post(
        "/admin/accounts/new", data={"person_id": target.id, "email": "x@example.no"}
    )
    assert "Ikke et gyldig valg" in text_of(has_account)
