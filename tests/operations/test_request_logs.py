"""One log line per request, with a request id that is also in the response and in every
error logged while the request ran; JSON with GOVERN_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging

import pytest

from govern import create_app
from govern.services import accounts
from tests.conftest import base_config, make_person


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_lines():
    handler = Records()
    logger = logging.getLogger("govern.requests")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def test_one_line_per_request_with_its_id_route_status_and_user(client, session, request_lines):
    person = make_person("Kari Nordmann", email="kari@example.no")
    user = accounts.create_account(
        session, person, "kari@example.no", password="riktig-passord-123"
    )
    session.commit()
    first = client.get("/meetings/4711")
    login = client.post(
        "/login", data={"email": "kari@example.no", "password": "riktig-passord-123"}
    )
    profile = client.get("/profile")
    assert [r.status for r in request_lines] == [404, 302, 200]
    line = request_lines[0]
    assert line.request_id == first.headers["X-Request-ID"]
    assert (line.method, line.path, line.route) == (
        "GET",
        "/meetings/4711",
        "/meetings/<int:meeting_id>",
    )
    assert line.user_id is None and line.duration_ms >= 0
    assert request_lines[1].request_id == login.headers["X-Request-ID"]
    assert request_lines[2].user_id == user.id
    assert request_lines[2].getMessage().endswith(f"user={user.id}")
    assert profile.headers["X-Request-ID"] not in {
        first.headers["X-Request-ID"],
        login.headers["X-Request-ID"],
    }


def test_an_id_from_the_proxy_is_kept_and_junk_is_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-4f1c2a9b7d"})
    assert kept.headers["X-Request-ID"] == "nginx-4f1c2a9b7d"
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert junk.headers["X-Request-ID"] != "<script>" and len(junk.headers["X-Request-ID"]) == 32


def _failing_app(**config):
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI="sqlite://", **config))
    app.config["TESTING"] = False  # errors are answered (500), not raised into the test
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom():
        raise RuntimeError("kaboom")

    app.add_url_rule("/boom", "boom", boom)
    return app


def test_an_error_is_logged_with_the_request_id(capsys):
    app = _failing_app()
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    err = capsys.readouterr().err
    error_line = next(line for line in err.splitlines() if "Unhandled error" in line)
    assert f"[{request_id}] govern: Unhandled error" in error_line
    assert "RuntimeError: kaboom" in err
    assert f"[{request_id}] govern.requests: GET /boom 500" in err


def test_json_lines(capsys):
    app = _failing_app(LOG_FORMAT="json")
    response = app.test_client().get("/boom")
    request_id = response.headers["X-Request-ID"]
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    error = next(line for line in lines if line["message"] == "Unhandled error")
    assert error["request_id"] == request_id and error["level"] == "error"
    assert "RuntimeError: kaboom" in error["exception"]
    request = next(line for line in lines if line["logger"] == "govern.requests")
    assert request["request_id"] == request_id
    assert (request["method"], request["path"], request["route"], request["status"]) == (
        "GET",
        "/boom",
        "/boom",
        500,
    )
    assert request["user_id"] is None and isinstance(request["duration_ms"], float)
    assert request["time"].endswith("Z")
    create_app(base_config())  # back to text lines for the other tests of this process
