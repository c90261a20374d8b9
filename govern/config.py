"""Configuration: defaults, then instance/config.py, then GOVERN_* environment variables."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "SECRET_KEY": None,
    #: A file holding the session signing key (e.g. a mounted secret); read at start-up.
    "SECRET_KEY_FILE": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SQLALCHEMY_RECORD_QUERIES": False,
    "TIMEZONE": "Europe/Oslo",
    "PER_PAGE": 50,
    "MAX_PER_PAGE": 200,
    "BASE_URL": "http://127.0.0.1:5000",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    #: Secure cookies always; otherwise they are Secure whenever the request came over https.
    "SESSION_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
    #: Logs: "text" or "json" (one object a line), and the level of the govern logger.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    #: Who may read /metrics: addresses or networks, and/or a bearer token.
    "METRICS_ALLOW": ["127.0.0.1", "::1"],
    "METRICS_TOKEN": None,
    #: Failed logins from one address within LOGIN_WINDOW seconds before it must wait.
    "LOGIN_RATE_LIMIT": 20,
    "LOGIN_WINDOW": 600,
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
    "TRUSTED_PROXIES": 0,
    #: Largest request body: uploads are at most 20 MB (checked again by the service).
    "MAX_CONTENT_LENGTH": 22 * 1024 * 1024,
    #: The most a meeting's uploaded attachments may take together (the meeting pack holds
    #: them all), in megabytes.
    "MEETING_ATTACHMENTS_MAX_MB": 200,
    #: Rendered pages kept per process (0 turns the page cache off).
    "PAGE_CACHE_SIZE": 256,
    #: A .docx whose styles, margins, header and footer the Word documents start from
    #: (None: the template in the package). See README, "Dokumentmal".
    "DOCX_TEMPLATE": None,
    #: Outgoing mail (README, "E-post og kalenderinvitasjoner"): sent by `flask send-mail`.
    "MAIL_FROM": "govern@localhost",
    "MAIL_FROM_NAME": "govern",
    "MAIL_HOST": "localhost",
    "MAIL_PORT": 25,
    #: none, starttls or ssl.
    "MAIL_SECURITY": "none",
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_TIMEOUT": 30,
    #: Attempts before a message is given up (status failed); retries wait 1, 5, 15, 60 min …
    "MAIL_MAX_ATTEMPTS": 8,
}


def _env_value(raw: str):
    """Read an environment value as JSON when it is JSON, else as a string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _generated_secret_key(instance_path: Path) -> str:
    """Return a secret key kept in the instance folder, creating it on first use."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_secret_key(app: Flask) -> None:
    """Set SECRET_KEY and say where it came from (SECRET_KEY_SOURCE, logged at start-up).

    Every host behind one proxy must sign sessions with the same key: give it in
    GOVERN_SECRET_KEY or in a file named by GOVERN_SECRET_KEY_FILE. Without either, a key is
    generated once into instance/secret_key, which is right for one machine only.
    """
    config = app.config
    if config.get("SECRET_KEY"):
        config["SECRET_KEY_SOURCE"] = "configured (GOVERN_SECRET_KEY or instance/config.py)"
        return
    key_file = config.get("SECRET_KEY_FILE")
    if key_file:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise RuntimeError(
                f"GOVERN_SECRET_KEY_FILE: kan ikke lese {key_file} ({error.strerror})"
            ) from None
        if len(key) < 16:
            raise RuntimeError(
                f"GOVERN_SECRET_KEY_FILE: {key_file} må inneholde en nøkkel på minst 16 tegn"
            )
        config["SECRET_KEY"] = key
        config["SECRET_KEY_SOURCE"] = f"file {key_file} (GOVERN_SECRET_KEY_FILE)"
        return
    instance = Path(app.instance_path)
    config["SECRET_KEY"] = _generated_secret_key(instance)
    config["SECRET_KEY_SOURCE"] = (
        f"generated for this machine only ({instance / 'secret_key'}); "
        "with more than one host set GOVERN_SECRET_KEY or GOVERN_SECRET_KEY_FILE"
    )


def engine_options(uri: str, configured: dict) -> dict:
    """The engine options: on a database server, every pooled connection is tested before
    use (pool_pre_ping), so a restart or fail-over of PostgreSQL costs no failed request."""
    options = dict(configured or {})
    if not uri.startswith("sqlite"):
        options.setdefault("pool_pre_ping", True)
    return options


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from defaults, instance/config.py, GOVERN_* variables and test_config."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'govern.sqlite'}"
    app.config.from_pyfile("config.py", silent=True)
    for name, raw in os.environ.items():
        if name.startswith("GOVERN_") and name != "GOVERN_TEST_DATABASE_URL":
            app.config[name.removeprefix("GOVERN_")] = _env_value(raw)
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    check_docx_template(app.config.get("DOCX_TEMPLATE"))
    load_secret_key(app)


def check_docx_template(path: str | None) -> None:
    """Refuse to start with a configured Word template that is missing or not a .docx."""
    if not path:
        return
    from docx import Document

    try:
        Document(path)
    except Exception as error:
        raise RuntimeError(
            f"GOVERN_DOCX_TEMPLATE: {path} kan ikke brukes som Word-mal ({error})"
        ) from error


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
