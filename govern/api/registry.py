"""The operation registry: one decorator per view records what the OpenAPI document says.

    @api_operation("GET", "/bodies/<slug>", tag="Organer", summary="Ett organ",
                   response=schemas.BodyDetail, errors=(404,))
    def get_body(slug: str): ...

The decorator registers the Flask route on the API blueprint, parses the query string into
`query` (a pydantic model, lax: query strings are text) and the JSON body into `data` (strict,
unknown fields refused), checks authentication, and turns the returned pydantic model into
JSON with the declared status. openapi.py builds the document from OPERATIONS, so the document
is the code.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, request
from flask_login import current_user
from pydantic import BaseModel

from govern.api.blueprint import bp
from govern.api.errors import ApiProblem, need_token
from govern.api.schemas import MAX_INT
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.text_rules import ControlCharacter, clean_json

#: Request bodies larger than this are refused with 413.
MAX_BODY = 1024 * 1024

#: Statuses every operation may answer, besides its own.
#: (401: a Bearer token that is unknown or revoked is refused on any operation.)
COMMON_ERRORS = (400, 401)
WRITE_ERRORS = (401, 403, 413, 415, 422)
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    tag: str
    summary: str
    description: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    #: "none": anyone; "login": a logged-in user or a token; writes always need a token.
    auth: str
    errors: tuple[int, ...]
    media_type: str = "application/json"
    path_params: list[tuple[str, str]] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The OpenAPI path: /bodies/{slug}."""
        return bp.url_prefix + _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", self.rule)

    @property
    def statuses(self) -> list[int]:
        extra: tuple[int, ...] = WRITE_ERRORS if self.body is not None else ()
        if self.method != "GET":
            extra = (*extra, 401, 403, 422)
        if self.query is not None:
            extra = (*extra, 422)
        if self.auth != "none":
            extra = (*extra, 401)
        return sorted({self.status, *COMMON_ERRORS, *self.errors, *extra})


OPERATIONS: list[Operation] = []


def api_operation(
    method: str,
    rule: str,
    *,
    tag: str,
    summary: str,
    description: str = "",
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    auth: str = "none",
    errors: tuple[int, ...] = (),
    media_type: str = "application/json",
) -> Callable:
    """Register a view as an API operation (see the module docstring)."""
    if method != "GET":
        auth = "token"

    def decorate(view: Callable) -> Callable:
        op = Operation(
            method=method,
            rule=rule,
            endpoint=view.__name__,
            tag=tag,
            summary=summary,
            description=description or (view.__doc__ or "").strip(),
            query=query,
            body=body,
            response=response,
            status=status,
            auth=auth,
            errors=tuple(errors),
            media_type=media_type,
            path_params=[(m.group(2), m.group(1) or "string") for m in _CONVERTER.finditer(rule)],
        )
        OPERATIONS.append(op)

        @functools.wraps(view)
        def wrapper(**kwargs: Any):
            if any(isinstance(v, int) and v > MAX_INT for v in kwargs.values()):
                raise ApiProblem(404)
            _check_auth(op)
            if op.query is not None:
                kwargs["query"] = parse_query(op.query)
            if op.body is not None:
                kwargs["data"] = parse_body(op.body)
            result = view(**kwargs)
            if isinstance(result, BaseModel):
                return current_app.response_class(
                    result.model_dump_json(by_alias=True) + "\n",
                    status=op.status,
                    mimetype="application/json",
                )
            if result is None:
                return "", op.status
            return result

        bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
        return wrapper

    return decorate


def _check_auth(op: Operation) -> None:
    if op.auth == "token" and not g.get("api_token_user"):
        raise need_token(
            _(
                "Endringer gjennom API-et krever en personlig API-nøkkel "
                "(Authorization: Bearer …). Lag en på profilsiden."
            )
        )
    if op.auth == "login" and not current_user.is_authenticated:
        raise need_token(_("Logg inn eller bruk en API-nøkkel (Authorization: Bearer …)."))


def parse_query(model: type[BaseModel]) -> BaseModel:
    """The query string as a model; unknown parameters are refused like unknown fields."""
    values: dict[str, Any] = {}
    for name in request.args:
        items = request.args.getlist(name)
        values[name] = items[-1]
    return model.model_validate(values, context={"where": "query"})


CONTROL_CHARACTER_DETAIL = lazy_gettext(
    "Innholdet har et kontrolltegn (for eksempel en NUL-byte) i en tekst eller et feltnavn. "
    "Fjern tegnet og prøv igjen."
)


def _too_large() -> str:
    return _("Forespørselen er for stor; grensen er %(size)s kB.", size=MAX_BODY // 1024)


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The JSON body as a model: 413 when too large, 415 when not JSON, 400 when malformed."""
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise ApiProblem(413, _too_large())
    raw = request.stream.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise ApiProblem(413, _too_large())
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise ApiProblem(415, _("Innholdet må sendes som JSON (Content-Type: application/json)."))
    try:
        payload = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        raise ApiProblem(400, _("Innholdet er ikke gyldig JSON.")) from None
    if not isinstance(payload, dict):
        raise ApiProblem(400, _("Innholdet må være et JSON-objekt."))
    try:
        cleaned = clean_json(payload)
    except ControlCharacter:
        raise ApiProblem(400, CONTROL_CHARACTER_DETAIL) from None
    if cleaned != payload:
        raw = json.dumps(cleaned).encode("utf-8")
    # JSON mode: strict types, yet dates may be ISO strings as JSON has no dates.
    return model.model_validate_json(raw)
