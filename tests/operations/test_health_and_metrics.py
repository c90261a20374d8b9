"""/healthz, /readyz and /metrics: for load balancers and monitoring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from govern import create_app
from govern.extensions import db
from govern.services.mail import queue_mail
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "postgresql://govern@127.0.0.1:1/govern"


def samples(response) -> dict[tuple[str, tuple], float]:
    """The metrics page as {(sample name, sorted labels): value}."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_healthz_answers_without_the_database_and_readyz_says_why_not():
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=UNREACHABLE, SQLALCHEMY_ENGINE_OPTIONS={}))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["status"] == "unavailable" and body["reason"] == "database"
    assert body["detail"].startswith("Databasen svarer ikke")


def test_readyz_is_ready_at_the_migrations_head(client):
    from govern.operations.readiness import migration_heads

    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ok", "revision": ", ".join(sorted(migration_heads()))}


def test_readyz_is_not_ready_before_the_migrations_ran(app, client):
    (head,) = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001_old'"))
    db.session.commit()
    try:
        response = client.get("/readyz")
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()
    assert response.status_code == 503
    body = response.get_json()
    assert body["reason"] == "migrations"
    assert "0001_old" in body["detail"] and head in body["detail"]
    assert "flask --app govern db upgrade" in body["detail"]


def test_requests_are_counted_by_url_rule_not_by_path(client):
    before = samples(client.get("/metrics"))
    for meeting_id in (9001, 9002, 9003):
        assert client.get(f"/meetings/{meeting_id}").status_code == 404
    client.get("/no/such/page")
    after = samples(client.get("/metrics"))
    rule = (
        "govern_http_requests_total",
        (("method", "GET"), ("route", "/meetings/<int:meeting_id>"), ("status", "404")),
    )
    assert after[rule] - before.get(rule, 0) == 3
    assert not any("9001" in str(labels) for _name, labels in after)
    unmatched = (
        "govern_http_requests_total",
        (("method", "GET"), ("route", "<unmatched>"), ("status", "404")),
    )
    assert after[unmatched] - before.get(unmatched, 0) == 1
    count = (
        "govern_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/meetings/<int:meeting_id>")),
    )
    assert after[count] - before.get(count, 0) == 3


def test_the_mail_queue_and_the_cache_hit_ratio(app, client, session):
    for n in range(2):
        queue_mail(session, f"p{n}@example.no", "P", "Emne", "Tekst")
    session.commit()
    client.get("/bodies")
    before = samples(client.get("/metrics"))
    client.get("/bodies")  # kept from the first: a hit in the page cache
    after = samples(client.get("/metrics"))
    assert after[("govern_database_up", ())] == 1
    assert after[("govern_mail_queue_length", ())] == 2
    assert after[("govern_mail_queue_oldest_age_seconds", ())] >= 0
    hit = ("govern_cache_lookups_total", (("cache", "page"), ("result", "hit")))
    assert after[hit] - before.get(hit, 0) == 1
    ratio = after[("govern_cache_hit_ratio", (("cache", "page"),))]
    assert 0 < ratio <= 1


def test_an_empty_mail_queue_has_no_age(client):
    found = samples(client.get("/metrics"))
    assert found[("govern_mail_queue_length", ())] == 0
    assert found[("govern_mail_queue_oldest_age_seconds", ())] == 0


def test_metrics_only_for_allowed_addresses_or_the_token(app, client):
    app.config.update(METRICS_TOKEN="s3cret-token", METRICS_ALLOW="10.1.0.0/16, ::1")
    outside = {"REMOTE_ADDR": "203.0.113.5"}
    refused = client.get("/metrics", environ_base=outside)
    assert refused.status_code == 403
    assert refused.get_data(as_text=True) == "Ingen tilgang til målingene.\n"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    wrong = {"Authorization": "Bearer not-it"}
    assert client.get("/metrics", environ_base=outside, headers=wrong).status_code == 403
    right = {"Authorization": "Bearer s3cret-token"}
    assert client.get("/metrics", environ_base=outside, headers=right).status_code == 200


def test_behind_a_proxy_the_client_address_decides(app, client):
    from govern.extensions import trust_proxies

    app.config["TRUSTED_PROXIES"] = 1
    trust_proxies(app)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/metrics", environ_base=proxy, headers=forwarded).status_code == 403
    assert client.get("/metrics", environ_base=proxy).status_code == 200


def test_without_the_database_the_other_metrics_still_answer():
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=UNREACHABLE, SQLALCHEMY_ENGINE_OPTIONS={}))
    found = samples(app.test_client().get("/metrics"))
    assert found[("govern_database_up", ())] == 0
    assert ("govern_mail_queue_length", ()) not in found


SCRIPT = """
import sys
from govern import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
client = app.test_client()
if sys.argv[1] == "serve":
    for _ in range(3):
        client.get("/healthz")
else:
    sys.stdout.write(client.get("/metrics").get_data(as_text=True))
"""


def test_workers_are_summed_in_multi_process_mode(tmp_path):
    """Under gunicorn (PROMETHEUS_MULTIPROC_DIR set, as gunicorn.conf.py does), a scrape of
    any worker reports the counts of all of them."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("GOVERN_TEST_DATABASE_URL", None)

    def run(what: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, what], env=env, capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    run("serve")
    run("serve")
    found = {}
    for family in text_string_to_metric_families(run("scrape")):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    key = (
        "govern_http_requests_total",
        (("method", "GET"), ("route", "/healthz"), ("status", "200")),
    )
    assert found[key] == 6


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_they_are_never_cached(client, path):
    assert client.get(path).headers["Cache-Control"] == "private, no-store"
