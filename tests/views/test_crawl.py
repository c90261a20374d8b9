"""Every page a user can reach by following links in the demo answers, in Norwegian.

For each kind of visitor (not logged in, member, case handler, secretariat, administrator)
the crawler starts at the front page and follows every link to a page of govern (GET only;
files like .docx, .ics, .csv and .xlsx, and logging out, are left out), at most a few query
variants per path. A link a visitor is shown must work for that visitor: no 5xx, no 403 or
404, and every page is an HTML page in bokmål with a title and one h1.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from govern.services.accounts import DEMO_PASSWORD

#: Downloads and actions reached by GET that are not pages (and the language switch, which
#: would change the language of the rest of the crawl).
SKIP = re.compile(
    r"(\.(docx|ics|csv|xlsx|zip|pdf|json|png|css|js)$)|^/(logout|static/|api/|sprak/)"
)
HREF = re.compile(r'href="([^"#]*)(?:#[^"]*)?"')
MAX_PAGES = 400
VARIANTS_PER_PATH = 3


@pytest.fixture
def demo(demo_with_accounts):
    """The demo with its accounts."""


def crawl(client, pages: dict[str, str] | None = None, language: str = "nb") -> dict[str, int]:
    """Visit the pages reachable from /, breadth first; {url: status} of everything tried.

    With `pages`, the HTML of every page that answered 200 is kept there by its url. Every
    page must be in `language` (the test client's Accept-Language says which)."""
    seen: dict[str, int] = {}
    per_path: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302, 303) and "Location" in response.headers:
            target = urlsplit(urljoin("http://localhost" + url, response.headers["Location"]))
            if target.netloc in ("", "localhost"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if pages is not None:
            pages[url] = html
        assert f'<html lang="{language}"' in html, url
        assert re.search(r"<title>[^<]+</title>", html), url
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        for href in HREF.findall(html):
            target = urlsplit(urljoin("http://localhost" + url, href.replace("&amp;", "&")))
            if target.netloc != "localhost" or SKIP.search(target.path):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link in seen or link in queue:
                continue
            if target.query:
                per_path[target.path] = per_path.get(target.path, 0) + 1
                if per_path[target.path] > VARIANTS_PER_PATH:
                    continue
            queue.append(link)
    return seen


@pytest.mark.parametrize(
    "email",
    [
        None,
        "medlem@example.no",
        "saksbehandler@example.no",
        "sekretariat@example.no",
        "admin@example.no",
    ],
)
def test_every_linked_page_answers(client, demo, email):
    if email is not None:
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
    seen = crawl(client)
    broken = {url: status for url, status in seen.items() if status not in (200, 302)}
    assert broken == {}
    assert len(seen) > 20  # the crawl did get somewhere
