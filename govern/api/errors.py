"""Errors under /api/v1 as application/problem+json (RFC 9457), with a Norwegian detail.

Every error becomes a problem document: {type, title, status, detail, instance}; validation
errors add `errors: [{field, detail}]` and name the first field in `detail`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from govern.services.errors import Conflict, GovernError, InvalidInput, NotFound

TITLES = {
    400: "Ugyldig forespørsel",
    401: "Ikke autentisert",
    403: "Ingen tilgang",
    404: "Finnes ikke",
    405: "Metoden er ikke tillatt",
    406: "Kan ikke levere formatet",
    409: "Konflikt",
    413: "For stor forespørsel",
    415: "Feil innholdstype",
    422: "Ugyldige data",
    500: "Noe gikk galt",
}
DETAILS = {
    400: "Forespørselen kunne ikke behandles.",
    401: "Denne forespørselen krever en API-nøkkel (Authorization: Bearer …).",
    403: "Du har ikke tilgang til dette.",
    404: "Vi fant ikke det du spurte etter. Sjekk adressen.",
    405: "Denne metoden er ikke tillatt på denne adressen.",
    413: "Forespørselen er for stor.",
    415: "Innholdet må sendes som JSON (Content-Type: application/json).",
    500: "Det oppstod en feil hos oss. Prøv igjen om litt.",
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
        self.detail = detail or DETAILS.get(status, TITLES.get(status, ""))
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
        "title": TITLES.get(problem.status, "Feil"),
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
    "extra_forbidden": "er ikke et kjent felt",
    "missing": "må fylles ut",
    "string_type": "må være en tekst",
    "int_type": "må være et heltall",
    "int_parsing": "må være et heltall",
    "bool_type": "må være true eller false",
    "bool_parsing": "må være true eller false",
    "date_type": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "literal_error": "har en ugyldig verdi",
    "enum": "har en ugyldig verdi",
    "string_too_long": "er for lang",
    "string_too_short": "er for kort",
    "greater_than_equal": "er for liten",
    "less_than_equal": "er for stor",
    "greater_than": "er for liten",
    "less_than": "er for stor",
    "string_pattern_mismatch": "har feil form",
    "single_line": "kan ikke ha linjeskift; skriv alt på én linje",
}


def validation_problem(error: ValidationError) -> ApiProblem:
    if any(e["type"] == "json_invalid" for e in error.errors()):
        return ApiProblem(400, "Innholdet er ikke gyldig JSON.")
    items = []
    for e in error.errors():
        name = _field_name(e["loc"])
        text = _PYDANTIC_DETAILS.get(e["type"], "har en ugyldig verdi")
        if e["type"] in ("literal_error", "enum") and e.get("ctx", {}).get("expected"):
            text += f"; gyldige verdier er {e['ctx']['expected']}"
        items.append({"field": name, "detail": f"«{name}» {text}."})
    detail = (
        items[0]["detail"]
        if len(items) == 1
        else "Flere felt er ugyldige: " + ", ".join(f"«{i['field']}»" for i in items)
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
    if code == 400 and error.description and not error.description.startswith("The browser"):
        detail = error.description if _looks_norwegian(error.description) else detail
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem_response(ApiProblem(code, detail, headers=headers))


def _looks_norwegian(text: str) -> bool:
    return any(ch in text for ch in "æøåÆØÅ«")


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
                409, "Endringen kolliderer med data som finnes fra før. Les på nytt og prøv igjen."
            )
        ),
    )
    bp.register_error_handler(
        StaleDataError,
        lambda _e: problem_response(
            ApiProblem(409, "Dette ble endret av noen andre samtidig. Les på nytt og prøv igjen.")
        ),
    )
