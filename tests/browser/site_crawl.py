"""The site crawl the browser checks share: the narrow-screen test (tests/browser) and the
accessibility check (.ci/check_accessibility.py) follow the site's links in Chromium from
their first pages, looking at a few pages of each kind. Neither pytest nor a fixture here,
so the CI script can import it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from urllib.parse import urljoin, urlsplit

#: Chromium's flags for every browser the tests and checks start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def crawl(
    page,
    origin: str,
    first: Iterable[str],
    *,
    kind_of: Callable[[str], str | None],
    per_kind: int,
    limit: int,
    visit: Callable[[str], None],
    skip,
) -> int:
    """Follow the links from the `first` paths (their kinds counted), at most `per_kind`
    pages of each kind (`kind_of` a path; None: not followed), calling `visit` with each
    HTML page answered 200, `limit` pages at most; the number of pages visited. Links
    matching the pattern `skip` (downloads, feeds, actions) are not followed."""
    from playwright.sync_api import Error as PlaywrightError

    todo = list(first)
    seen = set(todo)
    kinds = Counter(kind_of(urlsplit(path).path) for path in todo)
    done = 0
    while todo and done < limit:
        path = todo.pop(0)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a download the pattern did not know
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visit(path)
        done += 1
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urljoin(origin + path, href)
            if not url.startswith(origin):
                continue
            parts = urlsplit(url)
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link in seen or skip.search(link):
                continue
            seen.add(link)
            kind = kind_of(parts.path)
            if kind is None or kinds[kind] >= per_kind:
                continue
            kinds[kind] += 1
            todo.append(link)
    return done
