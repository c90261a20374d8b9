"""What the in-process benchmarks share: options, timing, and an app with the demo loaded."""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

BODY_SLUG = "fagradet"
MEETING_NUMBER = "2/26"


def write_results(path: Path, report: dict) -> None:
    """Write a benchmark's report as JSON under bench/results/ (git-ignored) and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    print(f"written to {path.relative_to(root)}")


def options(doc: str, argv: list[str] | None) -> argparse.Namespace:
    """--repeat and --warmup, checked."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="measured calls per target")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured calls first")
    opts = parser.parse_args(argv)
    if opts.repeat < 1 or opts.warmup < 0:
        parser.error("--repeat must be positive and --warmup not negative")
    return opts


def best_of(function: Callable[[], object], repeat: int, warmup: int) -> dict:
    """Best and median wall time of `repeat` calls after `warmup` calls, in milliseconds."""
    for _ in range(warmup):
        function()
    times = []
    gc.collect()
    for _ in range(repeat):
        t0 = time.perf_counter()
        function()
        times.append((time.perf_counter() - t0) * 1000)
    return {"best": min(times), "median": statistics.median(times), "size": len(function())}


def app_on(folder: Path, **config):
    """An app on the SQLite database in `folder` (made by demo_app)."""
    from govern import create_app

    settings = {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
    }
    return create_app(settings | config)


def demo_app(folder: Path, **config):
    """An app on a fresh SQLite database in `folder` with the demo loaded, and the id of
    Fagrådet's meeting 2/26."""
    from sqlalchemy import select

    from govern.cli import prepare_demo_database
    from govern.extensions import db
    from govern.models import Body, Meeting

    app = app_on(folder, **config)
    prepare_demo_database(app)
    with app.app_context():
        meeting_id = next(
            m.id
            for m in db.session.scalars(select(Meeting).join(Body).where(Body.slug == BODY_SLUG))
            if m.number == MEETING_NUMBER
        )
        db.session.remove()
    return app, meeting_id
