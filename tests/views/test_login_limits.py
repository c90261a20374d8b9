"""The login limits are shared by every process (they live in the database), count the client
behind a trusted proxy, and do not tell which addresses have accounts; ?next= is safe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govern import create_app
from govern.extensions import db
from govern.models import LoginFailure, LoginLock
from govern.models.base import utcnow
from govern.services import accounts, login_limits
from tests.conftest import base_config, is_postgres, make_person
from tests.views.test_pages import text_of

PASSWORD = "riktig-passord-123"
FROM_HERE = "For mange mislykkede forsøk herfra. Vent litt og prøv igjen."
LOCKED = re.compile(r"For mange mislykkede forsøk\. Kontoen er låst i \d+ minutter til\.")


def add_account(email: str = "kari@example.no", name: str = "Kari Nordmann"):
    person = make_person(name, email=email)
    accounts.create_account(db.session, person, email, password=PASSWORD)
    db.session.commit()


@pytest.fixture
def apps(app, tmp_path):
    """Two application instances (two workers, or two hosts) on one database."""

    def make(**config):
        if is_postgres():
            made = [create_app(base_config(**config)) for _ in range(2)]
        else:
            url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
            options = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}}
            made = [create_app(base_config(**options, **config)) for _ in range(2)]
            with made[0].app_context():
                db.create_all()
        created.extend(made)
        return made

    created = []
    yield make
    for each in created:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def login(client, email, password, address="198.51.100.7", **kw):
    data = {"email": email, "password": password}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}, **kw)


def test_failures_are_counted_across_processes(apps):
    first, second = apps()
    with first.app_context():
        add_account()
    clients = [first.test_client(), second.test_client()]
    for n in range(20):  # ten through each process, each for another (unknown) address
        wrong = login(clients[n % 2], f"ingen{n}@example.no", "feil")
        assert "Feil e-postadresse eller passord" in text_of(wrong)
    refused = login(clients[0], "ingen-21@example.no", "feil")
    assert refused.status_code == 400 and FROM_HERE in text_of(refused)
    # From that address not even the right password is tried …
    assert FROM_HERE in text_of(login(clients[1], "kari@example.no", PASSWORD))
    # … while another address logs in.
    assert login(clients[1], "kari@example.no", PASSWORD, address="203.0.113.9").status_code == 302
    with second.app_context():
        counted = db.session.scalar(
            select(func.count()).where(LoginFailure.address == "198.51.100.7")
        )
        assert counted == 20  # refused attempts and successes are not failures


def test_the_address_limit_forgets_failures_older_than_the_window(app, session, client):
    old = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW"] + 1)
    session.add_all([LoginFailure(address="198.51.100.7", at=old) for _ in range(25)])
    session.commit()
    assert "Feil e-postadresse" in text_of(login(client, "ingen@example.no", "feil"))
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LoginFailure)) == 1  # pruned


def test_a_lock_is_shared_and_answers_alike_for_known_and_unknown_addresses(apps):
    first, second = apps()
    with first.app_context():
        add_account()
    clients = [first.test_client(), second.test_client()]
    answers = {}
    for email in ("kari@example.no", "ukjent@example.no"):
        for n in range(accounts.MAX_FAILED_LOGINS):
            wrong = login(clients[n % 2], email, "feil", address=f"192.0.2.{n}")
            assert "Feil e-postadresse eller passord" in text_of(wrong)
        locked = login(clients[1], email, PASSWORD, address="192.0.2.99")
        assert locked.status_code == 400
        answers[email] = LOCKED.findall(text_of(locked))
    assert answers["kari@example.no"] == answers["ukjent@example.no"]
    assert answers["kari@example.no"] == [
        "For mange mislykkede forsøk. Kontoen er låst i 15 minutter til."
    ]
    with first.app_context():
        # Stored as digests: neither address is in the table as text.
        digests = db.session.scalars(select(LoginLock.email_digest)).all()
        assert len(digests) == 2 and not any("@" in d for d in digests)


def test_a_lock_ends_after_its_time_and_a_success_clears_the_count(app, session, client):
    add_account()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        login(client, "kari@example.no", "feil")
    session.execute(db.update(LoginLock).values(locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert login(client, "kari@example.no", PASSWORD).status_code == 302
    assert login_limits.locked_until(session, "kari@example.no", utcnow()) is None
    assert session.scalar(select(func.count()).select_from(LoginLock)) == 0


def test_a_new_password_lifts_the_lock(app, session, client):
    add_account()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        login(client, "kari@example.no", "feil")
    user = session.scalar(select(accounts.User))
    token = accounts.issue_password_link(session, user)
    session.commit()
    client.post(
        f"/password/{token}", data={"password": "nytt-passord-1", "confirm": "nytt-passord-1"}
    )
    assert login(client, "kari@example.no", "nytt-passord-1").status_code == 302


def test_failed_logins_leave_the_page_cache_alone(app, session, client):
    from govern.cache.revision import current_revision

    before = current_revision(session)
    for n in range(3):
        login(client, f"ingen{n}@example.no", "feil")
    session.rollback()
    assert current_revision(session) == before


@pytest.mark.parametrize("trusted", [1, 0])
def test_behind_a_trusted_proxy_the_client_address_is_limited(apps, trusted):
    app, _ = apps(TRUSTED_PROXIES=trusted, LOGIN_RATE_LIMIT=3)
    client = app.test_client()

    def attempt(forwarded_for):
        headers = {"X-Forwarded-For": forwarded_for}
        return text_of(
            login(client, "ingen@example.no", "feil", address="10.0.0.1", headers=headers)
        )

    for _ in range(3):
        assert FROM_HERE not in attempt("203.0.113.5")
    assert FROM_HERE in attempt("203.0.113.5")
    other_client = attempt("203.0.113.6")
    if trusted:
        assert FROM_HERE not in other_client  # another client behind the same proxy
    else:
        assert FROM_HERE in other_client  # the header is anyone's to send: ignored
    with app.app_context():
        seen = set(db.session.scalars(select(LoginFailure.address)))
    assert seen == ({"203.0.113.5", "203.0.113.6"} if trusted else {"10.0.0.1"})


def test_a_trusted_proxy_also_tells_the_scheme(apps):
    app, _ = apps(TRUSTED_PROXIES=1)
    with app.app_context():
        add_account()
    response = login(
        app.test_client(),
        "kari@example.no",
        PASSWORD,
        headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "target",
    [
        "/bodies%0d%0aSet-Cookie:%20x=1",
        "/bodies%0aLocation:%20https://evil.example",
        "/%09/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
    ],
)
def test_next_outside_the_site_or_with_control_characters_goes_home(client, app, target):
    add_account()
    response = client.post(
        f"/login?next={target}", data={"email": "kari@example.no", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/"
    assert "Set-Cookie: x" not in str(response.headers)


def test_a_nul_byte_in_next_is_refused_with_a_message_before_any_login(client, app):
    add_account()
    response = client.post(
        "/login?next=/bodies%00", data={"email": "kari@example.no", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "kontrolltegn" in text_of(response)
    assert client.get("/profile").status_code in (302, 401)


def test_next_keeps_a_local_path_with_its_query(client, app):
    add_account()
    response = client.post(
        "/login?next=%2Fvedtak%3Forgan%3Dfagradet%26side%3D2",
        data={"email": "kari@example.no", "password": PASSWORD},
    )
    assert response.location == "/vedtak?organ=fagradet&side=2"


def test_a_nul_byte_in_the_email_is_refused_with_a_message_not_an_error(client, app):
    add_account()
    response = login(client, "kari@example.no\x00", PASSWORD)
    assert response.status_code == 400
    assert "kontrolltegn" in text_of(response)
    # Refused before the login view: not logged in, and no failure counted against anyone.
    assert client.get("/profile").status_code in (302, 401)
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_concurrent_failures_from_one_address_never_pass_the_limit(apps):
    """Attempts at the same moment, split over two processes, are counted against each other."""
    from concurrent.futures import ThreadPoolExecutor

    first, second = apps(LOGIN_RATE_LIMIT=4)

    def attempt(n):
        client = (first if n % 2 else second).test_client()
        response = login(client, f"ingen{n}@example.no", "feil")
        return response.status_code, text_of(response)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, range(12)))
    assert all(status == 400 for status, _ in answers)
    tried = [text for _, text in answers if "Feil e-postadresse eller passord" in text]
    refused = [text for _, text in answers if FROM_HERE in text]
    assert 1 <= len(tried) <= 4 and len(tried) + len(refused) == 12
    with first.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == len(tried)
