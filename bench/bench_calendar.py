"""Benchmark the calendar files against the meeting page, in one process and the same run.

Loads the demo into a fresh temporary SQLite database, adds a body with ten years of
meetings (10 a year, two days each, six cases on each agenda: 100 meetings, 200 events,
all called), and measures through the Flask test client as a visitor who is not logged in
(best and median of N after a warm-up, time.perf_counter):

- the meeting page of Fagrådet 2/26, served from the page cache and rendered afresh;
- /meetings/<id>.ics of the same meeting and /bodies/<slug>/calendar.ics of the ten-year
  body, each built afresh (as after a write) and kept under the data revision (as while
  nothing changes, which is what a polling calendar meets).

Prints each time and the ratios against the targets of issue 6: the meeting .ics at least 5×
faster than the meeting page; the ten-year feed within 2× of one meeting's .ics. Writes the
same to bench/results/calendar.json (git-ignored). Only prints: nothing here asserts speed.

    .venv/bin/python bench/bench_calendar.py [--repeat 30]
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "calendar.json"
sys.path.insert(0, str(ROOT))

from bench.common import best_of, demo_app, options  # noqa: E402

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
                agenda.put_case_on_agenda(
                    session,
                    meeting,
                    agenda.CaseItemInput(sakstype="Drøfting", title=f"Sak {c + 1} i {year}"),
                )
    session.commit()
    return body.slug


def main(argv: list[str] | None = None) -> int:
    opts = options(__doc__, argv)

    from govern.extensions import db

    with tempfile.TemporaryDirectory(prefix="govern-bench-ics-") as tmp:
        app, meeting_id = demo_app(Path(tmp))
        with app.app_context():
            slug = add_ten_years(db.session)
            db.session.remove()
        client = app.test_client()

        def get(path: str) -> Callable[[], bytes]:
            def call() -> bytes:
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: HTTP {response.status_code}")
                return response.data

            return call

        page_size = app.config["PAGE_CACHE_SIZE"]
        results = {"page_cached": best_of(get(f"/meetings/{meeting_id}"), opts.repeat, opts.warmup)}
        app.config["PAGE_CACHE_SIZE"] = 0
        results["page_rendered"] = best_of(get(f"/meetings/{meeting_id}"), opts.repeat, opts.warmup)
        # Built afresh, as after any write (the files are kept per data revision otherwise).
        results["meeting_ics_built"] = best_of(
            get(f"/meetings/{meeting_id}.ics"), opts.repeat, opts.warmup
        )
        results["feed_built"] = best_of(get(f"/bodies/{slug}/calendar.ics"), 5, 1)
        app.config["PAGE_CACHE_SIZE"] = page_size
        results["meeting_ics"] = best_of(
            get(f"/meetings/{meeting_id}.ics"), opts.repeat, opts.warmup
        )
        results["feed_10_years"] = best_of(
            get(f"/bodies/{slug}/calendar.ics"), opts.repeat, opts.warmup
        )

    ics = results["meeting_ics"]["median"]
    ratios = {
        "page_cached_over_ics": results["page_cached"]["median"] / ics,
        "page_rendered_over_ics": results["page_rendered"]["median"] / ics,
        "feed_over_ics": results["feed_10_years"]["median"] / ics,
        "page_rendered_over_ics_built": results["page_rendered"]["median"]
        / results["meeting_ics_built"]["median"],
        "feed_built_over_ics_built": results["feed_built"]["median"]
        / results["meeting_ics_built"]["median"],
    }
    for name, r in results.items():
        print(f"{name:15} best {r['best']:8.2f} ms  median {r['median']:8.2f} ms  {r['size']} B")
    print(
        f"\nmeeting page / meeting .ics: {ratios['page_cached_over_ics']:.2f}× from the cache, "
        f"{ratios['page_rendered_over_ics']:.2f}× rendered (target ≥ {PAGE_RATIO_TARGET}×)"
    )
    print(
        f"ten-year feed / meeting .ics: {ratios['feed_over_ics']:.2f}× "
        f"(target ≤ {FEED_RATIO_TARGET}×)"
    )
    print(
        f"built afresh: page / .ics {ratios['page_rendered_over_ics_built']:.2f}×, "
        f"feed / .ics {ratios['feed_built_over_ics_built']:.2f}×"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "repeat": opts.repeat,
                "results": results,
                "ratios": ratios,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
