"""Security headers on every response; private responses are never stored, public pages
keep their ETags."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.helpers import bearer, user_with_token
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import login, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: What a strict Content-Security-Policy blocks: inline script, handlers, style attributes.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=\s*[\"']|\sstyle\s*=|<style", re.IGNORECASE
)


def _assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_public_pages_carry_the_headers_and_keep_their_etag(client, session):
    make_meeting(make_body())
    session.commit()
    for url in ("/bodies", "/bodies/fagradet"):
        page = client.get(url)
        _assert_security_headers(page)
        assert "Strict-Transport-Security" not in page.headers  # plain http
        assert page.headers["Cache-Control"] == "no-cache" and page.headers["ETag"]
        unchanged = client.get(url, headers={"If-None-Match": page.headers["ETag"]})
        assert unchanged.status_code == 304
        _assert_security_headers(unchanged)


def test_hsts_only_over_https(client, session):
    make_body()
    session.commit()
    page = client.get("/bodies", base_url="https://govern.test")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    _assert_security_headers(page)


def test_anything_not_marked_public_is_private_and_not_stored(client, session):
    make_body()
    session.commit()
    for url in ("/login", "/nope", "/bodies/finnes-ikke", "/vedtak"):
        response = client.get(url)
        _assert_security_headers(response)
        assert response.headers["Cache-Control"] == "private, no-store", url


def test_a_logged_in_user_gets_private_unstored_pages_and_downloads(client, session):
    body = make_body()
    draft = make_meeting(body, status="planlagt")
    add_case(draft, "Utkast til sak")
    session.commit()
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    login(client, "siri@example.no")
    urls = (
        "/bodies",
        f"/meetings/{draft.id}",
        f"/meetings/{draft.id}/innkalling.docx",
        f"/meetings/{draft.id}/sakspapirer.zip",
        f"/meetings/{draft.id}.ics",
    )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)
        assert response.headers["Cache-Control"] == "private, no-store", url


def test_public_downloads_of_a_called_meeting_revalidate(client, session):
    meeting = make_meeting(make_body())  # innkalt: public
    session.commit()
    response = client.get(f"/meetings/{meeting.id}/innkalling.docx")
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]
    assert "no-cache" in response.headers["Cache-Control"]
    again = client.get(
        f"/meetings/{meeting.id}/innkalling.docx",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_api_answers_with_a_token_are_private(client, session):
    body = make_body()
    session.commit()
    token = user_with_token(session, "Siri", "siri@example.no", body=body, role="sekretariat")
    response = client.get("/api/v1/bodies", headers=bearer(token))
    assert response.status_code == 200
    _assert_security_headers(response)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_api_docs_work_under_the_policy(client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and docs.mimetype == "text/html"
    _assert_security_headers(docs)
    assert not INLINE.search(docs.get_data(as_text=True))


def test_static_files_keep_their_own_caching(client):
    script = client.get("/static/govern.js")
    assert script.status_code == 200 and "data-print" in script.get_data(as_text=True)
    assert "no-store" not in script.headers.get("Cache-Control", "")
    _assert_security_headers(script)


def test_no_template_has_inline_script_handlers_or_style_attributes():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
