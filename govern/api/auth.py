"""Who is calling: a personal token (`Authorization: Bearer …`) or the browser session.

A Bearer token is accepted on /api/v1 only. With a token, the request acts as the token's
owner and is exempt from CSRF (no cookie is involved). Writes need a token: a browser session
alone may read through the API but not write (that would be open to cross-site requests).
The answers' texts are in the token owner's language (their profile), else the one
Accept-Language asks for, else bokmål.
"""

from __future__ import annotations

from flask import g, request

from govern.api.errors import need_token
from govern.extensions import db
from govern.i18n import gettext as _
from govern.services.api_tokens import authenticate_token
from govern.views.language import choose_again
from govern.views.unit_of_work import checkpoint


def load_token_user() -> None:
    """before_request: put the token's owner in Flask-Login's place for current_user."""
    # g outlives a request where an app context was already pushed (tests, CLI): start clean.
    if g.pop("api_token_user", False):
        g.pop("_login_user", None)
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise need_token(_("Bruk Authorization: Bearer <API-nøkkel>."))
    user = authenticate_token(db.session, secret.strip())
    if db.session.dirty:  # the token's last use, kept even when the request only reads
        checkpoint()
    if user is None:
        raise need_token(_("API-nøkkelen er ukjent eller trukket tilbake."))
    g._login_user = user
    g.api_token_user = True
    if user.language:
        # The language was chosen before the token's owner was known: their profile's wins.
        choose_again()
