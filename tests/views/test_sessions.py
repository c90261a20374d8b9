"""Sessions end everywhere: a copied session or "remember me" cookie stops working after a
logout, a new password or a deactivation, and other accounts' sessions live on."""

from __future__ import annotations

import re

import pytest
from flask_login.utils import encode_cookie

from govern.extensions import db
from govern.models import AuditEntry, User
from govern.services import accounts
from tests.conftest import make_person
from tests.views.test_pages import text_of

PASSWORD = "riktig-passord-123"
NEW_PASSWORD = "nytt-passord-456"


@pytest.fixture
def kari(session):
    person = make_person("Kari Nordmann", email="kari@example.no")
    user = accounts.create_account(session, person, "kari@example.no", password=PASSWORD)
    session.commit()
    return user


@pytest.fixture
def admin(session):
    person = make_person("Ada Admin", email="ada@example.no")
    user = accounts.create_account(
        session, person, "ada@example.no", is_admin=True, password=PASSWORD
    )
    session.commit()
    return user


def logged_in_client(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, text_of(response)
    return client


def session_cookie(client) -> str:
    return client.get_cookie("session", domain="govern.test").value


def replay(app, cookie: str, name: str = "session"):
    """A fresh browser that only has a copy of the cookie: whose profile does it see?"""
    thief = app.test_client()
    thief.set_cookie(name, cookie, domain="govern.test")
    return thief.get("/profile")


def is_logged_in_as(response, name: str) -> bool:
    return response.status_code == 200 and f"Navn {name}" in text_of(response)


def is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login")


def test_a_copied_cookie_stops_working_at_logout(app, kari):
    client = logged_in_client(app, "kari@example.no")
    cookie = session_cookie(client)
    assert is_logged_in_as(replay(app, cookie), "Kari Nordmann")  # the copy works until …
    assert client.post("/logout").status_code == 302
    assert is_sent_to_login(replay(app, cookie))  # … the owner logs out
    assert is_sent_to_login(client.get("/profile"))


def test_logout_ends_the_other_sessions_of_the_account(app, kari):
    laptop = logged_in_client(app, "kari@example.no")
    phone = logged_in_client(app, "kari@example.no")
    assert is_logged_in_as(phone.get("/profile"), "Kari Nordmann")
    laptop.post("/logout")
    assert is_sent_to_login(phone.get("/profile"))
    again = logged_in_client(app, "kari@example.no")  # logging in again works
    assert is_logged_in_as(again.get("/profile"), "Kari Nordmann")


def test_a_copied_remember_me_cookie_stops_working_at_logout(app, kari, session):
    client = logged_in_client(app, "kari@example.no")
    session.refresh(kari)
    remember = encode_cookie(kari.get_id())  # what Flask-Login's "remember me" would set
    assert is_logged_in_as(replay(app, remember, "remember_token"), "Kari Nordmann")
    client.post("/logout")
    assert is_sent_to_login(replay(app, remember, "remember_token"))


def test_another_accounts_session_survives(app, kari, admin):
    karis = logged_in_client(app, "kari@example.no")
    adas = logged_in_client(app, "ada@example.no")
    ada_cookie = session_cookie(adas)
    karis.post("/logout")
    assert is_logged_in_as(adas.get("/profile"), "Ada Admin")
    assert is_logged_in_as(replay(app, ada_cookie), "Ada Admin")


def test_a_new_password_from_a_one_time_link_ends_every_session(app, kari, session):
    client = logged_in_client(app, "kari@example.no")
    cookie = session_cookie(client)
    token = accounts.issue_password_link(session, kari)
    session.commit()
    assert is_logged_in_as(replay(app, cookie), "Kari Nordmann")  # a link alone ends nothing
    done = app.test_client().post(
        f"/password/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert is_sent_to_login(replay(app, cookie))
    assert is_sent_to_login(client.get("/profile"))
    assert is_logged_in_as(
        logged_in_client(app, "kari@example.no", NEW_PASSWORD).get("/profile"), "Kari Nordmann"
    )


def test_an_administrators_reset_and_deactivation_end_the_sessions(app, kari, admin):
    ada = logged_in_client(app, "ada@example.no")
    karis = logged_in_client(app, "kari@example.no")
    cookie = session_cookie(karis)
    page = ada.post(f"/admin/accounts/{kari.id}/reset")
    assert page.status_code == 200 and "Ny passordlenke" in text_of(page)
    assert is_sent_to_login(replay(app, cookie))
    # The old password still works until the link is used; log in again and deactivate.
    karis = logged_in_client(app, "kari@example.no")
    cookie = session_cookie(karis)
    ada.post(f"/admin/accounts/{kari.id}/active")
    assert is_sent_to_login(replay(app, cookie))
    assert is_sent_to_login(karis.get("/profile"))
    refused = karis.post("/login", data={"email": "kari@example.no", "password": PASSWORD})
    assert "Kontoen er deaktivert" in text_of(refused)
    # Active again, the cookie from before the deactivation still logs nobody in.
    ada.post(f"/admin/accounts/{kari.id}/active")
    assert is_sent_to_login(replay(app, cookie))
    assert is_logged_in_as(ada.get("/profile"), "Ada Admin")  # the administrator's own session


def test_api_tokens_outlive_a_logout_but_not_a_deactivation(app, kari, admin, session):
    from govern.services import api_tokens

    _, secret = api_tokens.create_token(session, kari, "Skript")
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    logged_in_client(app, "kari@example.no").post("/logout")
    assert app.test_client().get("/api/v1/bodies", headers=headers).status_code == 200
    logged_in_client(app, "ada@example.no").post(f"/admin/accounts/{kari.id}/active")
    refused = app.test_client().get("/api/v1/bodies", headers=headers)
    assert refused.status_code == 401
    assert "ukjent eller trukket tilbake" in refused.get_data(as_text=True)


def test_a_cookie_from_before_session_tokens_logs_nobody_in(app, kari):
    """A session written as "<id>" alone (before this change) is simply logged out."""
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(kari.id)
        sess["_fresh"] = True
    assert is_sent_to_login(client.get("/profile"))


def test_each_account_has_its_own_session_token(kari, admin, session):
    tokens = session.scalars(db.select(User.session_token)).all()
    assert len(set(tokens)) == 2 and all(len(t) >= 32 for t in tokens)
    assert re.fullmatch(rf"{kari.id}:\S+", kari.get_id())


def change(client, current: str, new: str = NEW_PASSWORD):
    data = {"current": current, "password": new, "confirm": new}
    return client.post("/profile/password", data=data)


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(app, kari, admin):
    here = logged_in_client(app, "kari@example.no")
    elsewhere = logged_in_client(app, "kari@example.no")
    copied = session_cookie(here)
    page = here.get("/profile")
    assert "Bytt passord" in text_of(page)
    done = change(here, PASSWORD)
    assert done.status_code == 302 and done.location == "/profile"
    assert "Passordet er endret. Du er logget ut alle andre steder." in text_of(
        here.get("/profile")
    )
    assert is_logged_in_as(here.get("/profile"), "Kari Nordmann")
    assert is_sent_to_login(elsewhere.get("/profile"))
    assert is_sent_to_login(replay(app, copied))  # the cookie as it was before the change
    assert is_logged_in_as(
        logged_in_client(app, "kari@example.no", NEW_PASSWORD).get("/profile"), "Kari Nordmann"
    )
    refused = app.test_client().post(
        "/login", data={"email": "kari@example.no", "password": PASSWORD}
    )
    assert "Feil e-postadresse eller passord" in text_of(refused)
    assert is_logged_in_as(logged_in_client(app, "ada@example.no").get("/profile"), "Ada Admin")
    logged = db.session.scalars(db.select(AuditEntry).where(AuditEntry.user_id == kari.id)).all()
    assert [(e.action, e.summary) for e in logged] == [("account.password", "Passordet ble endret")]


def test_a_password_change_needs_the_current_password(app, kari):
    client = logged_in_client(app, "kari@example.no")
    other = logged_in_client(app, "kari@example.no")
    wrong = change(client, "feil-passord")
    assert wrong.status_code == 400 and "Feil passord" in text_of(wrong)
    mismatch = client.post(
        "/profile/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": "noe-annet-123"},
    )
    assert "Passordene er ikke like" in text_of(mismatch)
    assert is_logged_in_as(other.get("/profile"), "Kari Nordmann")  # nothing changed
    # Wrong current passwords count as failed logins: a borrowed session cannot guess on.
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        change(client, "feil-passord")
    locked = change(client, PASSWORD)
    assert "For mange mislykkede forsøk" in text_of(locked)
    assert is_logged_in_as(other.get("/profile"), "Kari Nordmann")


def test_changing_the_password_needs_a_login(app):
    response = app.test_client().get("/profile/password")
    assert is_sent_to_login(response)


def test_an_administrator_resetting_their_own_account_stays_logged_in(app, admin):
    ada = logged_in_client(app, "ada@example.no")
    copied = session_cookie(ada)
    assert "Ny passordlenke" in text_of(ada.post(f"/admin/accounts/{admin.id}/reset"))
    assert is_logged_in_as(ada.get("/profile"), "Ada Admin")
    assert is_sent_to_login(replay(app, copied))
