"""The reader's language: chosen per request, switched from the foot of every page.

The language is the one in the reader's profile, else the one picked at the foot of a page
(a cookie, for visitors), else the best the browser's Accept-Language offers, else bokmål.
Flask-Babel asks `select_language`; every request then makes its texts in that language
through govern/i18n.py (templates included: their `_()` and `{% trans %}` use it too), and
`<html lang>` says which.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, g, redirect, request, url_for
from flask_babel import Babel, get_locale, refresh
from flask_login import current_user

from govern import i18n
from govern.services import accounts
from govern.views.unit_of_work import attempt

bp = Blueprint("language", __name__)

#: The cookie a visitor's choice is kept in (a year).
COOKIE = "govern_language"
COOKIE_AGE = 365 * 24 * 3600
#: Accept-Language tags that mean one of govern's languages.
ACCEPTED = ("nb", "nn", "no", "en")

babel = Babel()


def select_language() -> str:
    if current_user and current_user.is_authenticated and current_user.language:
        return current_user.language
    return _browser_language()


def _browser_language() -> str:
    """The visitor's choice (the cookie), else the browser's, else bokmål."""
    chosen = i18n.normalise(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    return i18n.normalise(request.accept_languages.best_match(ACCEPTED)) or i18n.DEFAULT_LANGUAGE


def _begin() -> None:
    """before_request, first of all: every answer, a refusal of the input guard, CSRF or
    the API's token included, speaks the reader's language."""
    refresh()  # a request's own choice, never one kept from an earlier request in this context
    try:
        language = str(get_locale())
    except Exception:  # the reader's profile cannot be read (database down): the browser's
        language = _browser_language()
    g.language_token = i18n.set_language(language)


def choose_again() -> None:
    """Choose the request's language anew, once it knows its reader (an API token's owner,
    known only after the language was chosen)."""
    token = g.pop("language_token", None)
    if token is not None:
        i18n.reset_language(token)
    _begin()


def _mark(response: Response) -> Response:
    """Say which language the answer is in, and that another language would answer otherwise."""
    response.headers["Content-Language"] = i18n.current_language()
    response.vary.add("Accept-Language")
    return response


def _end(_error=None) -> None:
    token = g.pop("language_token", None)
    if token is not None:
        i18n.reset_language(token)


def _safe_next(target: str | None) -> str:
    """A local path to go back to; anything else goes to the front page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("bodies.list_bodies")


@bp.get("/sprak/<language>")
def choose(language: str):
    """Switch the language (a link at the foot of every page) and go back to the page."""
    chosen = i18n.normalise(language) or i18n.DEFAULT_LANGUAGE
    response = redirect(_safe_next(request.args.get("neste")))
    response.set_cookie(COOKIE, chosen, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    if current_user.is_authenticated and current_user.language not in (None, chosen):
        # The profile's choice would win over the cookie: the reader picked another, so the
        # profile follows (the choice is the reader's own, and changes nothing else).
        attempt(lambda: accounts.choose_language(current_user, chosen), quiet=True)
    return response


def init_language(app: Flask) -> None:
    """Flask-Babel's language choice, govern's catalogs in the templates, `<html lang>`."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", i18n.DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # `{% trans %}` blocks are extracted trimmed (govern/i18n_catalog.py): looked up so too.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, pgettext=i18n.pgettext, newstyle=True
    )
    app.add_template_global(i18n.current_language, "current_language")
    app.add_template_global(i18n.LANGUAGE_NAMES, "language_names")
    # Before every other before_request function (the input guard, CSRF, login): even a
    # request they refuse is answered in the reader's language.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_mark)
    app.teardown_request(_end)
    app.register_blueprint(bp)
