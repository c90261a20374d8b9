"""Benchmark the archive package of the demo's meeting 1/26 (Noark 5 arkivmelding with PDF/A).

Loads the demo into a fresh temporary SQLite database, approves the minutes of Fagrådet 1/26
(2/26's Godkjenning vedtak, as the demo's story goes on), records a package and measures
`services.archive.build_files` (time.perf_counter):

- cold: an empty PDF/A cache, so LibreOffice renders every .docx of the package in one run;
- cached: the renderings come from the cache (what every later download costs);
- the zip of the package, from the files built.

Prints the times, the number of files and documents rendered, and writes the same to
bench/results/archive.json (git-ignored). Needs LibreOffice (soffice). Only prints.

    .venv/bin/python bench/bench_archive.py [--repeat 5]
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "archive.json"
sys.path.insert(0, str(ROOT))

from bench.common import app_on, best_of, options, write_results  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    opts = options(__doc__, argv)
    from govern.cli import prepare_demo_database
    from govern.exports.pdfa import soffice

    if soffice() is None:
        print("LibreOffice (soffice) is not installed; nothing to measure.")
        return 1
    with tempfile.TemporaryDirectory(prefix="govern-bench-archive-") as tmp:
        folder = Path(tmp)
        app = app_on(folder, PDFA_CACHE=str(folder / "pdfa"))
        app.instance_path = str(folder / "instance")
        prepare_demo_database(app)
        with app.app_context():
            report = _measure(app, folder, opts)
    report["machine"] = platform.platform()
    for key in ("cold_ms", "cached_best_ms", "cached_median_ms", "zip_best_ms"):
        print(f"{key:>18}: {report[key]:9.1f}")
    print(f"{'files':>18}: {report['files']} ({report['rendered']} PDF/A renderings)")
    write_results(RESULTS, report)
    return 0


def _measure(app, folder: Path, opts) -> dict:
    from sqlalchemy import select

    from govern import queries
    from govern.extensions import db
    from govern.models import Body, Meeting
    from govern.services import archive
    from tests.services.test_exchange import approve_demo_january

    approve_demo_january(db.session)
    meeting_id = next(
        m.id
        for m in db.session.scalars(select(Meeting).join(Body).where(Body.slug == "fagradet"))
        if m.number == "1/26"
    )
    meeting = queries.meeting_documents(db.session, meeting_id)
    package = archive.make_package(db.session, meeting, None)
    db.session.commit()
    instance = Path(app.instance_path)

    def build():
        return archive.build_files(db.session, meeting, package, instance, app.config)

    t0 = time.perf_counter()
    files = build()
    cold = (time.perf_counter() - t0) * 1000
    cached = best_of(build, opts.repeat, 1)
    zipped = best_of(lambda: archive.package_zip(files, package), opts.repeat, 1)
    return {
        "cold_ms": cold,
        "cached_best_ms": cached["best"],
        "cached_median_ms": cached["median"],
        "zip_best_ms": zipped["best"],
        "files": len(files),
        "rendered": len(list((folder / "pdfa").glob("*.pdf"))),
        "zip_bytes": zipped["size"],
    }


if __name__ == "__main__":
    raise SystemExit(main())
