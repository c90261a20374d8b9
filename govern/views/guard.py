"""The web guard: asks govern.policy for the current user today and stops the request on a no.

A visitor who is not logged in is sent to log in (NeedLogin, a 302 for pages and a 401 for
the API); a logged-in user gets 403; a target the reader may not even read (a draft meeting)
answers 404, so drafts are never revealed.
"""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, request, url_for
from flask_login import current_user

from govern import policy
from govern.models.bodies import Body


class NeedLogin(Exception):
    """Raised by the guard when a visitor must log in first."""


def allowed(action: str, target=None) -> bool:
    """policy.can for the current user today (templates: {% if can('prepare', meeting) %})."""
    return policy.can(current_user, action, target, on=date.today())


def refuse() -> None:
    """Stop the request: log in first when not logged in, 403 when logged in."""
    if not current_user.is_authenticated:
        raise NeedLogin()
    abort(403)


def require(action: str, target=None) -> None:
    """Stop the request unless the current user may do `action` on `target`.

    A "read" that is refused answers 404 (never revealing a draft); anything else asks a
    visitor to log in (302) and refuses a logged-in user (403).
    """
    if allowed(action, target):
        return
    if action == "read":
        abort(404)
    refuse()


def require_login() -> None:
    """Stop the request unless someone is logged in."""
    if not current_user.is_authenticated:
        raise NeedLogin()


def require_body_reader(body: Body) -> None:
    """Stop the request unless the current user reads the body's internal pages."""
    if not policy.is_body_reader(current_user, body, on=date.today()):
        refuse()


def login_redirect():
    """Where NeedLogin sends the visitor: the login page, coming back afterwards."""
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
