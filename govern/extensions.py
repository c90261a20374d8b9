"""Flask extensions, created once and bound to the app in create_app."""

from __future__ import annotations

import hmac
import sqlite3

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from govern.i18n import gettext
from govern.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
LOGIN_MESSAGE = "Logg inn for å se denne siden."
login_manager.login_message = LOGIN_MESSAGE
login_manager.login_message_category = "info"
#: A stolen session cookie used from elsewhere is refused.
login_manager.session_protection = "strong"


def _localize(message: str) -> str:
    """Flask-Login's messages in the reader's language (it has only the one above)."""
    if message == LOGIN_MESSAGE:
        return gettext("Logg inn for å se denne siden.")
    return message


login_manager.localize_callback = _localize


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


@login_manager.user_loader
def _load_user(user_id: str):
    """The account of a session or "remember me" cookie: "<id>:<session token>" (User.get_id).

    A cookie whose token is not the account's current one was ended (logout, new password,
    deactivation) and logs nobody in.
    """
    from sqlalchemy.orm import joinedload

    from govern.models.accounts import User
    from govern.models.people import Person

    ident, _, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    # With the person and their memberships, which every page asks for the reader's roles.
    person = joinedload(User.person).joinedload(Person.memberships)
    user = db.session.get(User, int(ident), options=[person])
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(user.session_token, token) else None


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Make SQLite enforce foreign keys and wait for locks instead of failing at once."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def init_extensions(app: Flask) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.session_interface = SessionInterface()
    trust_proxies(app)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address and scheme from the
    X-Forwarded-For/-Proto headers they set (the login limits count the client, not the
    proxy). With 0, those headers are ignored: anyone could send them."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"
