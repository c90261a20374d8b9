"""Errors under /api/v1 as application/problem+json (RFC 9457), with a readable detail.

Every error becomes a problem document: {type, title, status, detail, instance}; validation
errors add `errors: [{field, detail}]` and name the first field in `detail`. The texts
(title, detail, the fields' details) are in the request's language (Accept-Language, else
bokmål; govern/views/language.py); the field names, codes and the rest never change.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app, request
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from govern.i18n import LANGUAGES, lazy_gettext, translations
from govern.i18n import gettext as _
from govern.services.errors import Conflict, GovernError, InvalidInput, NotFound

TITLES = {
    400: lazy_gettext("Ugyldig forespørsel"),
    401: lazy_gettext("Ikke autentisert"),
    403: lazy_gettext("Ingen tilgang"),
    404: lazy_gettext("Finnes ikke"),
    405: lazy_gettext("Metoden er ikke tillatt"),
    406: lazy_gettext("Kan ikke levere formatet"),
    409: lazy_gettext("Konflikt"),
    413: lazy_gettext("For stor forespørsel"),
    415: lazy_gettext("Feil innholdstype"),
    422: lazy_gettext("Ugyldige data"),
    500: lazy_gettext("Noe gikk galt"),
}
DETAILS = {
    400: lazy_gettext("Forespørselen kunne ikke behandles."),
    401: lazy_gettext("Denne forespørselen krever en API-nøkkel (Authorization: Bearer …)."),
    403: lazy_gettext("Du har ikke tilgang til dette."),
    404: lazy_gettext("Vi fant ikke det du spurte etter. Sjekk adressen."),
    405: lazy_gettext("Denne metoden er ikke tillatt på denne adressen."),
    413: lazy_gettext("Forespørselen er for stor."),
    415: lazy_gettext("Innholdet må sendes som JSON (Content-Type: application/json)."),
    500: lazy_gettext("Det oppstod en feil hos oss. Prøv igjen om litt."),
}


class ApiProblem(Exception):
    """Stop an API request with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = str(detail or DETAILS.get(status, TITLES.get(status, "")))
        self.errors = errors
        self.headers = headers or {}


def need_token(detail: str | None = None) -> ApiProblem:
    """401 with the challenge that tells a client to send a Bearer token."""
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="govern"'})


def problem_response(problem: ApiProblem):
    from govern.extensions import db

    db.session.rollback()  # nothing of a refused request is saved
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(TITLES.get(problem.status) or _("Feil")),
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = current_app.json.response(body)
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def _field_name(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "body"


_PYDANTIC_DETAILS = {
    "extra_forbidden": lazy_gettext("er ikke et kjent felt"),
    "missing": lazy_gettext("må fylles ut"),
    "string_type": lazy_gettext("må være en tekst"),
    "int_type": lazy_gettext("må være et heltall"),
    "int_parsing": lazy_gettext("må være et heltall"),
    "bool_type": lazy_gettext("må være true eller false"),
    "bool_parsing": lazy_gettext("må være true eller false"),
    "date_type": lazy_gettext("må være en dato (ÅÅÅÅ-MM-DD)"),
    "date_parsing": lazy_gettext("må være en dato (ÅÅÅÅ-MM-DD)"),
    "date_from_datetime_parsing": lazy_gettext("må være en dato (ÅÅÅÅ-MM-DD)"),
    "literal_error": lazy_gettext("har en ugyldig verdi"),
    "enum": lazy_gettext("har en ugyldig verdi"),
    "string_too_long": lazy_gettext("er for lang"),
    "string_too_short": lazy_gettext("er for kort"),
    "greater_than_equal": lazy_gettext("er for liten"),
    "less_than_equal": lazy_gettext("er for stor"),
    "greater_than": lazy_gettext("er for liten"),
    "less_than": lazy_gettext("er for stor"),
    "string_pattern_mismatch": lazy_gettext("har feil form"),
    "single_line": lazy_gettext("kan ikke ha linjeskift; skriv alt på én linje"),
}


def validation_problem(error: ValidationError) -> ApiProblem:
    if any(e["type"] == "json_invalid" for e in error.errors()):
        return ApiProblem(400, _("Innholdet er ikke gyldig JSON."))
    items = []
    for e in error.errors():
        name = _field_name(e["loc"])
        text = str(_PYDANTIC_DETAILS.get(e["type"]) or _("har en ugyldig verdi"))
        if e["type"] in ("literal_error", "enum") and e.get("ctx", {}).get("expected"):
            text += _("; gyldige verdier er %(values)s", values=e["ctx"]["expected"])
        items.append(
            {"field": name, "detail": _("«%(field)s» %(problem)s.", field=name, problem=text)}
        )
    detail = (
        items[0]["detail"]
        if len(items) == 1
        else _(
            "Flere felt er ugyldige: %(fields)s",
            fields=", ".join(f"«{i['field']}»" for i in items),
        )
    )
    return ApiProblem(422, detail, errors=items)


#: Service field names -> the API's field names, where they differ.
FIELD_ALIASES = {
    "escalates_to": "escalates_to_id",
    "deputy_for": "deputy_for_id",
    "follows": "follows_id",
    "outcome": "change_outcome",
    "outcome_reason": "change_outcome_reason",
}


def governerror_problem(error: GovernError) -> ApiProblem:
    if error.field in FIELD_ALIASES:
        error.field = FIELD_ALIASES[error.field]
    status = 409 if isinstance(error, Conflict) else 404 if isinstance(error, NotFound) else 422
    if isinstance(error, NotFound) and error.field:
        status = 422  # something the request refers to does not exist
    field = error.field or "body"
    errors = [{"field": field, "detail": error.message}] if error.field else None
    if isinstance(error, InvalidInput | Conflict) and error.field is None:
        errors = None
    return ApiProblem(status, error.message, errors=errors)


def http_problem(error: HTTPException):
    """The problem document for an HTTP error raised anywhere under /api/."""
    code = error.code or 500
    detail = DETAILS.get(code)
    description = str(error.description or "")
    if code == 400 and description and not description.startswith("The browser"):
        detail = description if _ours(description) else detail
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem_response(ApiProblem(code, detail, headers=headers))


def _ours(text: str) -> bool:
    """Whether a 400's description is govern's own (any language), not werkzeug's English."""
    return any(ch in text for ch in "æøåÆØÅ«") or text in _catalog_texts()


@cache
def _catalog_texts() -> frozenset[str]:
    """Every text of the catalogs, in all three languages."""
    return frozenset(
        text
        for language in LANGUAGES
        for text in translations(language)._catalog.values()  # msgid -> text
        if isinstance(text, str)
    )


def server_problem():
    return problem_response(ApiProblem(500))


def register_error_handlers(bp) -> None:
    from govern.views.guard import NeedLogin

    bp.register_error_handler(ApiProblem, problem_response)
    bp.register_error_handler(ValidationError, lambda e: problem_response(validation_problem(e)))
    bp.register_error_handler(GovernError, lambda e: problem_response(governerror_problem(e)))
    bp.register_error_handler(NeedLogin, lambda _e: problem_response(need_token()))
    bp.register_error_handler(HTTPException, http_problem)
    bp.register_error_handler(
        IntegrityError,
        lambda _e: problem_response(
            ApiProblem(
                409,
                _("Endringen kolliderer med data som finnes fra før. Les på nytt og prøv igjen."),
            )
        ),
    )
    bp.register_error_handler(
        StaleDataError,
        lambda _e: problem_response(
            ApiProblem(
                409, _("Dette ble endret av noen andre samtidig. Les på nytt og prøv igjen.")
            )
        ),
    )
