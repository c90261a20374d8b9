"""One guard in front of every view: control characters in a request are refused with a 400.

PostgreSQL cannot store a NUL byte, XML (and so .docx and .xlsx) cannot hold most C0 control
characters, and mail headers break on line breaks; a single such character used to give a
server error somewhere far from where it came in. The guard runs before anything else of a
request (login, CSRF, the view) and refuses, with a Norwegian 400, a request that has:

- any control character (C0, DEL) in its path, or in the name of a query parameter, form
  field or uploaded file;
- any control character but tab, line feed and carriage return in a query or form value.

Vertical tab (Word's Shift+Enter) and form feed (a page break) in a form value are what a user
pastes, not an attack: they become line feeds, and single-line fields then refuse a line
break with a message at the field (see govern.forms.base). JSON bodies go through
`clean_json` (govern.text_rules), called where the API reads its one body (parse_body).
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest

from govern.i18n import lazy_gettext
from govern.text_rules import FORBIDDEN_IN_TEXT, ControlCharacter, clean_name, clean_text

MESSAGE = lazy_gettext(
    "Forespørselen inneholder et kontrolltegn (for eksempel en NUL-byte) som ikke kan "
    "brukes i adresser, skjemaer eller filnavn. Fjern tegnet og prøv igjen."
)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_control_characters() -> None:
    """before_request: 400 for control characters anywhere in the request, before any view;
    vertical tabs and form feeds in form values become line breaks."""
    try:
        clean_name(request.path)
        for name, value in request.args.items(multi=True):
            clean_name(name)
            if FORBIDDEN_IN_TEXT.search(value):
                raise ControlCharacter(value)
        if request.mimetype in FORM_TYPES and not request.path.startswith("/api/"):
            _clean_form()
    except ControlCharacter:
        raise ControlCharacterRequest() from None


class ControlCharacterRequest(BadRequest):
    """The 400 of the guard; its description is written for the reader, in the reader's
    language (the error page shows it)."""

    for_reader = True

    def __init__(self) -> None:
        super().__init__(description=str(MESSAGE))


def _clean_form() -> None:
    form = [(clean_name(key), clean_text(value)) for key, value in request.form.items(multi=True)]
    for key, upload in request.files.items(multi=True):
        clean_name(key)
        clean_name(upload.filename or "")
    # Werkzeug keeps the parsed form in the instance dict; the view sees the cleaned values.
    request.__dict__["form"] = ImmutableMultiDict(form)
    request.__dict__.pop("values", None)


def init_input_guard(app: Flask) -> None:
    """Run the guard before every other before_request function (CSRF, login, API token)."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
