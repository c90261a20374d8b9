"""Configuration: defaults, then instance/config.py, then GOVERN_* environment variables."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "SECRET_KEY": None,
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


def _secret_key(instance_path: Path) -> str:
    """Return a secret key kept in the instance folder, creating it on first use."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


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
    check_docx_template(app.config.get("DOCX_TEMPLATE"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)


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
