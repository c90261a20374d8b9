"""Benchmark: does a page's cost grow with history? /vedtak and the body page, one year
against ten.

Builds two fresh SQLite databases in a temporary directory, in the same run: the demo alone
(one year of Fagrådet's meetings) and the demo plus ten years of Fagrådet's earlier meetings
(bench/history_data.py: 80 meetings, 1,000 treatments, imported through the normal import
command). Logs in to each as the demo's secretariat member (Fagrådet's secretariat) with the
Flask test client and measures, in one process (best and median of N after a warm-up,
time.perf_counter, and the process's CPU time, which a busy machine disturbs less; the calls
to the two data sets take turns), the decision register /vedtak and Fagrådet's page
/bodies/fagradet, and counts the SQL statements of one request; then the same again on the
same databases with nothing kept (PAGE_CACHE_SIZE=0: what the first view after a write
costs). Prints each time and the ratio ten years / one year beside the target (≤ 1.2×); the
same goes to bench/results/history.json (git-ignored). Only prints: nothing here asserts
speed.

    .venv/bin/python bench/bench_history.py [--repeat 30]
"""

from __future__ import annotations

import gc
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "history.json"
sys.path.insert(0, str(ROOT))

from bench.common import BODY_SLUG, app_on, demo_app, options, write_results  # noqa: E402
from bench.history_data import load_history  # noqa: E402

TARGET = 1.2  # ten years / one year
LOGIN = "sekretariat@example.no"
#: Each page, and a text the answer must hold (so an error page is never timed).
PAGES = {
    "vedtak": ("/vedtak", "Alle vedtak i rådsmodellen du har tilgang til"),
    # The same rows on both databases (the demo's year): what the history alone costs.
    "vedtak_2026": ("/vedtak?ar=2026", "Alle vedtak i rådsmodellen du har tilgang til"),
    "body": (f"/bodies/{BODY_SLUG}", "Møter</h2>"),
}


def logged_in_client(app):
    from govern.services.accounts import DEMO_PASSWORD

    client = app.test_client()
    answer = client.post("/login", data={"email": LOGIN, "password": DEMO_PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"Logging in as {LOGIN} failed: {answer.status_code}")
    return client


def statements_of(app, client, path: str) -> int:
    """How many SQL statements one request runs."""
    from sqlalchemy import event

    from govern.extensions import db

    with app.app_context():
        engine = db.engine
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count


def fetcher(client, path: str, marker: str):
    def fetch() -> bytes:
        answer = client.get(path)
        if answer.status_code != 200 or marker not in answer.get_data(as_text=True):
            raise SystemExit(f"{path} answered {answer.status_code} without «{marker}»")
        return answer.data

    return fetch


def measure(apps: dict, repeat: int, warmup: int) -> dict:
    """Each page on each data set, the calls to the data sets taking turns, so a change in
    the machine's load falls on both alike."""
    clients = {label: logged_in_client(app) for label, app in apps.items()}
    figures: dict = {label: {} for label in apps}
    for name, (path, marker) in PAGES.items():
        fetches = {label: fetcher(client, path, marker) for label, client in clients.items()}
        for fetch in fetches.values():
            for _ in range(warmup):
                fetch()
        wall: dict = {label: [] for label in apps}
        cpu: dict = {label: [] for label in apps}
        gc.collect()
        for _ in range(repeat):
            for label, fetch in fetches.items():
                t0, c0 = time.perf_counter(), time.process_time()
                fetch()
                cpu[label].append((time.process_time() - c0) * 1000)
                wall[label].append((time.perf_counter() - t0) * 1000)
        for label, fetch in fetches.items():
            figures[label][name] = {
                "best": min(wall[label]),
                "median": statistics.median(wall[label]),
                "cpu_median": statistics.median(cpu[label]),
                "size": len(fetch()),
                "statements": statements_of(apps[label], clients[label], path),
            }
    return figures


def main(argv: list[str] | None = None) -> int:
    opts = options(__doc__, argv)
    with tempfile.TemporaryDirectory(prefix="govern-bench-history-") as tmp:
        folders = {"one_year": Path(tmp) / "one", "ten_years": Path(tmp) / "ten"}
        apps = {}
        for label, folder in folders.items():
            folder.mkdir()
            apps[label], _meeting_id = demo_app(folder, WTF_CSRF_ENABLED=False)
        print("history:", load_history(apps["ten_years"]))
        figures = measure(apps, opts.repeat, opts.warmup)
        # The same databases with nothing kept: what the first view after a write costs.
        uncached = {
            label: app_on(folder, WTF_CSRF_ENABLED=False, PAGE_CACHE_SIZE=0)
            for label, folder in folders.items()
        }
        figures_uncached = measure(uncached, opts.repeat, opts.warmup)

    print("As served (kept parts and pages on):")
    ratios = report(figures)
    print("\nNothing kept (PAGE_CACHE_SIZE=0, the first view after a write):")
    ratios_uncached = report(figures_uncached)
    write_results(
        RESULTS,
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "repeat": opts.repeat,
            "login": LOGIN,
            "figures": figures,
            "ratios": ratios,
            "figures_uncached": figures_uncached,
            "ratios_uncached": ratios_uncached,
            "target": TARGET,
        },
    )
    return 0


def report(figures: dict) -> dict:
    """Print each page's figures and its ratio ten years / one year; returns the ratios."""
    print(
        f"{'page':<12} {'data':<10} {'best ms':>9} {'median ms':>10} {'CPU ms':>8} "
        f"{'SQL':>5} {'bytes':>8}"
    )
    for name in PAGES:
        for label in figures:
            f = figures[label][name]
            print(
                f"{name:<12} {label:<10} {f['best']:>9.2f} {f['median']:>10.2f} "
                f"{f['cpu_median']:>8.2f} {f['statements']:>5} {f['size']:>8}"
            )
    ratios = {}
    for name in PAGES:
        one, ten = figures["one_year"][name], figures["ten_years"][name]
        ratios[name] = {key: ten[key] / one[key] for key in ("best", "median", "cpu_median")}
        print(
            f"{PAGES[name][0]}: ten years / one year = {ratios[name]['median']:.2f}× (median), "
            f"{ratios[name]['best']:.2f}× (best), {ratios[name]['cpu_median']:.2f}× (CPU "
            f"median); target ≤ {TARGET}×"
        )
    return ratios


if __name__ == "__main__":
    raise SystemExit(main())
