"""Load test: every kind of downloadable document, 8 clients for a minute, on PostgreSQL.

1. creates a fresh database on the PostgreSQL server given (--database-url, else
   GOVERN_LOAD_DATABASE_URL, else GOVERN_TEST_DATABASE_URL), loads the demo into it, and drops
   it at the end;
2. starts gunicorn with the repository's gunicorn.conf.py (the gthread worker `make run` uses)
   over that database on a free 127.0.0.1 port, with faulthandler on in the workers;
3. logs in as the demo administrator (who may read every document), lists every document
   of the demo — innkalling, referat, sakspapirer and .ics of each meeting, the toppnotat of
   each case, each body's calendar and årshjul, the shared årshjul, the prioritisation's
   result and score sheet, the change-request CSVs, vedtak.xlsx and vedtak.csv — and fetches
   each once;
4. runs wrk for --seconds with --clients connections over those addresses, a document kind at
   a time in turn (load_documents.lua), and counts the answers per kind;
5. prints requests and requests/s per document kind, writes them to
   bench/results/load_documents.json, and fails on any worker that died (gunicorn's log:
   a signal, an exit code, a time-out, a worker booted after start-up), any answer that is
   not 200, and any socket error or time-out.

    .venv/bin/python bench/load_documents.py [--seconds 60] [--clients 8]

`make check-load` runs this; CI runs it on its PostgreSQL cluster after the other checks.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("load_documents.lua")
RESULTS = ROOT / "bench" / "results" / "load_documents.json"
sys.path.insert(0, str(ROOT))

from bench.common import write_results  # noqa: E402
from bench.servers import GunicornServer  # noqa: E402

ADMIN = "admin@example.no"
#: Sent with every request: the login is bound to the address and the browser.
USER_AGENT = "govern-lasttest"
STARTUP_TIMEOUT = 60.0
#: As long as gunicorn lets a worker be silent before it kills it.
REQUEST_TIMEOUT = 30
#: Lines of gunicorn's log that say a worker died or was killed.
DEATH = re.compile(
    r"was sent SIG|exited with code|WORKER TIMEOUT|Fatal Python error|Segmentation fault"
)
BOOTED = "Booting worker with pid"


# --- the database --------------------------------------------------------------------------


def server_url(argument: str | None) -> str:
    url = (
        argument
        or os.environ.get("GOVERN_LOAD_DATABASE_URL")
        or os.environ.get("GOVERN_TEST_DATABASE_URL")
    )
    if not url or not url.startswith(("postgresql", "postgres:")):
        raise SystemExit(
            "Lasttesten trenger en PostgreSQL-server: oppgi --database-url eller "
            "GOVERN_LOAD_DATABASE_URL (postgresql://bruker@vert:port/database)."
        )
    return url


@contextlib.contextmanager
def fresh_database(url: str):
    """A new, empty database on the server of `url`, dropped afterwards; yields its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from govern.config import normalise_database_url

    server = make_url(normalise_database_url(url))
    name = f"govern_load_{os.getpid()}_{int(time.time())}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def load_demo(url: str) -> list[tuple[str, str]]:
    """Load the demo into the database; every document address of it as (kind, path)."""
    from sqlalchemy import select

    from govern import create_app
    from govern.cli import prepare_demo_database
    from govern.extensions import db
    from govern.models import (
        Body,
        Cycle,
        Meeting,
        Person,
        PrioritisationRound,
        ProductArea,
        Treatment,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "lasttest"})
    prepare_demo_database(app)
    with app.app_context():
        s = db.session
        ids = lambda stmt: list(s.scalars(stmt))  # noqa: E731
        meetings = ids(select(Meeting.id).order_by(Meeting.id))
        treatments = ids(
            select(Treatment.id).where(Treatment.meeting_id.is_not(None)).order_by(Treatment.id)
        )
        bodies = ids(select(Body.slug).order_by(Body.id))
        shared_cycles = ids(select(Cycle.slug).where(Cycle.body_id.is_(None)).order_by(Cycle.id))
        rounds = ids(select(PrioritisationRound.id).order_by(PrioritisationRound.id))
        areas = ids(select(Body.slug).join(ProductArea, ProductArea.body_id == Body.id))
        feeds = ids(select(Person.feed_token).where(Person.feed_token.is_not(None)).limit(3))
        db.session.remove()
        db.engine.dispose()
    urls = [("vedtak.xlsx", "/vedtak.xlsx"), ("vedtak.csv", "/vedtak.csv")]
    for m in meetings:
        urls += [
            ("innkalling.docx", f"/meetings/{m}/innkalling.docx"),
            ("referat.docx", f"/meetings/{m}/referat.docx"),
            ("sakspapirer.zip", f"/meetings/{m}/sakspapirer.zip"),
            ("møte.ics", f"/meetings/{m}.ics"),
        ]
    urls += [("toppnotat.docx", f"/treatments/{t}/toppnotat.docx") for t in treatments]
    for slug in bodies:
        urls += [
            ("kalender.ics", f"/bodies/{slug}/calendar.ics"),
            ("årshjul.docx", f"/bodies/{slug}/arshjul.docx"),
        ]
    urls += [("årshjul.docx", f"/arshjul/{slug}.docx") for slug in shared_cycles]
    urls += [("kalender.ics", f"/feeds/{token}.ics") for token in feeds]
    for r in rounds:
        urls += [
            ("prioritering.docx", f"/prioriteringer/{r}/resultat.docx"),
            ("poengmal.xlsx", f"/prioriteringer/{r}/poengmal.xlsx"),
        ]
    for slug in areas:
        urls += [
            ("endringsønsker.csv", f"/bodies/{slug}/endringsonsker.csv"),
            ("endringsønsker.csv", f"/bodies/{slug}/endringsonsker/historikk.csv"),
        ]
    return urls


def rotation(urls: list[tuple[str, str]]) -> list[str]:
    """The paths in the order wrk asks for them: one of each kind in turn, so every kind gets
    the same share of requests however many documents it has."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, path in urls:
        by_kind[kind].append(path)
    longest = max(len(paths) for paths in by_kind.values())
    return [paths[i % len(paths)] for i in range(longest) for paths in by_kind.values()]


# --- the server ----------------------------------------------------------------------------


def demo_server(database_url: str, log_path: Path, debug_allocator: bool = False) -> GunicornServer:
    """The demo on `database_url`, served as `make run` serves it."""
    env = {
        **os.environ,
        "GOVERN_DATABASE_URL": database_url,
        "GOVERN_SECRET_KEY": "lasttest",
        # A crash prints every thread's Python stack to the log.
        "PYTHONFAULTHANDLER": "1",
    }
    env.pop("GOVERN_ACCESS_LOG", None)
    if debug_allocator:
        # Python's debug allocator: memory written after it was freed, or past its end,
        # fails at once instead of some time later (slower; for tracing a crash).
        env["PYTHONMALLOC"] = "debug"
    return GunicornServer(
        "govern:create_app()",
        env,
        log_path,
        ready_path="/login",
        startup_timeout=STARTUP_TIMEOUT,
        stop_timeout=40,
    )


def log_in(base: str) -> str:
    """Log in as the demo administrator; the Cookie header that carries the session."""
    from govern.services.accounts import DEMO_PASSWORD

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(base + "/login", timeout=REQUEST_TIMEOUT) as response:
        page = response.read().decode("utf-8")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("Fant ikke CSRF-feltet på innloggingssiden.")
    form = {"email": ADMIN, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    with opener.open(
        base + "/login", urllib.parse.urlencode(form).encode(), timeout=REQUEST_TIMEOUT
    ) as response:
        response.read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise SystemExit("Innloggingen som demoadministrator ga ingen økt.")
    return cookie


def fetch_each(base: str, cookie: str, urls: list[tuple[str, str]]) -> dict[str, str]:
    """Fetch every document once (each must answer 200 with a Content-Disposition); its
    Content-Disposition to its kind."""
    kinds: dict[str, str] = {}
    problems = []
    for kind, path in urls:
        request = urllib.request.Request(
            base + path, headers={"Cookie": cookie, "User-Agent": USER_AGENT}
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                response.read()
                status = response.status
                disposition = response.headers.get("Content-Disposition", "")
        except urllib.error.HTTPError as error:
            status, disposition = error.code, ""
        if status != 200 or not disposition:
            problems.append(f"{path}: {status}")
        elif kinds.setdefault(disposition, kind) != kind:
            problems.append(f"{path}: samme filnavn som en annen dokumenttype ({disposition})")
    if problems:
        raise SystemExit("Dokumenter som ikke kunne lastes ned:\n  " + "\n  ".join(problems))
    return kinds


# --- the load ------------------------------------------------------------------------------


def run_wrk(wrk: str, base: str, cookie: str, list_file: Path, seconds: int, clients: int):
    command = [
        wrk,
        f"--threads={min(2, clients)}",
        f"--connections={clients}",
        f"--duration={seconds}s",
        f"--timeout={REQUEST_TIMEOUT}s",
        "--header",
        f"Cookie: {cookie}",
        "--header",
        f"User-Agent: {USER_AGENT}",
        "--script",
        str(SCRIPT),
        base,
        "--",
        str(list_file),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise SystemExit(f"wrk feilet ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def parse_wrk(output: str) -> dict:
    counts, failures, summary = {}, {}, None
    for line in output.splitlines():
        fields = line.split("\t")
        if fields[0] == "govern-count":
            counts[fields[1]] = int(fields[2])
        elif fields[0] == "govern-failure":
            failures[fields[1]] = int(fields[2])
        elif fields[0] == "govern-summary":
            summary = [int(f) for f in fields[1:]]
    if summary is None:
        raise SystemExit(f"Fant ikke wrk-skriptets oppsummering:\n{output}")
    duration, requests, connect, read, write, status, timeout, p99 = summary
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "seconds": duration / 1e6,
        "requests": requests,
        "per_kind": counts,
        "failures": failures,
        "socket_errors": {"connect": connect, "read": read, "write": write, "timeout": timeout},
        "non_2xx_or_3xx": int(non_2xx.group(1)) if non_2xx else status,
        "p99_ms": p99 / 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="hvor lenge lasten varer")
    parser.add_argument("--clients", type=int, default=8, help="samtidige forbindelser")
    parser.add_argument("--database-url", help="PostgreSQL-serveren (en ny database lages der)")
    parser.add_argument("--wrk", default="wrk", help="wrk-programmet")
    parser.add_argument(
        "--debug-allocator",
        action="store_true",
        help="arbeidsprosessene med Pythons feilsøkingsallokator (PYTHONMALLOC=debug)",
    )
    opts = parser.parse_args(argv)
    if opts.seconds < 1 or opts.clients < 1:
        parser.error("--seconds og --clients må være positive")
    wrk = shutil.which(opts.wrk)
    if wrk is None:
        raise SystemExit(f"Fant ikke {opts.wrk}; installer wrk (apt-get install wrk).")
    url = server_url(opts.database_url)
    t0 = time.monotonic()

    print("Lager en ny PostgreSQL-database …", flush=True)
    with tempfile.TemporaryDirectory(prefix="govern-load-") as tmp, fresh_database(url) as db_url:
        print(f"  ({time.monotonic() - t0:.0f} s) laster demodataene inn i den …", flush=True)
        urls = load_demo(db_url)
        print(f"  ({time.monotonic() - t0:.0f} s) starter gunicorn …", flush=True)
        with demo_server(db_url, Path(tmp) / "gunicorn.log", opts.debug_allocator) as server:
            cookie = log_in(server.base)
            print(f"  ({time.monotonic() - t0:.0f} s) henter hvert dokument én gang …", flush=True)
            kinds = fetch_each(server.base, cookie, urls)
            list_file = Path(tmp) / "documents.tsv"
            lines = [f"url\t{path}" for path in rotation(urls)]
            lines += [f"kind\t{disposition}\t{kind}" for disposition, kind in kinds.items()]
            list_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            booted = server.log_text().count(BOOTED)
            print(
                f"  ({time.monotonic() - t0:.0f} s) {len(urls)} dokumenter av "
                f"{len({k for k, _ in urls})} typer; {opts.clients} klienter i {opts.seconds} s …",
                flush=True,
            )
            output = run_wrk(wrk, server.base, cookie, list_file, opts.seconds, opts.clients)
            alive = server.alive()
            log = server.log_text()
            print(f"  ({time.monotonic() - t0:.0f} s) stopper gunicorn …", flush=True)
        print(f"  ({time.monotonic() - t0:.0f} s) sletter databasen …", flush=True)
    print(f"  ({time.monotonic() - t0:.0f} s) ferdig", flush=True)
    result = parse_wrk(output)
    deaths = [line for line in log.splitlines() if DEATH.search(line)]
    reboots = log.count(BOOTED) - booted
    errors = [line for line in log.splitlines() if "Exception on" in line][:5]
    report(result, len(urls))

    problems = []
    if deaths or reboots > 0:
        problems.append(f"arbeidsprosesser døde ({reboots} startet på nytt): " + "; ".join(deaths))
    if not alive:
        problems.append("gunicorn stoppet under lasten")
    if result["failures"] or result["non_2xx_or_3xx"]:
        problems.append(f"svar som ikke var 200: {result['failures'] or result['non_2xx_or_3xx']}")
    socket_errors = {k: v for k, v in result["socket_errors"].items() if v}
    if socket_errors:
        problems.append(f"socketfeil: {socket_errors}")
    if errors:
        problems.append("feil i loggen: " + "; ".join(errors))
    missing = sorted({k for k, _ in urls} - set(result["per_kind"]))
    if missing:
        problems.append(f"dokumenttyper uten et eneste svar: {', '.join(missing)}")
    result |= {
        "clients": opts.clients,
        "documents": len(urls),
        "worker_deaths": deaths,
        "workers_restarted": reboots,
        "passed": not problems,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_results(RESULTS, result)
    if problems:
        if deaths:
            print("\nFra gunicorns logg:\n" + tail_around_deaths(log))
        print("\nFEIL: " + "\n      ".join(problems))
        return 1
    print("\nOK: ingen arbeidsprosess døde, alle svar var 200.")
    return 0


def report(result: dict, documents: int) -> None:
    seconds = result["seconds"]
    print(f"\n{'dokumenttype':<20} {'svar':>8} {'per s':>8}")
    for kind, n in sorted(result["per_kind"].items(), key=lambda item: -item[1]):
        print(f"{kind:<20} {n:>8} {n / seconds:>8.1f}")
    total = sum(result["per_kind"].values())
    print(f"{'i alt':<20} {total:>8} {total / seconds:>8.1f}   p99 {result['p99_ms']:.0f} ms")


def tail_around_deaths(log: str, lines: int = 80) -> str:
    """The log from the first death on (with faulthandler's stacks), cut to `lines` lines."""
    rows = log.splitlines()
    first = next((i for i, row in enumerate(rows) if "Fatal Python error" in row), None)
    if first is None:
        first = next((i for i, row in enumerate(rows) if DEATH.search(row)), len(rows) - lines)
    return "\n".join(rows[max(first, 0) : max(first, 0) + lines])


if __name__ == "__main__":
    sys.exit(main())
