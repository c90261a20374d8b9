"""The OpenAPI 3.1 document, built from the operation registry and pydantic's JSON Schemas,
and the browsable documentation page that renders it."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from govern.api import schemas as s
from govern.api.errors import TITLES
from govern.api.registry import OPERATIONS, Operation, api_operation
from govern.i18n import DEFAULT_LANGUAGE, use_language

TAG_TEXT = {
    "API": "Om API-et selv.",
    "Organer": "Råd og utvalg, også eksterne organer (Nasjonalt e-helseråd, NUIT …).",
    "Personer": "Personer. E-postadresser vises bare for innloggede.",
    "Medlemskap": "Hvem som har hvilken rolle i et organ, og når.",
    "Saker": "Saker og behandlingene deres i rådsmodellen.",
    "Møter": "Møter med dager og dagsorden. Møter slettes ikke; de avlyses.",
    "Dagsorden og oppmøte": "Punktene på et møtes dagsorden, og hvem som møtte.",
    "Behandlinger og vedtak": "En sak på ett organs dagsorden, med vedtak; vedtaksregisteret.",
    "Oppfølging": "Oppfølging av vedtak: ansvarlig, frist og status.",
}
_REF = "#/components/schemas/{model}"
_TYPES = {"int": "integer", "string": "string", "path": "string"}


def _models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = [s.Problem]
    for op in OPERATIONS:
        for model in (op.body, op.response):
            if model is not None and model not in found:
                found.append(model)
    return found


def _name(model: type[BaseModel]) -> str:
    return model.__name__.replace("[", "_").replace("]", "").replace(".", "_")


def build_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    models = _models()
    keyed = [(m, "validation" if _is_request(m) else "serialization") for m in models]
    refs, defs = models_json_schema(keyed, ref_template=_REF)
    schemas = defs.get("$defs", {})
    ref_of = {m: refs[(m, mode)]["$ref"] for m, mode in keyed}
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, ref_of)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "govern API",
            "version": "1",
            "description": (
                "Møter, saker og vedtak i rådsmodellen. Publiserte data kan leses uten nøkkel; "
                "endringer krever en personlig API-nøkkel sendt som `Authorization: Bearer …` "
                "(lag en på profilsiden). Feil er `application/problem+json` (RFC 9457)."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": t, "description": d} for t, d in TAG_TEXT.items()],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Personlig API-nøkkel",
                }
            },
        },
    }


def _is_request(model: type[BaseModel]) -> bool:
    return issubclass(model, s.Request)


def _operation(op: Operation, ref_of: dict) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": op.endpoint,
        "tags": [op.tag],
        "summary": op.summary,
        "parameters": _parameters(op),
        "responses": _responses(op, ref_of),
    }
    if op.description:
        doc["description"] = op.description
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": ref_of[op.body]}}},
        }
    if op.auth == "none":
        doc["security"] = [{}, {"bearer": []}]
    else:
        doc["security"] = [{"bearer": []}]
    return doc


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(kind)}
        for name, kind in op.path_params
    ]
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=_REF)
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            description = prop.pop("description", None)
            param = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description:
                param["description"] = description
            params.append(param)
    return params


def _path_schema(kind: str) -> dict[str, Any]:
    if kind == "int":
        return {"type": "integer", "minimum": 0, "maximum": s.MAX_INT}
    return {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}


def _responses(op: Operation, ref_of: dict) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if op.media_type == "text/html":
        content = {"text/html": {"schema": {"type": "string"}}}
    elif op.response is not None:
        content = {op.media_type: {"schema": {"$ref": ref_of[op.response]}}}
    else:
        content = {op.media_type: {"schema": {"type": "object"}}}
    responses[str(op.status)] = {"description": "OK", "content": content}
    problem = {"application/problem+json": {"schema": {"$ref": ref_of[s.Problem]}}}
    for status in op.statuses:
        if status != op.status:
            # The document is for developers and stays in bokmål, whatever the reader's language.
            with use_language(DEFAULT_LANGUAGE):
                title = str(TITLES.get(status) or "Feil")
            responses[str(status)] = {"description": title, "content": problem}
    return responses


@api_operation("GET", "/openapi.json", tag="API", summary="OpenAPI-dokumentet")
def openapi_document():
    """Dette API-et beskrevet som OpenAPI 3.1."""
    return build_document()


@api_operation("GET", "/docs", tag="API", summary="Dokumentasjon (HTML)", media_type="text/html")
def docs_page():
    """Denne siden: API-et, gruppert etter emne."""
    document = build_document()
    groups: dict[str, list] = {tag: [] for tag in TAG_TEXT}
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            groups.setdefault(op["tags"][0], []).append((method.upper(), path, op))
    return render_template(
        "api/docs.html",
        document=document,
        groups=groups,
        tag_text=TAG_TEXT,
        schemas=document["components"]["schemas"],
        openapi_url=url_for("api.openapi_document"),
    )


@api_operation("GET", "/", tag="API", summary="Inngang", response=s.Index)
def index():
    """Lenker til hovedressursene og dokumentasjonen."""
    return s.Index(
        version=1,
        bodies=url_for("api.list_bodies", _external=True),
        people=url_for("api.list_people", _external=True),
        cases=url_for("api.list_cases", _external=True),
        meetings=url_for("api.list_meetings", _external=True),
        treatments=url_for("api.list_treatments", _external=True),
        decisions=url_for("api.list_decisions", _external=True),
        follow_ups=url_for("api.list_follow_ups", _external=True),
        openapi=url_for("api.openapi_document", _external=True),
        docs=url_for("api.docs_page", _external=True),
    )
