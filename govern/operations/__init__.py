"""Running govern on several hosts: logs with request ids, metrics, health and readiness.

- logs.py: the `govern` logger (text, or JSON with GOVERN_LOG_FORMAT=json), the request id
  and one line per request;
- metrics.py: Prometheus metrics (prometheus_client; multi-process under gunicorn);
- job_lock.py: one run at a time of a job every host may start (advisory locks);
- readiness.py: whether the database answers and its schema is at the code's migration head.

The routes (/healthz, /readyz, /metrics) are in govern/views/health.py.
"""

from __future__ import annotations

import logging

from flask import Flask


def init_operations(app: Flask) -> None:
    """Request ids and request lines, the metrics' hooks, and the start-up line."""
    from govern.operations.logs import init_request_logs
    from govern.operations.metrics import init_metrics

    init_request_logs(app)
    init_metrics(app)
    log_start_up(app)


def log_start_up(app: Flask) -> None:
    """Say which secret key, database and proxy setting this process runs with (not for a
    command-line command, whose output is its own)."""
    import click

    if click.get_current_context(silent=True) is not None:
        return
    from sqlalchemy.engine import make_url

    config = app.config
    database = make_url(config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)
    logging.getLogger("govern.startup").info(
        "govern starting: secret key %s; database %s; trusted proxies %s",
        config["SECRET_KEY_SOURCE"],
        database,
        config.get("TRUSTED_PROXIES") or 0,
    )
