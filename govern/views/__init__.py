"""Blueprints, template filters and Norwegian error pages."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from govern import timeutil
from govern.i18n import lazy_gettext as _l
from govern.markup import inputs_html
from govern.presentation import kroner, meeting_dates, paragraphs, revision_note, text_html


def register_views(app: Flask) -> None:
    """Register every blueprint and the shared template helpers."""
    from govern.views.input_guard import init_input_guard
    from govern.views.language import init_language

    init_input_guard(app)
    init_language(app)  # after the guard: the language is chosen before it refuses anything
    from govern.api import bp as api_bp
    from govern.views import (
        admin,
        agenda,
        archive,
        attachments,
        auth,
        bodies,
        body_admin,
        calendar,
        cases,
        changes,
        cycle_admin,
        cycles,
        documents,
        forfall,
        health,
        meetings,
        memos,
        mine,
        minutes,
        minutes_comments,
        minutes_meeting,
        minutes_sending,
        openness,
        priorities,
        recusals,
        register,
        rollover,
        search,
        submissions,
    )
    from govern.views.guard import NeedLogin, login_redirect
    from govern.views.headers import init_headers

    for module in (
        auth,
        bodies,
        meetings,
        cases,
        documents,
        archive,
        agenda,
        attachments,
        minutes,
        minutes_meeting,
        minutes_sending,
        memos,
        body_admin,
        admin,
        calendar,
        cycles,
        cycle_admin,
        rollover,
        changes,
        register,
        search,
        priorities,
        health,
        openness,
        submissions,
        mine,
        recusals,
        forfall,
        minutes_comments,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(api_bp)
    app.register_error_handler(NeedLogin, lambda _error: login_redirect())
    app.add_template_global(_can, "can")
    app.add_template_global(_shown_title, "shown_title")
    app.add_template_global(_held_back, "held_back_text")
    app.add_template_filter(timeutil.long_date, "long_date")
    app.add_template_filter(timeutil.short_date, "short_date")
    app.add_template_filter(timeutil.short_moment, "short_moment")
    app.add_template_filter(timeutil.weekday_date, "weekday_date")
    app.add_template_filter(timeutil.agenda_clock, "clock")
    app.add_template_filter(timeutil.clock, "clock_text")
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(text_html, "text_html")
    app.add_template_filter(
        lambda rows, label=None: inputs_html([r.text for r in rows], label), "inputs_html"
    )
    app.add_template_filter(kroner, "kr")
    app.add_template_filter(revision_note, "revision_note")
    app.add_template_filter(meeting_dates, "meeting_dates")
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    init_headers(app)
    from govern.views.unit_of_work import init_unit_of_work

    init_unit_of_work(app)  # last: every view registered above commits through it


ERROR_TEXT = {
    400: (
        _l("Ugyldig forespørsel"),
        _l("Forespørselen kunne ikke behandles. Last siden på nytt og prøv igjen."),
    ),
    403: (_l("Ingen tilgang"), _l("Du har ikke tilgang til denne siden.")),
    404: (_l("Siden finnes ikke"), _l("Vi fant ikke det du lette etter. Sjekk adressen.")),
    405: (_l("Ikke tillatt"), _l("Denne handlingen er ikke tillatt her.")),
    413: (_l("For stor fil"), _l("Filen er for stor.")),
    500: (_l("Noe gikk galt"), _l("Det oppstod en feil hos oss. Prøv igjen om litt.")),
}


def _http_error(error: HTTPException):
    from flask import request

    code = error.code or 500
    title, text = ERROR_TEXT.get(code, (error.name, ""))
    if code == 400 and (
        getattr(error, "for_reader", False)
        or any(ch in (error.description or "") for ch in "æøåÆØÅ«")
    ):
        text = error.description  # a reason written for the user, e.g. by the input guard
    if request.path.startswith("/api/"):
        from govern.api.errors import http_problem

        return http_problem(error)
    return render_template("errors/error.html", code=code, title=title, text=text), code


def _server_error(error: Exception):
    from flask import current_app, request

    from govern.extensions import db

    if isinstance(error, HTTPException):  # pragma: no cover - handled above
        return _http_error(error)
    db.session.rollback()
    current_app.logger.exception("Unhandled error", exc_info=error)
    title, text = ERROR_TEXT[500]
    if request.path.startswith("/api/"):
        from govern.api.errors import server_problem

        return server_problem()
    return render_template("errors/error.html", code=500, title=title, text=text), 500


def _can(action: str, target=None) -> bool:
    """Templates ask permissions for the current user: {% if can('prepare', meeting) %}."""
    from govern.views.guard import allowed

    return allowed(action, target)


def _shown_title(target) -> str:
    """The title of a case or treatment as the current user may see it (openness)."""
    from flask_login import current_user

    from govern.openness import shown_title

    return shown_title(current_user, target)


def _held_back(treatment) -> str | None:
    """What stands instead of a treatment's content for the current user, or None."""
    from flask_login import current_user

    from govern.openness import held_back_text

    return held_back_text(current_user, treatment)
