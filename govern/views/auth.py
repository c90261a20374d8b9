"""Logging in and out, and setting a password from a one-time link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from govern.extensions import db
from govern.forms.auth import ChangePasswordForm, LoginForm, SetPasswordForm
from govern.i18n import gettext as _
from govern.models.base import utcnow
from govern.services import accounts, login_limits
from govern.services.errors import GovernError
from govern.views.guard import require_login
from govern.views.unit_of_work import attempt, checkpoint, settle

bp = Blueprint("auth", __name__, template_folder="../../templates")


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login; anything else goes to the front page.

    Refused: other hosts (`//host`, `https://host`, `https:host`), backslashes (browsers
    read `/\\host` as `//host`) and control characters (tab and newline are dropped by
    browsers, CR/LF cannot be put in a header at all).
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
        and not urlsplit(target).scheme
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("bodies.index")  # the front page: deadlines for the secretariat


def _try_login(form: LoginForm):
    """The account, or None with the reason put on the form; counts the attempt either way."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_WINDOW"])
    address, now = request.remote_addr, utcnow()
    started = login_limits.start_attempt(db.session, address, window, now)
    checkpoint()  # at once, so concurrent attempts from the address count this one
    if login_limits.address_over_limit(
        db.session, address, config["LOGIN_RATE_LIMIT"], window, now
    ):
        login_limits.forget_attempt(db.session, started)
        checkpoint()
        form.password.errors.append(
            _("For mange mislykkede forsøk herfra. Vent litt og prøv igjen.")
        )
        return None
    done = attempt(
        lambda: accounts.authenticate(db.session, form.email.data, form.password.data, now),
        form,
        at=lambda f, _name: f.password,
        keep=True,  # the failure count and any lock
    )
    if not done.ok:
        return None
    login_limits.forget_attempt(db.session, started)
    checkpoint()
    return done.value


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = _try_login(form)
        if user is not None:
            login_user(user)
            flash(_("Du er logget inn som %(name)s.", name=user.person.name), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    """Log out here and everywhere else: every session of the account ends."""
    if current_user.is_authenticated:
        accounts.end_sessions(db.session, current_user)
        settle()
    logout_user()
    flash(_("Du er logget ut."), "success")
    return redirect(url_for("bodies.list_bodies"))


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    try:
        user = accounts.user_for_token(db.session, token)
    except GovernError as error:
        return render_template("auth/token_invalid.html", message=error.message), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: accounts.set_password_with_token(db.session, token, form.password.data),
            form,
            at=lambda f, _name: f.password,
        )
        if done.ok:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Passordet er lagret. Logg inn med det nye passordet."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user)


@bp.route("/profile/password", methods=["GET", "POST"])
def change_password():
    """A new password for the logged-in person: this session goes on, every other one ends."""
    require_login()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        done = attempt(
            lambda: accounts.change_password(
                db.session, user, form.current.data, form.password.data
            ),
            form,
            at="current",
            keep=True,  # the count of wrong passwords
        )
        if done.ok:
            login_user(user)  # under the account's new session token
            flash(_("Passordet er endret. Du er logget ut alle andre steder."), "success")
            return redirect(url_for("calendar.profile"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200
