"""Logging in and out, and setting a password from a one-time link."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from govern.extensions import db
from govern.forms.auth import LoginForm, SetPasswordForm
from govern.services import accounts
from govern.services.errors import GovernError

bp = Blueprint("auth", __name__, template_folder="../../templates")


class FailedLogins:
    """Failed logins per client address in a sliding window (per process)."""

    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def too_many(self, address: str, limit: int, window: float) -> bool:
        with self._lock:
            seen = self._seen[address]
            while seen and seen[0] < time.monotonic() - window:
                seen.popleft()
            return len(seen) >= limit

    def add(self, address: str) -> None:
        with self._lock:
            self._seen[address].append(time.monotonic())


def _failed_logins() -> FailedLogins:
    return current_app.extensions.setdefault("govern_failed_logins", FailedLogins())


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("bodies.index")  # the front page: deadlines for the secretariat


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    address = request.remote_addr or "?"
    limiter = _failed_logins()
    if form.validate_on_submit():
        if limiter.too_many(
            address, current_app.config["LOGIN_RATE_LIMIT"], current_app.config["LOGIN_WINDOW"]
        ):
            form.password.errors.append(
                "For mange mislykkede forsøk herfra. Vent litt og prøv igjen."
            )
        else:
            try:
                user = accounts.authenticate(db.session, form.email.data, form.password.data)
            except accounts.LoginFailed as error:
                db.session.commit()  # keep the failure count and any lock
                limiter.add(address)
                form.password.errors.append(error.message)
            else:
                db.session.commit()
                login_user(user)
                flash(f"Du er logget inn som {user.person.name}.", "success")
                return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    logout_user()
    flash("Du er logget ut.", "success")
    return redirect(url_for("bodies.list_bodies"))


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    try:
        user = accounts.user_for_token(db.session, token)
    except GovernError as error:
        return render_template("auth/token_invalid.html", message=error.message), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_with_token(db.session, token, form.password.data)
        except GovernError as error:
            db.session.rollback()
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash("Passordet er lagret. Logg inn med det nye passordet.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user)
