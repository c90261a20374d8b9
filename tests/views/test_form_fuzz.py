"""Bad input to every form of the demo gets an answer, never a server error.

The administrator's crawl (tests/views/test_crawl.py) collects the POST forms of the pages
it reaches; each is then sent six ways: every field empty, every field with hostile text
(markup, quotes, a very long text), every choice with a value that is not on offer, a NUL
byte, other control characters, and pasted line breaks (CRLF, vertical tab, form feed).
Whatever the form does, the answer is a page or a redirect, not a 5xx; a NUL byte or a control
character is refused with 400.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest

from govern.services.accounts import DEMO_PASSWORD
from tests.views.test_crawl import crawl, demo  # noqa: F401  (the demo fixture)

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
HOSTILE = "<script>alert(1)</script> \"'; DROP TABLE bodies;-- æøå " + "x" * 60_000
#: (kind, value) sent to every field of every form.
KINDS = (
    ("empty", ""),
    ("hostile", HOSTILE),
    ("huge", "999999999999"),
    ("nul", "Navn\x00"),
    ("control", "a\x01\x1b\x7fb"),
    # What a user pastes: Windows line ends, Word's Shift+Enter (vertical tab), a page break.
    ("pasted", "Første linje\r\nAndre\x0bTredje\x0cslutt\tmed tab"),
)
#: Kinds the input guard refuses with 400 before any view runs (and so change nothing).
REFUSED = {"nul", "control"}


def post_forms(client, pages: list[str]) -> dict[str, list[str]]:
    """{action: [names of its fields]} of the POST forms on these pages."""
    forms: dict[str, list[str]] = {}
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for attrs, inner in FORM.findall(response.get_data(as_text=True)):
            attr = dict(ATTR.findall(attrs))
            if attr.get("method", "get").lower() != "post":
                continue
            action = urlsplit(urljoin("http://localhost" + url, unescape(attr.get("action", ""))))
            if action.path in ("/logout", "/login") or "enctype" in attr:
                continue  # file uploads have their own tests
            names = []
            for _tag, field_attrs in FIELD.findall(inner):
                field = dict(ATTR.findall(field_attrs))
                if field.get("name") and field.get("type") not in ("submit", "file"):
                    names.append(field["name"])
            target = action.path + (f"?{action.query}" if action.query else "")
            forms.setdefault(target, names)
    return forms


#: The kinds in three groups, one test each, so that parallel workers share the work (the
#: hostile text, 60 KB in every field, costs as much as the others together).
GROUPS = [KINDS[1:2], KINDS[0:1] + KINDS[2:4], KINDS[4:6]]
assert sorted(sum(GROUPS, ())) == sorted(KINDS), "every kind in exactly one group"


@pytest.mark.parametrize("kinds", GROUPS, ids=["-".join(k for k, _ in g) for g in GROUPS])
def test_every_form_survives_bad_input(client, demo, kinds):  # noqa: F811
    client.post("/login", data={"email": "admin@example.no", "password": DEMO_PASSWORD})
    pages = [url for url, status in crawl(client).items() if status == 200]
    forms = post_forms(client, pages)
    assert len(forms) > 30
    failures = {}
    for action, names in forms.items():
        for kind, value in kinds:
            response = client.post(action, data=dict.fromkeys(names, value))
            if response.status_code >= 500:
                failures.setdefault(action, []).append(kind)
            if kind in REFUSED and response.status_code != 400:
                failures.setdefault(action, []).append(f"{kind} not refused")
    assert failures == {}, "\n".join(f"{a}: {k}" for a, k in failures.items())
