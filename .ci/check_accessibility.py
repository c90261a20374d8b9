"""Check govern's pages for accessibility with axe-core (WCAG 2.1 A and AA) in Chromium.

1. loads the demo into a fresh SQLite database (or copies the one an earlier check of the same
   CI run prepared, see `check_documents.prepare_demo`) and serves it on a loopback port, with
   CSRF on, in a thread (as the browser tests do);
2. as a visitor, a member, the secretariat and the administrator, crawls the site from the
   front page (and a few pages no link leads to: a search with results, the API docs) in the
   system's Chromium through Playwright, one page of each kind (its path with the numbers
   taken out), and sends a few forms empty to see them with their errors;
3. on every page runs axe-core (`.ci/node/node_modules/axe-core/axe.min.js`, evaluated in the
   page: the Content-Security-Policy does not stop what the browser is told to evaluate) with
   the tags wcag2a, wcag2aa, wcag21a and wcag21aa;
4. prints a table of the violations (rule, impact, elements, pages, an example page).

Exits 1 on any violation of impact serious or critical, 0 otherwise.

    .venv/bin/python .ci/check_accessibility.py [--limit 80]

`make check-accessibility` installs axe-core (npm, into .ci/node/) and runs this.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / ".ci"))

from check_documents import prepare_demo  # noqa: E402

from tests.browser import site_crawl  # noqa: E402

AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = {"serious", "critical"}
READERS = [None, "medlem@example.no", "sekretariat@example.no", "admin@example.no"]
#: Links that are downloads, feeds or actions, not pages (as in the narrow-screen test).
SKIP = re.compile(
    r"\.(docx|zip|ics|xlsx|csv|json|pdf|ico|png)(\?|$)"
    r"|^/(logout|api/v1/(?!docs)|metrics|feeds/|static/|healthz|readyz|sprak/)|versjon=|/download|/fil$"
)
#: Pages no link of the crawl may lead to, visited first.
SEEDS = ["/", "/sok?q=e-resept", "/api/v1/docs", "/login", "/prioriteringer/1"]
#: Forms sent empty (browser validation off) to be checked with their error messages: the
#: reader and the page of the form.
FORMS = [
    (None, "/login"),
    ("medlem@example.no", "/bodies/fagradet/meld-inn-sak"),
    ("sekretariat@example.no", "/bodies/fagradet/meetings/new"),
    ("admin@example.no", "/bodies/endringsrad-medikasjon/endringsonsker/ny"),
    ("admin@example.no", "/admin/accounts/new"),
    ("admin@example.no", "/profile/password"),
]
#: A duplicate id that a label or an ARIA attribute points at is a violation (axe makes it
#: "needs review" by default).
CONFIGURE = "() => axe.configure({rules: [{id: 'duplicate-id-aria', reviewOnFail: false}]})"
#: axe's violations and the rules it could not decide ("needs review": reported, never failed).
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
  .then(r => [r.violations, r.incomplete].map(results => results.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3), count: v.nodes.length}))))"""
#: Fills the form's text fields with nothing and sends it, browser validation off.
SEND_EMPTY = """() => {
  const form = [...document.querySelectorAll('main form[method=post], main form[method=POST]')]
    .find(f => f.querySelector('[type=submit], button:not([type])'));
  if (!form) return false;
  form.noValidate = true;
  for (const el of form.querySelectorAll('input[type=text], input[type=email], input[type=password], input:not([type]), textarea')) el.value = '';
  form.querySelector('[type=submit], button:not([type])').click();
  return true;
}"""


def serve(database: Path):
    """The app on the demo database, served on 127.0.0.1 in a thread: (base url, its URL
    map bound to it, stop)."""
    from werkzeug.serving import make_server

    from govern import create_app

    app = create_app(
        {
            "SECRET_KEY": "check-accessibility",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "WTF_CSRF_ENABLED": True,
            "PAGE_CACHE_SIZE": 0,
        }
    )
    prepare_demo(app)
    for name in ("werkzeug", "govern.requests"):  # a line per request otherwise
        logging.getLogger(name).setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{server.server_port}", app.url_map.bind("127.0.0.1"), stop


def log_in(page, email: str) -> None:
    from govern.services.accounts import DEMO_PASSWORD

    page.goto("/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/login" not in url)


class Checker:
    """Runs axe on pages and keeps what it found: rule -> {impact, help, elements, pages}."""

    def __init__(self, axe_source: str):
        self.axe_source = axe_source
        self.found: dict[str, dict] = defaultdict(new_entry)
        self.review: dict[str, dict] = defaultdict(new_entry)
        self.pages = 0

    def check(self, page, label: str) -> None:
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(self.axe_source)
            page.evaluate(CONFIGURE)
        self.pages += 1
        violations, incomplete = page.evaluate(RUN_AXE, TAGS)
        for found, results in ((self.found, violations), (self.review, incomplete)):
            for result in results:
                entry = found[result["id"]]
                entry.update(impact=result["impact"] or "", help=result["help"])
                entry["elements"] += result["count"]
                entry["pages"].append((label, result["nodes"]))


def new_entry() -> dict:
    return {"impact": "", "help": "", "elements": 0, "pages": []}


def crawl(page, checker: Checker, who: str, origin: str, urls, limit: int, per_kind: int) -> int:
    """Follow the site's links from SEEDS, checking `per_kind` pages of each kind (the view
    that answers it, from the app's URL map `urls`); the number of pages checked."""
    from werkzeug.exceptions import HTTPException

    def view(path: str) -> str | None:
        try:
            return urls.match(path)[0]
        except HTTPException:  # a redirect or not found: left to the crawl test
            return None

    return site_crawl.crawl(
        page, origin, SEEDS, kind_of=view, per_kind=per_kind, limit=limit,
        visit=lambda path: checker.check(page, f"{who} {path}"), skip=SKIP,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=80, help="pages checked per reader")
    parser.add_argument("--per-kind", type=int, default=1, help="pages checked per view")
    args = parser.parse_args()
    if not AXE.exists():
        raise SystemExit("axe-core not found; run `make check-accessibility` (npm, into .ci/node/)")
    executable = (
        os.environ.get("GOVERN_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not executable:
        raise SystemExit("Chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    checker = Checker(AXE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="check-a11y-") as tmp:
        base, urls, stop = serve(Path(tmp) / "check.sqlite")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, args=site_crawl.CHROMIUM_ARGS
                )
                for who in READERS:
                    context = browser.new_context(
                        base_url=base, locale="nb-NO", viewport={"width": 1280, "height": 900}
                    )
                    page = context.new_page()
                    page.set_default_timeout(20000)
                    if who:
                        log_in(page, who)
                    name = who.split("@")[0] if who else "besøkende"
                    checked = crawl(page, checker, name, base, urls, args.limit, args.per_kind)
                    print(f"{name}: {checked} pages", flush=True)
                    for reader, path in FORMS:
                        if reader != who:
                            continue
                        if page.goto(path).status != 200:
                            raise SystemExit(f"{name}: {path} did not answer 200")
                        with page.expect_navigation():
                            if not page.evaluate(SEND_EMPTY):
                                raise SystemExit(f"no form to send on {path}")
                        if not page.locator(".error, .flash-error").count():
                            raise SystemExit(f"{path} sent empty showed no error")
                        checker.check(page, f"{name} {path} (sendt tomt)")
                    context.close()
                browser.close()
        finally:
            stop()
    return report(checker)


def table(title: str, found: dict[str, dict]) -> None:
    rows = sorted(
        found.items(), key=lambda item: (item[1]["impact"] not in FAILING, -item[1]["elements"])
    )
    print(f"\n{title}\n{'rule':<30} {'impact':<9} {'elements':>8} {'pages':>6}  example page")
    for rule, entry in rows:
        label, nodes = entry["pages"][0]
        print(
            f"{rule:<30} {entry['impact']:<9} {entry['elements']:>8} {len(entry['pages']):>6}"
            f"  {label}: {' | '.join(nodes)}"
        )


def report(checker: Checker) -> int:
    print(f"\n{checker.pages} pages checked with axe-core ({', '.join(TAGS)}).")
    if checker.review:
        table("Needs review (axe could not decide; not failed):", checker.review)
    if not checker.found:
        print("\nNo violations.")
        return 0
    table("Violations:", checker.found)
    failing = [rule for rule, entry in checker.found.items() if entry["impact"] in FAILING]
    for rule in failing:
        print(f"\nFAIL {rule}: {checker.found[rule]['help']}")
        for label, nodes in checker.found[rule]["pages"][:5]:
            print(f"     {label}: {' | '.join(nodes)}")
    print(f"\n{len(failing)} rule(s) of impact serious or critical broken.")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
