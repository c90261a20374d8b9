"""Benchmark the calendar files against the meeting page, in one process and the same run.

Loads the demo into a fresh temporary SQLite database, adds a body with ten years of
meetings (10 a year, two days each, six cases on each agenda: 100 meetings, 200 events,
all called), and measures through the Flask test client as a visitor who is not logged in
(best and median of N after a warm-up, time.perf_counter):

- the meeting page of Fagrådet 2/26, served from the page cache and rendered afresh;
- /meetings/<id>.ics of that meeting and /bodies/<slug>/calendar.ics of the ten-year body:
  - cold: every cache off (PAGE_CACHE_SIZE = 0), so every event is built;
  - after a write elsewhere (untimed, the location of a meeting in neither file): the file is
    not in the revision cache, so each meeting's fingerprint is read and every event reused;
  - after a write to one of the file's own meetings (its location): that meeting's events
    are rebuilt, the others reused (the realistic case for a feed that many calendars poll);
  - cached: kept under the data revision, as while nothing changes.

Prints each time and the ratios against the targets of issue 6: the meeting .ics at least 5×
faster than the meeting page; the ten-year feed within 2× of one meeting's .ics (compared in
the same situation: both cached, both after a write elsewhere, both after a write to one of
their own meetings, both cold). Writes the
same to bench/results/calendar.json (git-ignored). Only prints: nothing here asserts speed.

    .venv/bin/python bench/bench_calendar.py [--repeat 30]
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "calendar.json"
sys.path.insert(0, str(ROOT))

from bench.common import best_of, demo_app, options, write_results  # noqa: E402

PAGE_RATIO_TARGET = 5.0  # the meeting page / the meeting's .ics, at least
FEED_RATIO_TARGET = 2.0  # the ten-year feed / the meeting's .ics, at most


def add_ten_years(session) -> str:
    """A body with 100 called meetings from 2016 to 2025; returns its slug."""
    from govern.services import agenda, bodies, meetings

    body = bodies.create_body(
        session,
        bodies.BodyInput(
            slug="ti-ar", name="Rådet med ti års møter", short_name="Tiårsrådet", kind="fagråd"
        ),
    )
    for year in range(2016, 2026):
        for n in range(10):
            first = date(year, 1, 15) + timedelta(weeks=5 * n)
            days = (
                meetings.DayInput(first, clock(10), clock(16)),
                meetings.DayInput(first + timedelta(days=1), clock(8), clock(14, 30)),
            )
            meeting = meetings.schedule_meeting(
                session, body, meetings.MeetingInput(days=days, location="Oslo", status="innkalt")
            )
            for c in range(6):
                agenda.add_case_item(
                    session,
                    meeting,
                    agenda.CaseItemInput(sakstype="Drøfting", title=f"Sak {c + 1} i {year}"),
                )
    session.commit()
    return body.slug


def after_write(app, meeting_id: int, call: Callable[[], bytes], repeat: int, warmup: int):
    """Like best_of, but each call comes right after an untimed write to another meeting."""
    from govern.extensions import db
    from govern.models import Meeting

    counter = iter(range(10**9))

    def write() -> None:
        with app.app_context():
            db.session.get(Meeting, meeting_id).location = f"Oslo {next(counter)}"
            db.session.commit()
            db.session.remove()

    for _ in range(warmup):
        write()
        call()
    times = []
    for _ in range(repeat):
        write()
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return {"best": min(times), "median": statistics.median(times), "size": len(call())}


def main(argv: list[str] | None = None) -> int:
    opts = options(__doc__, argv)

    from sqlalchemy import select

    from govern.extensions import db
    from govern.models import Body, Meeting

    with tempfile.TemporaryDirectory(prefix="govern-bench-ics-") as tmp:
        app, meeting_id = demo_app(Path(tmp))
        with app.app_context():
            slug = add_ten_years(db.session)
            other = db.session.scalar(
                select(Meeting.id).join(Body).where(Body.slug == slug).order_by(Meeting.id)
            )
            db.session.remove()
        client = app.test_client()

        def get(path: str) -> Callable[[], bytes]:
            def call() -> bytes:
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: HTTP {response.status_code}")
                return response.data

            return call

        ics, feed = get(f"/meetings/{meeting_id}.ics"), get(f"/bodies/{slug}/calendar.ics")
        page_size = app.config["PAGE_CACHE_SIZE"]
        results = {"page_cached": best_of(get(f"/meetings/{meeting_id}"), opts.repeat, opts.warmup)}
        app.config["PAGE_CACHE_SIZE"] = 0
        results["page_rendered"] = best_of(get(f"/meetings/{meeting_id}"), opts.repeat, opts.warmup)
        results["meeting_ics_cold"] = best_of(ics, opts.repeat, opts.warmup)
        results["feed_cold"] = best_of(feed, 5, 1)
        app.config["PAGE_CACHE_SIZE"] = page_size
        results["meeting_ics_fresh"] = after_write(app, other, ics, opts.repeat, opts.warmup)
        results["feed_fresh"] = after_write(app, meeting_id, feed, opts.repeat, opts.warmup)
        results["meeting_ics_own"] = after_write(app, meeting_id, ics, opts.repeat, opts.warmup)
        results["feed_own"] = after_write(app, other, feed, opts.repeat, opts.warmup)
        results["meeting_ics_cached"] = best_of(ics, opts.repeat, opts.warmup)
        results["feed_cached"] = best_of(feed, opts.repeat, opts.warmup)

    med = {name: r["median"] for name, r in results.items()}
    ratios = {
        "page_rendered_over_ics_fresh": med["page_rendered"] / med["meeting_ics_fresh"],
        "page_rendered_over_ics_cold": med["page_rendered"] / med["meeting_ics_cold"],
        "page_cached_over_ics_cached": med["page_cached"] / med["meeting_ics_cached"],
        "feed_fresh_over_ics_fresh": med["feed_fresh"] / med["meeting_ics_fresh"],
        "feed_own_over_ics_own": med["feed_own"] / med["meeting_ics_own"],
        "feed_cold_over_ics_cold": med["feed_cold"] / med["meeting_ics_cold"],
        "feed_cached_over_ics_cached": med["feed_cached"] / med["meeting_ics_cached"],
    }
    for name, r in results.items():
        print(f"{name:18} best {r['best']:8.2f} ms  median {r['median']:8.2f} ms  {r['size']} B")
    print(
        f"\nmeeting page / meeting .ics (target ≥ {PAGE_RATIO_TARGET}×): "
        f"rendered page / .ics after a write elsewhere "
        f"{ratios['page_rendered_over_ics_fresh']:.2f}×, "
        f"rendered page / cold .ics {ratios['page_rendered_over_ics_cold']:.2f}×, "
        f"cached page / cached .ics {ratios['page_cached_over_ics_cached']:.2f}×"
    )
    print(
        f"ten-year feed / meeting .ics (target ≤ {FEED_RATIO_TARGET}×): "
        f"after a write elsewhere {ratios['feed_fresh_over_ics_fresh']:.2f}×, "
        f"after a write to an own meeting {ratios['feed_own_over_ics_own']:.2f}×, "
        f"cold {ratios['feed_cold_over_ics_cold']:.2f}×, "
        f"cached {ratios['feed_cached_over_ics_cached']:.2f}×"
    )
    write_results(
        RESULTS,
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "repeat": opts.repeat,
            "results": results,
            "ratios": ratios,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
