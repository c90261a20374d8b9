"""Stateless app servers on one PostgreSQL: the secret key, connections that survive a
restart of the database, and one-off jobs that every host may start at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from govern import create_app
from govern.config import normalise_database_url
from govern.extensions import db
from govern.operations.job_lock import lock_key, only_one_run
from tests import snapshots
from tests.conftest import PG_URL, base_config

ROOT = Path(__file__).resolve().parents[2]
needs_postgres = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (GOVERN_TEST_DATABASE_URL)")


# -- the secret key --------------------------------------------------------------------------


def test_the_secret_key_comes_from_a_file_when_one_is_named(tmp_path, capsys):
    key_file = tmp_path / "key"
    key_file.write_text("a-shared-key-for-every-host-0123456789\n")
    app = create_app(base_config(SECRET_KEY=None, SECRET_KEY_FILE=str(key_file)))
    assert app.config["SECRET_KEY"] == "a-shared-key-for-every-host-0123456789"
    assert str(key_file) in app.config["SECRET_KEY_SOURCE"]
    # The start-up line says so.
    assert f"secret key file {key_file}" in capsys.readouterr().err


def test_a_missing_or_short_key_file_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="GOVERN_SECRET_KEY_FILE: kan ikke lese"):
        create_app(base_config(SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "none")))
    (tmp_path / "short").write_text("abc")
    with pytest.raises(RuntimeError, match="minst 16 tegn"):
        create_app(base_config(SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "short")))


def test_without_a_key_one_is_generated_for_this_machine_and_the_log_says_so(tmp_path, capsys):
    from flask import Flask

    from govern.config import load_secret_key

    apps = [Flask("govern", instance_path=str(tmp_path)) for _ in range(2)]
    for each in apps:
        load_secret_key(each)
    assert apps[0].config["SECRET_KEY"] == apps[1].config["SECRET_KEY"]
    assert (tmp_path / "secret_key").read_text() == apps[0].config["SECRET_KEY"]
    assert "generated for this machine only" in apps[0].config["SECRET_KEY_SOURCE"]
    create_app(base_config(SECRET_KEY=None))
    err = capsys.readouterr().err
    assert "generated for this machine only" in err and "GOVERN_SECRET_KEY_FILE" in err


def test_the_key_from_the_environment_is_used(monkeypatch, capsys):
    monkeypatch.setenv("GOVERN_SECRET_KEY", "from-the-environment-0123456789")
    config = base_config()
    del config["SECRET_KEY"]
    app = create_app(config)
    assert app.config["SECRET_KEY"] == "from-the-environment-0123456789"
    assert "secret key configured" in capsys.readouterr().err


# -- connections survive a restart -----------------------------------------------------------


def test_connections_to_a_database_server_are_checked_before_use():
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI="postgresql://u@127.0.0.1:1/x"))
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    sqlite = create_app(base_config(SQLALCHEMY_DATABASE_URI="sqlite://"))
    assert "pool_pre_ping" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]


@needs_postgres
def test_requests_after_the_database_dropped_every_connection_succeed(app, client):
    """What a restart or fail-over of PostgreSQL does to the pool: every connection it holds
    is dead. The next requests get fresh ones instead of a 500."""
    for _ in range(3):
        assert client.get("/bodies").status_code == 200
    db.session.remove()
    killer = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    killer.dispose()
    assert killed >= 1
    assert [client.get("/bodies").status_code for _ in range(3)] == [200, 200, 200]


# -- one-off jobs on every host --------------------------------------------------------------


@needs_postgres
def test_only_one_run_of_a_job_at_a_time(app):
    with (
        only_one_run(db.engine, "a-job") as first,
        only_one_run(db.engine, "a-job") as second,
        only_one_run(db.engine, "other") as third,
    ):
        assert (first, second, third) == (True, False, True)
    with only_one_run(db.engine, "a-job") as again:
        assert again is True


def test_a_job_on_sqlite_always_runs(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with only_one_run(engine, "a-job") as first, only_one_run(engine, "a-job") as second:
        assert first and second


@needs_postgres
@pytest.mark.parametrize("job", ["send-mail", "remind"])
def test_a_run_that_another_host_beat_exits_quietly(app, job):
    with only_one_run(db.engine, job) as mine:
        assert mine
        result = app.test_cli_runner().invoke(args=[job])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"En annen kjøring av {job} pågår (her eller på en annen tjener); denne gjør ingenting."
    )
    again = app.test_cli_runner().invoke(args=[job])
    assert again.exit_code == 0 and "En annen kjøring" not in again.output


def _waiting_for_advisory_lock(conn, key: int) -> int:
    """How many sessions wait for the advisory lock `key` (a bigint key is shown in pg_locks
    as its high and low 32 bits)."""
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    return conn.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid::bigint = :high AND objid::bigint = :low"
        ),
        {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF},
    ).scalar()


@needs_postgres
def test_two_migrations_at_once_one_waits_and_both_succeed():
    """`flask db upgrade` on two hosts at once: the second waits for the first's advisory
    lock, then finds the schema at head; both exit 0."""
    url = make_url(PG_URL).set(database=f"{make_url(PG_URL).database}_upgrade")
    url_text = url.render_as_string(hide_password=False)
    snapshots.create_database(os.environ["GOVERN_TEST_DATABASE_URL"], url_text)
    engine = create_engine(normalise_database_url(url_text), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    env = {**os.environ, "GOVERN_DATABASE_URL": url_text, "PYTHONPATH": str(ROOT)}
    env["GOVERN_SECRET_KEY"] = "test-secret-0123456789"
    command = [sys.executable, "-m", "flask", "--app", "govern", "db", "upgrade"]
    key = lock_key("migrations")
    holder = engine.connect()
    try:
        holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        runs = [
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            for _ in range(2)
        ]
        # Both wait for the lock (a run that failed instead would never show up here).
        with engine.connect() as conn:
            while _waiting_for_advisory_lock(conn, key) < 2:
                assert all(run.poll() is None for run in runs), [r.stdout.read() for r in runs]
                time.sleep(0.05)
        holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert sum("Running upgrade" in output for output in outputs) >= 1
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM bodies")).scalar() == 0
    finally:
        holder.close()
        engine.dispose()


def test_the_start_up_line_names_the_database_without_its_password(capsys):
    create_app(
        base_config(SQLALCHEMY_DATABASE_URI="postgresql://govern:hemmelig@db.example/govern")
    )
    err = capsys.readouterr().err
    assert "database postgresql+psycopg://govern:***@db.example/govern" in err
    assert "hemmelig" not in err
