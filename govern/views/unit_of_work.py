"""The request's unit of work: the one place the web pages and the API commit.

Modelled on Indico's `RH.process`: the handler runs, then the request's transaction commits
once, and only after the commit are the deferred side effects run (removing a file an
upload replaced, say). A handler declares that it writes with `attempt` (web forms and
buttons) or `settle` (the API, whose refusals become problem documents); a request that
declared nothing is never committed, so a page that only reads cannot save by accident. A
response of 400 or more, or an exception, rolls the transaction back instead, and then the
rollback callbacks run (removing a file written for an upload that is not kept).

Services flush and never commit; views never commit either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Generic, TypeVar

from flask import Flask, current_app, g, make_response, session
from sqlalchemy.orm.exc import StaleDataError

from govern.extensions import db
from govern.forms.base import show_refusal
from govern.services.audit import stale_edit
from govern.services.errors import Conflict, GovernError

T = TypeVar("T")
#: The key in flask.g of the running request's unit of work.
_STATE = "unit_of_work"


@dataclass
class _Work:
    """What the running request has declared: writes to commit, and what to do after."""

    pending: bool = False
    after_commit: list[Callable[[], Any]] = field(default_factory=list)
    on_rollback: list[Callable[[], Any]] = field(default_factory=list)
    #: The flash messages before the request wrote; a failed commit takes back the rest.
    flashes: list = field(default_factory=list)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `attempt` gives back: the service's result, or the refusal shown to the user."""

    value: T | None = None
    error: GovernError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int | None:
        """The status of the page that shows the refusal: 409 when someone else saved first
        or the data is locked, 400 for input that breaks a rule; None when it went through."""
        if self.error is None:
            return None
        return 409 if isinstance(self.error, Conflict) else 400


def _work() -> _Work:
    state = g.get(_STATE)
    if state is None:
        state = _Work(flashes=list(session.get("_flashes", [])))
        g.setdefault(_STATE, state)
    return state


def attempt(
    work: Callable[[], T],
    form=None,
    *,
    at: str | Callable | None = None,
    what: str | None = None,
    keep: bool = False,
    quiet: bool = False,
) -> Outcome[T]:
    """Run a service call as part of the request's unit of work (committed when the view
    has returned), and flush it so a refusal shows now.

    A refusal (a GovernError, or a lost update the database refused: "`what` was changed
    by someone else") rolls the transaction back and goes through the one mapping
    `forms.base.show_refusal`: next to a field of `form` (`at` names the fallback field or
    places it), or as a flash without a form; `quiet` leaves showing it to the caller.
    `keep` commits what the service wrote before it refused (a count of failed attempts).
    """
    state = _work()
    try:
        value = work()
        db.session.flush()
    except (GovernError, StaleDataError) as error:
        refusal = error if isinstance(error, GovernError) else stale_edit(what or "Saken")
        checkpoint() if keep else rollback()
        if not quiet:
            show_refusal(form, refusal, at=at)
        return Outcome(error=refusal)
    state.pending = True
    db.session.expire_all()  # what the view reads next is loaded as it will be committed
    return Outcome(value)


def settle() -> None:
    """Declare the handler's writes so far part of the unit of work, flushed now (so the
    database's refusals surface in the handler) and expired (so what is read next is what
    will be committed). The API calls this where it used to commit."""
    _work().pending = True
    db.session.flush()
    db.session.expire_all()


def checkpoint() -> None:
    """Commit now, in the middle of the request: for what must be kept even if the rest is
    refused (a login attempt, counted before the password is checked)."""
    state = _work()
    db.session.commit()
    state.on_rollback.clear()
    _run(state.after_commit)


def rollback() -> None:
    """Undo the request's writes so far (the view goes on, showing what is saved)."""
    state = _work()
    state.pending = False
    db.session.rollback()
    state.after_commit.clear()
    _run(state.on_rollback)


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the request's transaction is committed (never if it is not)."""
    _work().after_commit.append(callback)


def on_rollback(callback: Callable[[], Any]) -> None:
    """Run `callback` if the request's transaction is rolled back (never if it commits)."""
    _work().on_rollback.append(callback)


def _run(callbacks: list[Callable[[], Any]]) -> None:
    """Run and forget the callbacks; one that fails is logged, the others still run."""
    while callbacks:
        callback = callbacks.pop(0)
        try:
            callback()
        except Exception:  # the transaction is already decided; tell the log, not the user
            current_app.logger.exception("A callback after the transaction failed")


def _finish(response_status: int | None) -> None:
    """Commit the request's declared work if the response is a success, else roll back."""
    state: _Work | None = g.pop(_STATE, None)
    if state is None:
        return
    if response_status is not None and response_status < 400 and state.pending:
        try:
            db.session.commit()
        except BaseException:
            db.session.rollback()
            _run(state.on_rollback)
            session["_flashes"] = state.flashes  # nothing the request announced was saved
            raise
        state.on_rollback.clear()
        _run(state.after_commit)
    else:
        db.session.rollback()
        state.after_commit.clear()
        _run(state.on_rollback)


def _transactional(view: Callable) -> Callable:
    @wraps(view)
    def process(*args, **kwargs):
        g.pop(_STATE, None)  # tests keep one app context (and so one g) over many requests
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _finish(None)
            raise
        _finish(response.status_code)
        return response

    process.in_unit_of_work = True  # type: ignore[attr-defined]
    return process


def init_unit_of_work(app: Flask) -> None:
    """Run every registered view (pages and API) inside the request's unit of work; called
    by create_app once the blueprints are registered."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _transactional(view)
