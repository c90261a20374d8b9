"""The deployment kit in deploy/: the compose file, the Dockerfile, the systemd units and
the nginx sites say what deploy/README.md says they do. (No container engine is needed:
the files are read; `.ci/run` builds the image where one is available.)"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgres_two_app_servers_a_worker_and_nginx():
    services = compose()["services"]
    assert set(services) == {"db", "app1", "app2", "worker", "nginx"}
    assert services["db"]["image"].startswith("postgres:15")
    assert "healthcheck" in services["db"]
    for name in ("app1", "app2", "worker"):
        app = services[name]
        assert app["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        env = app["environment"]
        assert env["GOVERN_DATABASE_URL"].startswith("postgresql://govern:")
        assert env["GOVERN_DATABASE_URL"].endswith("@db/govern")
        # The same key for every app server, from a file (a secret), and one proxy.
        assert env["GOVERN_SECRET_KEY_FILE"] == "/run/secrets/secret_key"
        assert app["secrets"] == ["secret_key"]
        assert env["GOVERN_TRUSTED_PROXIES"] == "1"
        assert app["depends_on"] in (
            {"db": {"condition": "service_healthy"}},
            {"app1": {"condition": "service_healthy"}},
        )
    for name in ("app1", "app2"):
        command = " ".join(services[name]["command"])
        assert "flask --app govern db upgrade && exec gunicorn --config gunicorn.conf.py" in command
    worker = " ".join(services["worker"]["command"])
    assert "flask --app govern send-mail" in worker and "flask --app govern remind" in worker
    nginx = services["nginx"]
    assert nginx["image"].startswith("nginx:")
    assert set(nginx["depends_on"]) == {"app1", "app2"}
    assert "./nginx/compose.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert compose()["secrets"]["secret_key"]["file"] == "./secrets/secret_key"


def _upstream(conf: str) -> list[str]:
    block = re.search(r"upstream govern \{(.*?)\}", conf, re.S).group(1)
    return re.findall(r"^\s*server (\S+)", block, re.M)


def test_the_nginx_sites_balance_over_the_app_servers_and_forward_the_client():
    assert _upstream((DEPLOY / "nginx" / "compose.conf").read_text()) == ["app1:8000", "app2:8000"]
    assert _upstream((DEPLOY / "nginx" / "govern.conf").read_text()) == [
        "127.0.0.1:8001",
        "127.0.0.1:8002",
    ]
    for name in ("compose.conf", "govern.conf"):
        conf = (DEPLOY / "nginx" / name).read_text()
        for header in (
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Request-ID $request_id;",
            "proxy_set_header Host $host;",
        ):
            assert header in conf, (name, header)
        assert "client_max_body_size 25m;" in conf
        assert "location = /metrics { return 404; }" in conf


def test_the_image_is_multi_stage_unprivileged_gunicorn_with_a_healthcheck():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)(?: AS (\w+))?", dockerfile, re.M)
    assert len(stages) == 2 and stages[0][1] == "build"
    assert "COPY --from=build /opt/venv /opt/venv" in dockerfile
    assert re.search(r"^USER govern$", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.M)
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py", "govern:create_app()"]' in dockerfile
    # Everything the app needs at run time is copied in.
    for folder in ("govern", "templates", "migrations"):
        assert f"COPY --chown=root:root {folder} /app/{folder}" in dockerfile
        assert f"!{folder}/" in (DEPLOY / "Dockerfile.dockerignore").read_text()


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def test_the_systemd_units_and_timers():
    app = _unit("govern@.service")
    assert app["Service"]["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/govern-%i/metrics"
    assert app["Service"]["ExecStart"].startswith(
        "/srv/govern/.venv/bin/gunicorn --config gunicorn.conf.py"
    )
    assert app["Service"]["User"] == "govern"
    assert "govern-migrate.service" in app["Unit"]["Requires"]
    assert _unit("govern-migrate.service")["Service"]["ExecStart"].endswith(
        "flask --app govern db upgrade"
    )
    for job, calendar in (("send-mail", "*-*-* *:*:00"), ("remind", "*-*-* 06:15:00")):
        service, timer = _unit(f"govern-{job}.service"), _unit(f"govern-{job}.timer")
        assert service["Service"]["ExecStart"].endswith(f"flask --app govern {job}")
        assert service["Service"]["Type"] == "oneshot"
        assert timer["Timer"]["OnCalendar"] == calendar
        assert timer["Install"]["WantedBy"] == "timers.target"
    env = (DEPLOY / "systemd" / "govern.env.example").read_text()
    for setting in ("GOVERN_DATABASE_URL=", "GOVERN_SECRET_KEY_FILE=", "GOVERN_TRUSTED_PROXIES=1"):
        assert setting in env


def test_the_readme_says_how_to_back_up_restore_and_upgrade():
    readme = (DEPLOY / "README.md").read_text()
    for step in (
        "pg_dump --format=custom",
        "pg_restore --no-owner",
        "flask --app govern db upgrade",
        "Roll the app servers one at a time",
    ):
        assert step in readme
