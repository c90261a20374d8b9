"""On a phone: no page may be wider than a 360 px screen. The test crawls the site as the
secretariat, a member and a visitor, at a 360 px wide viewport, and measures each page's
width (tables become stacked rows, long words wrap, the header folds)."""

from __future__ import annotations

import re

import pytest

from tests.browser import site_crawl
from tests.browser.conftest import log_in

WIDTH = 360
#: Links that are downloads, feeds or actions, not pages.
SKIP = re.compile(
    r"\.(docx|zip|ics|xlsx|csv|json|pdf|ico|png)(\?|$)"
    r"|^/(logout|api/|metrics|feeds/|static/|healthz|readyz|sprak/)|versjon=|/download|/fil$"
)
#: Pages of one kind that are looked at (by their path with the numbers taken out).
PER_KIND = 2

MEASURE = """() => {
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > innerWidth + 1) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className}#${el.id} ${Math.round(r.right)}`);
    }
  }
  return [document.documentElement.scrollWidth, wide.slice(0, 4)];
}"""


def _crawl(page, limit: int = 160) -> dict[str, tuple[int, list[str]]]:
    """Follow the site's links from the front page; the width of each page reached."""
    origin = "/".join(page.url.split("/", 3)[:3])
    found = {}

    def measure(path: str) -> None:
        found[path] = page.evaluate(MEASURE)

    site_crawl.crawl(
        page, origin, ["/"], kind_of=lambda path: re.sub(r"\d+", "N", path),
        per_kind=PER_KIND, limit=limit, visit=measure, skip=SKIP,
    )  # fmt: skip
    return found


@pytest.mark.parametrize(
    "who", ["sekretariat@example.no", "admin@example.no", "medlem@example.no", None]
)
def test_no_page_is_wider_than_a_360_px_screen(browser, live_server, who):
    base, _app = live_server
    context = browser.new_context(
        base_url=base, locale="nb-NO", viewport={"width": WIDTH, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        if who:
            log_in(page, who)
        page.goto("/")
        widths = _crawl(page)
    finally:
        context.close()
    assert len(widths) > 20, widths.keys()
    wide = {path: w for path, w in widths.items() if w[0] > WIDTH}
    print(f"{who or 'besøkende'}: {len(widths)} sider målt ved {WIDTH} px, for brede: {len(wide)}")
    assert wide == {}
