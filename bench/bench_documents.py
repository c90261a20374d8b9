"""Benchmark building the Word documents against saving an empty python-docx document.

Loads the demo into a fresh temporary SQLite database and measures, in one process and the
same run (best of N after a warm-up, time.perf_counter):

- an empty python-docx Document() saved to memory: the floor any .docx costs;
- the innkalling of Fagrådet's meeting 2/26, from objects already loaded;
- the whole meeting pack of 2/26 (innkalling, toppnotater and attachments in one zip), from
  objects already loaded, and through its download route as the secretariat gets it
  (Flask test client: login session, the meeting's queries, permissions, builder, ETag).

Prints each time, the ratio to the empty document and the targets: innkalling ≤ 5× the
empty document; the whole pack < 180 ms (half of the ~360 ms Indico needs for its timetable
PDF of the same meeting); the same goes to bench/results/documents.json (git-ignored).
Only prints: nothing here asserts speed.

    .venv/bin/python bench/bench_documents.py [--repeat 30]
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "documents.json"
sys.path.insert(0, str(ROOT))

from bench.common import MEETING_NUMBER, best_of, demo_app, options, write_results  # noqa: E402

INNKALLING_TARGET = 5.0  # × the empty document
PACK_TARGET_MS = 180.0  # half of Indico's ~360 ms timetable PDF


def empty_document() -> bytes:
    from docx import Document

    out = BytesIO()
    Document().save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    opts = options(__doc__, argv)

    from govern import queries
    from govern.exports.innkalling import build_innkalling
    from govern.exports.pack import PackSources, build_meeting_pack
    from govern.extensions import db
    from govern.presentation import earlier_treatments, history_rows
    from govern.services.accounts import DEMO_PASSWORD
    from govern.services.attachments import stored_path

    with tempfile.TemporaryDirectory(prefix="govern-bench-docs-") as tmp:
        # The test client logs in without a form.
        app, meeting_id = demo_app(Path(tmp), WTF_CSRF_ENABLED=False)
        with app.app_context():
            meeting = queries.meeting_documents(db.session, meeting_id)
            upload_dir = Path(app.instance_path) / "uploads"

            def read_file(owner) -> bytes | None:
                path = stored_path(upload_dir, owner)
                return path.read_bytes() if path else None

            # What the download supplies, for a reader who may see every decision.
            sources = PackSources(
                read_file,
                lambda treatment: history_rows(earlier_treatments(treatment)),
                queries.previous_meeting(db.session, meeting),
                app.config.get("DOCX_TEMPLATE"),
            )
            client = app.test_client()
            login = {"email": "sekretariat@example.no", "password": DEMO_PASSWORD}
            if client.post("/login", data=login).status_code != 302:
                raise SystemExit("Could not log in as the demo secretariat")

            def download_pack() -> bytes:
                response = client.get(f"/meetings/{meeting_id}/sakspapirer.zip")
                if response.status_code != 200:
                    raise SystemExit(f"sakspapirer.zip answered HTTP {response.status_code}")
                return response.get_data()

            print(
                f"Python {platform.python_version()}, {os.cpu_count()} CPUs; "
                f"best of {opts.repeat} after {opts.warmup} warm-up calls",
                flush=True,
            )
            results = {
                "empty": best_of(empty_document, opts.repeat, opts.warmup),
                "innkalling": best_of(lambda: build_innkalling(meeting), opts.repeat, opts.warmup),
                "pack": best_of(
                    lambda: build_meeting_pack(meeting, sources), opts.repeat, opts.warmup
                ),
                "download": best_of(download_pack, opts.repeat, opts.warmup),
            }
            with zipfile.ZipFile(BytesIO(download_pack())) as pack:
                entries = len(pack.namelist())

    empty = results["empty"]["best"]
    labels = {
        "empty": "empty Document().save()",
        "innkalling": f"innkalling {MEETING_NUMBER}",
        "pack": f"meeting pack {MEETING_NUMBER}",
        "download": "GET sakspapirer.zip",
    }
    print(f"\n{'target':<28} {'best ms':>8} {'median ms':>10} {'× empty':>8} {'bytes':>8}")
    for key, label in labels.items():
        r = results[key]
        print(
            f"{label:<28} {r['best']:>8.2f} {r['median']:>10.2f} "
            f"{r['best'] / empty:>8.2f} {r['size']:>8}"
        )
    ratio = results["innkalling"]["best"] / empty
    pack_ms = results["download"]["best"]
    print(
        f"\ninnkalling / empty document: {ratio:.2f}× "
        f"(target ≤ {INNKALLING_TARGET:g}×: {'met' if ratio <= INNKALLING_TARGET else 'NOT met'})"
    )
    print(
        f"whole pack ({entries} files) through its route: {pack_ms:.1f} ms "
        f"(target < {PACK_TARGET_MS:g} ms, half of Indico's ~360 ms timetable PDF: "
        f"{'met' if pack_ms < PACK_TARGET_MS else 'NOT met'})"
    )
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "options": vars(opts),
        "results_ms": results,
        "innkalling_ratio": round(ratio, 3),
        "innkalling_target": INNKALLING_TARGET,
        "pack_ms": round(pack_ms, 2),
        "pack_target_ms": PACK_TARGET_MS,
    }
    write_results(RESULTS, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
