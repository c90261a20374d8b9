"""Bad input to every form of the demo gets an answer, never a server error.

The administrator's crawl (tests/views/test_crawl.py) collects the POST forms of the pages
it reaches; each is then sent six ways: every field empty, every field with hostile text
(markup, quotes, a very long text), every choice with a value that is not on offer, a NUL
byte, other control characters, and pasted line breaks (CRLF, vertical tab, form feed).
Whatever the form does, the answer is a page or a redirect, not a 5xx; a NUL byte or a control
character is refused with 400.

The crawl (a few hundred pages) is the same for every group of kinds: the first test of the
run to need it crawls a fresh demo and keeps the forms it found in the run's shared folder,
and the others (on any xdist worker) read them from there.
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import quote_plus, urljoin, urlsplit

import pytest

from govern.services.accounts import DEMO_PASSWORD
from tests import snapshots
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


def post_forms(pages: dict[str, str]) -> dict[str, list[str]]:
    """{action: [names of its fields]} of the POST forms on these pages ({url: HTML})."""
    forms: dict[str, list[str]] = {}
    for url, page in pages.items():
        for attrs, inner in FORM.findall(page):
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


#: What the test client leaves unquoted in a form body (werkzeug.urls._urlencode's `safe`).
SAFE = "!$'()*,/:;?@"


def form_body(names: list[str], quoted_value: str) -> bytes:
    """The urlencoded body the test client would send for dict.fromkeys(names, value), with
    the value quoted once (quoting 60 KB for every field of every form costs minutes)."""
    pairs = (f"{quote_plus(name, safe=SAFE)}={quoted_value}" for name in dict.fromkeys(names))
    return "&".join(pairs).encode("ascii")


def admin_forms(client, shared_tmp) -> dict[str, list[str]]:
    """The POST forms of the pages the administrator reaches in the demo, found once per run
    (the client is logged in as the administrator on a fresh demo)."""

    def build(path):
        pages: dict[str, str] = {}
        crawl(client, pages)
        path.write_text(json.dumps(post_forms(pages)), encoding="utf-8")

    found = snapshots.shared_file(shared_tmp / "admin-forms.json", build)
    return json.loads(found.read_text(encoding="utf-8"))


@pytest.mark.parametrize("kinds", GROUPS, ids=["-".join(k for k, _ in g) for g in GROUPS])
def test_every_form_survives_bad_input(client, demo, shared_tmp, kinds):  # noqa: F811
    client.post("/login", data={"email": "admin@example.no", "password": DEMO_PASSWORD})
    forms = admin_forms(client, shared_tmp)
    assert len(forms) > 30
    quoted = {kind: quote_plus(value, safe=SAFE) for kind, value in kinds}
    failures = {}
    for action, names in forms.items():
        for kind, _value in kinds:
            response = client.post(
                action,
                data=form_body(names, quoted[kind]),
                content_type="application/x-www-form-urlencoded",
            )
            if response.status_code >= 500:
                failures.setdefault(action, []).append(kind)
            if kind in REFUSED and response.status_code != 400:
                failures.setdefault(action, []).append(f"{kind} not refused")
    assert failures == {}, "\n".join(f"{a}: {k}" for a, k in failures.items())
