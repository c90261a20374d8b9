"""Check every calendar file govern builds from the demo data with ical.js (Thunderbird's parser).

Loads the demo into a fresh SQLite database, downloads through the app's routes every
meeting's .ics (as the demo administrator, so drafts too), every body feed and a member's
personal feed, then has ical.js read them: every event must come back with the UID, times
(as UTC moments, through the file's own VTIMEZONE; all-day annual-cycle deadlines as dates
without a zone), summary, place, description, SEQUENCE and STATUS that icalendar reads from
the same file, and ical.js must see Europe/Oslo for meetings.

    .venv/bin/python .ci/check_calendars.py

`make check-calendars` installs ical.js (npm, into .ci/node/) and runs this.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / ".ci"))

from check_documents import ADMIN, logged_in, make_app, prepare_demo  # noqa: E402


def download(tmp: Path) -> list[Path]:
    """Every calendar file of the demo, written to tmp."""
    from sqlalchemy import select

    from govern.extensions import db
    from govern.models import Body, Meeting, Person

    app = make_app(tmp)
    prepare_demo(app)
    paths = []
    with app.app_context():
        member = db.session.scalars(select(Person).where(Person.memberships.any())).first()
        member.feed_token = "check-calendars"
        db.session.commit()
        admin = logged_in(app, ADMIN)
        urls = [f"/meetings/{i}.ics" for i in db.session.scalars(select(Meeting.id))]
        urls += [f"/bodies/{s}/calendar.ics" for s in db.session.scalars(select(Body.slug))]
        urls.append("/feeds/check-calendars.ics")
        for url in urls:
            response = admin.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url}: HTTP {response.status_code}")
            path = tmp / (url.strip("/").replace("/", "-"))
            path.write_bytes(response.data)
            paths.append(path)
    return paths


def _when(value) -> int | str:
    """A moment as Unix time; a date (all-day annual-cycle deadline) as YYYY-MM-DD."""
    from datetime import datetime

    return int(value.timestamp()) if isinstance(value, datetime) else value.isoformat()


def expected(path: Path) -> list[dict]:
    from datetime import datetime

    import icalendar

    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return [
        {
            "uid": str(e["UID"]),
            "summary": str(e["SUMMARY"]),
            "location": str(e["LOCATION"]) if "LOCATION" in e else None,
            "description": str(e["DESCRIPTION"]),
            "start": _when(e.decoded("DTSTART")),
            "end": _when(e.decoded("DTEND")),
            "tzid": "Europe/Oslo" if isinstance(e.decoded("DTSTART"), datetime) else None,
            "sequence": int(e["SEQUENCE"]) if "SEQUENCE" in e else None,
            "status": str(e["STATUS"]),
        }
        for e in cal.walk("VEVENT")
    ]


def main() -> int:
    script = ROOT / ".ci" / "check_calendars.mjs"
    if not (ROOT / ".ci" / "node" / "node_modules" / "ical.js").exists():
        raise SystemExit("ical.js not found; run `make check-calendars` (npm, into .ci/node/)")
    problems, events = [], 0
    with tempfile.TemporaryDirectory(prefix="govern-ics-") as tmp:
        paths = download(Path(tmp))
        out = subprocess.run(
            ["node", str(script), *map(str, paths)], capture_output=True, text=True, check=True
        ).stdout
        for line, path in zip(out.splitlines(), paths, strict=True):
            read = json.loads(line)
            if read["error"]:
                problems.append(f"{path.name}: ical.js: {read['error']}")
                continue
            for got, want in zip(read["events"], expected(path), strict=False):
                if got != want:
                    problems.append(f"{path.name}: ical.js read {got}, icalendar {want}")
            if len(read["events"]) != len(expected(path)):
                problems.append(f"{path.name}: ical.js found {len(read['events'])} events")
            events += len(read["events"])
            print(f"ok   {path.name} ({len(read['events'])} events)")
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"\n{len(paths)} calendar files, {events} events, {len(problems)} problem(s).")
    return 1 if problems or not events else 0


if __name__ == "__main__":
    sys.exit(main())
