"""Every route of the URL map, sent NUL bytes and control characters, answers without a 5xx.

Each rule is filled with real values from the demo (a body's slug, a meeting's id …) and then
sent, as a visitor and as the administrator: the real address; the address with NUL, vertical
tab and a bad UTF-8 byte in each text part of the path; every query parameter govern reads
with NUL, control characters, line breaks and bad UTF-8; and, for POST rules, every form field
name govern knows with the same. A NUL byte or control character anywhere must be refused
with 400 (and so change nothing); everything else must answer without a server error.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

import govern
from govern import models
from govern.extensions import db
from govern.forms.base import GovernForm
from govern.services.accounts import DEMO_PASSWORD
from tests.views.test_crawl import demo  # noqa: F401  (the demo fixture)

#: Path arguments -> (model, column) of the demo row that fills them.
REAL = {
    "slug": ("Body", "slug"),
    "cycle_slug": ("Cycle", "slug"),
    "feed_token": ("Person", "feed_token"),
    "meeting_id": ("Meeting", "id"),
    "item_id": ("AgendaItem", "id"),
    "case_id": ("Case", "id"),
    "treatment_id": ("Treatment", "id"),
    "external_id": ("Treatment", "id"),
    "follow_up_id": ("FollowUp", "id"),
    "person_id": ("Person", "id"),
    "membership_id": ("Membership", "id"),
    "attachment_id": ("Attachment", "id"),
    "entry_id": ("CycleEntry", "id"),
    "request_id": ("ChangeRequest", "id"),
    "round_id": ("PrioritisationRound", "id"),
    "measure_id": ("Measure", "id"),
    "question_id": ("PriorityQuestion", "id"),
    "user_id": ("User", "id"),
    "token_id": ("ApiToken", "id"),
    "basis_id": ("ExemptionBasis", "id"),
    "submission_id": ("CaseSubmission", "id"),
    "file_id": ("SubmissionFile", "id"),
    "recusal_id": ("Recusal", "id"),
    "absence_id": ("Absence", "id"),
    "comment_id": ("MinutesComment", "id"),
}
FIXED = {"what": "case", "token": "ukjent", "filename": "style.css", "language": "nb"}
#: Routes that would end the session the rest of the walk needs, or change its language.
LEAVE_OUT = {"/logout", "/sprak/<language>"}
#: Hostile values as they appear in a URL (already percent-encoded).
REFUSED = ["x%00y", "%0B", "%1F%7F"]
ALLOWED = "%0D%0Ax%09y%FF%ED%A0%80"  # line breaks, tab and bad UTF-8 reach the views


def query_names() -> list[str]:
    """The query parameters govern reads somewhere, found in its source."""
    pattern = re.compile(r"args(?:\.get|\.getlist)?[(\[]\"(\w+)\"")
    names = {"q", "next", "page"}
    for path in Path(govern.__file__).parent.rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def form_field_names() -> list[str]:
    """Every field name of every form class."""
    names: set[str] = set()
    pending = list(GovernForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(n for n in dir(form) if not n.startswith("_") and _is_field(form, n))
    return sorted(names)


def _is_field(form, name: str) -> bool:
    from wtforms.fields.core import UnboundField

    return isinstance(getattr(form, name, None), UnboundField)


def real_values() -> dict[str, str]:
    values = dict(FIXED)
    for argument, (model, column) in REAL.items():
        attribute = getattr(getattr(models, model), column)
        found = db.session.scalar(
            select(attribute).where(attribute.is_not(None)).order_by(attribute).limit(1)
        )
        values[argument] = str(found if found is not None else 1)
    return values


def addresses(app) -> list[tuple[str, set[str], str, list[str]]]:
    """(rule, methods, real path, [paths with a hostile text part]) for every rule."""
    values = real_values()
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule in LEAVE_OUT:
            continue
        real = _build(rule, values)
        hostile = [real + "%00"]
        for argument in rule.arguments:
            if rule._converters[argument].regex.startswith("\\d"):
                continue  # integer parts never reach a view with text in them
            for bad in ("x%00", "x%0By%FF"):
                hostile.append(_build(rule, {**values, argument: bad}))
        out.append((rule.rule, rule.methods - {"HEAD", "OPTIONS"}, real, hostile))
    return out


def _build(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for argument in rule.arguments:
        value = values[argument]
        value = value if "%" in value else quote(value, safe="/")
        path = re.sub(r"<(?:[^<>:]+:)?" + argument + ">", value, path)
    return path


def walk(client, app) -> dict[str, str]:
    """{request: what went wrong} for every rule, as the client is logged in now."""
    queries = query_names()
    fields = form_field_names()
    failures: dict[str, str] = {}

    def check(method: str, url: str, data=None, *, refused: bool) -> None:
        response = client.open(url, method=method, data=data)
        # The API asks for its token before it reads a body: a 401 changes nothing either.
        expected = (400, 401) if url.startswith("/api/") and data else (400,)
        if response.status_code >= 500 or (refused and response.status_code not in expected):
            failures[f"{method} {url} {sorted(data or {})[:1]}"] = str(response.status_code)

    rules = addresses(app)
    for _rule, methods, real, hostile in rules:
        if "GET" not in methods:
            continue
        check("GET", real, refused=False)
        for url in hostile:
            check("GET", url, refused="%00" in url or "%0B" in url)
        for bad in REFUSED:
            check("GET", real + "?" + "&".join(f"{n}={bad}" for n in queries), refused=True)
        check("GET", real + "?" + "&".join(f"{n}={ALLOWED}" for n in queries), refused=False)
    for _rule, methods, real, hostile in rules:
        if "POST" not in methods:
            continue
        for url in hostile[:1]:
            check("POST", url, refused=True)
        for bad in ("\x00", "x\x01y", "\x7f", "a\x0bb\x0cc\r\nd\te"):
            check("POST", real, dict.fromkeys(fields, bad), refused="\x0b" not in bad)
    return failures


@pytest.mark.parametrize("email", [None, "admin@example.no"])
def test_every_route_refuses_control_characters(app, client, demo, email):  # noqa: F811
    if email is not None:
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    failures = walk(client, app)
    assert failures == {}, f"{len(failures)} failures:\n" + "\n".join(
        f"{status} {request}" for request, status in failures.items()
    )
