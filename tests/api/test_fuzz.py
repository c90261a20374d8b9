"""A quick, bounded schemathesis run in the suite (`make check-api` runs a longer one)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
]


def test_reads_match_the_document(app, session, demo):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tested = 0
    for result in schema.include(method="GET").get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=3,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(checks=CHECKS)

        run()
        tested += 1
    assert tested >= 10


# -- control characters and line breaks in every field of every request body ----------------

#: Fields that are one line wherever a request body has them (they go into mail headers,
#: file names and one-line cells).
SINGLE_LINE = {
    "name",
    "short_name",
    "title",
    "location",
    "organisation",
    "email",
    "responsible",
    "presenter",
    "sakseier",
    "saksbehandler",
    "key",
}


def _text_fields(model) -> list[str]:
    """The body fields that take text (alone, optional, or as a list of texts)."""
    return [
        name
        for name, info in model.model_fields.items()
        if "str" in repr(info.annotation) and "Literal" not in repr(info.annotation)
    ]


def _fill(rule: str, ids: dict[str, str]) -> str:
    import re

    return "/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids.get(m.group(1), "1"), rule)


def test_every_body_field_refuses_control_characters(app, client, session, demo_with_accounts):
    from sqlalchemy import select

    from govern.api.registry import OPERATIONS
    from govern.models import Body, Meeting, Treatment
    from govern.models.accounts import User
    from govern.services.api_tokens import create_token

    admin = session.scalar(select(User).where(User.email == "admin@example.no"))
    _, secret = create_token(session, admin, "fuzz")
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    ids = {
        "slug": session.scalar(select(Body.slug).order_by(Body.id)),
        "meeting_id": str(session.scalar(select(Meeting.id).order_by(Meeting.id))),
        "treatment_id": str(session.scalar(select(Treatment.id).order_by(Treatment.id))),
    }
    failures, refused_lines, fields_tried = {}, set(), 0
    for op in OPERATIONS:
        if op.body is None:
            continue
        url = _fill(op.rule, ids)
        for name in _text_fields(op.body):
            fields_tried += 1
            for value in ("x\x00y", "\x1b", "\ud800"):
                sent = [value] if name == "input" else value
                response = client.open(url, method=op.method, json={name: sent}, headers=headers)
                if response.status_code != 400 or "kontrolltegn" not in response.json["detail"]:
                    failures[f"{op.method} {url} {name}={value!r}"] = response.status_code
            value = "Linje én\r\nLinje to\x0bLinje tre"
            sent = [value] if name == "input" else value
            response = client.open(url, method=op.method, json={name: sent}, headers=headers)
            if response.status_code >= 500:
                failures[f"{op.method} {url} {name}=<line breaks>"] = response.status_code
            if name in SINGLE_LINE:
                errors = {e["field"]: e["detail"] for e in response.json.get("errors") or []}
                if response.status_code != 422 or "linjeskift" not in errors.get(name, ""):
                    failures[f"{op.method} {url} {name} took a line break"] = response.status_code
                refused_lines.add(name)
    assert failures == {}
    assert fields_tried > 40
    assert refused_lines >= {"name", "title", "location", "email", "responsible"}
