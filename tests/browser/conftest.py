"""Browser tests: the real app on a loopback port, driven by Playwright in Debian's Chromium.

The server runs in a thread with CSRF on, on its own SQLite file: a copy, for each test module,
of one file built once per run by the migrations and loaded with the demo and its accounts.
Under pytest-xdist each module's tests stay on one worker (one server); a worker starts
Chromium once for all the modules it runs, and each test has a browser context of its own.
Chromium is the system one (`/usr/bin/chromium`, or
GOVERN_CHROMIUM); Playwright never downloads a browser. In CI (CI=true) a missing Chromium
fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from govern import create_app
from govern.extensions import db
from govern.services.accounts import DEMO_PASSWORD, ensure_demo_accounts
from govern.services.exchange import import_exchange
from tests import snapshots
from tests.browser.site_crawl import CHROMIUM_ARGS
from tests.snapshots import demo_document

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCREENSHOTS = Path(tempfile.gettempdir()) / "govern-screenshots"


def _chromium() -> str | None:
    return (
        os.environ.get("GOVERN_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


#: Modules whose tests are each long enough (a crawl of the site per reader) to be handed out
#: one by one: kept together they would be the last worker's work long after the other's
#: ended. Each worker that runs one of them starts the module's server and browser itself.
SPREAD = {"test_narrow_screens"}


def pytest_collection_modifyitems(items) -> None:
    """Keep each browser test module on one xdist worker (with --dist loadgroup), but those
    in SPREAD."""
    here = Path(__file__).parent
    for item in items:
        if item.path.parent == here and item.path.stem not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.stem}"))


def _app(database: Path):
    return create_app(
        {
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "WTF_CSRF_ENABLED": True,
        }
    )


def _build_demo_file(path: Path) -> None:
    from flask_migrate import upgrade

    app = _app(path)
    with app.app_context():
        upgrade()
        import_exchange(db.session, demo_document())
        ensure_demo_accounts(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser_demo_file(shared_tmp) -> Path:
    """The demo with its accounts in an SQLite file built by the migrations, once per run."""
    return snapshots.shared_file(shared_tmp / "browser-demo.sqlite", _build_demo_file)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, browser_demo_file):
    """The app with the demo loaded, served on 127.0.0.1 in a background thread."""
    folder = tmp_path_factory.mktemp("browser")
    shutil.copyfile(browser_demo_file, folder / "browser.sqlite")
    app = _app(folder / "browser.sqlite")
    app.instance_path = str(folder)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Chromium, started once per process (about a second of CPU each time) for every browser
    test module the process runs; each test has a context of its own."""
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is required for the browser tests in CI (apt-get install chromium)"
            )
        pytest.skip("Chromium is not installed here; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    base, _app = live_server
    context = browser.new_context(
        base_url=base, locale="nb-NO", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form, as a person would."""
    page.goto("/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    # The secretariat lands on its front page, everyone else on the list of bodies.
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page, name: str) -> None:
    """Take a full-page screenshot: under docs/ for the README when GOVERN_SCREENSHOTS is set,
    else in a temporary folder, so a test run never rewrites a tracked file (the annual
    wheel, for one, shows today's date)."""
    folder = DOCS if os.environ.get("GOVERN_SCREENSHOTS") else SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)
