"""Benchmark the meeting page for a logged-in member and for a visitor against a hello-world
Flask app under the same gunicorn config, with wrk, in one run; and the page caches' hit
rate while another body is written to.

Starts gunicorn with the repository's gunicorn.conf.py (as `make run` does), first serving
bench/hello_app.py and then the govern app (bench/cache_stats_app.py: create_app() plus a
count of cache hits) with the demo in a fresh temporary SQLite database. wrk drives each for a
fixed time over keep-alive connections on loopback. Phases: hello; the member's page (Jon
Gupta, member of Fagrådet, logged in) and the visitor's page of Fagrådet 2/26; both again
while another process writes to a meeting of another body; and, for contrast, the member's
page while that process writes to another meeting of Fagrådet. Prints throughput, latency,
the ratios against hello-world beside the targets, and the hit rates; writes the same to
bench/results/member_page.json.

Only prints: nothing here asserts speed. Run with
`.venv/bin/python bench/bench_member_page.py --seconds 10`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"
RESULTS = ROOT / "bench" / "results" / "member_page.json"
sys.path.insert(0, str(ROOT))

from bench.common import BODY_SLUG, MEETING_NUMBER, write_results  # noqa: E402
from bench.servers import HOST, GunicornServer  # noqa: E402

TARGETS = {"member": 0.15, "visitor": 0.40}
MEMBER_EMAIL = "medlem@example.no"
MEMBER_NAME = "Jon Gupta"
OTHER_BODY = "produktrad-dips-arena"
MEETING_TITLE = f"Møte i Fagrådet {MEETING_NUMBER}"
#: The login is tied to the client's address and User-Agent (session protection): wrk sends
#: the same User-Agent as the login did.
USER_AGENT = "govern-bench"


# --- HTTP ------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, headers=None, body: str | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _session_cookie(headers) -> str | None:
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def login(port: int, email: str, password: str) -> str:
    """The session cookie of a fresh login through the login form."""
    status, headers, page = request(port, "GET", "/login")
    cookie = _session_cookie(headers)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if status != 200 or cookie is None or token is None:
        raise RuntimeError(f"GET /login answered {status} without a form")
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token[1]})
    status, headers, _ = request(
        port,
        "POST",
        "/login",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        form,
    )
    cookie = _session_cookie(headers) or cookie
    if status != 302:
        raise RuntimeError(f"POST /login answered {status}")
    return cookie


def check_page(port: int, path: str, cookie: str | None, expect: list[str]) -> None:
    status, _, page = request(port, "GET", path, {"Cookie": cookie} if cookie else {})
    missing = [text for text in expect if text not in page]
    if status != 200 or missing:
        raise RuntimeError(f"GET {path} answered {status}, without {missing}")


def find_meeting(port: int, slug: str, number: str | None = None) -> str:
    status, _, body = request(port, "GET", f"/api/v1/bodies/{slug}/meetings?year=2026")
    items = json.loads(body)["items"] if status == 200 else []
    for item in items:
        if number is None or item["number"] == number:
            return f"/meetings/{item['id']}"
    raise RuntimeError(f"No meeting {number or ''} of {slug} in the demo data")


def cache_stats(port: int, workers: int) -> dict[int, dict[str, int]]:
    """Each worker's cache counts (asked until every worker has answered)."""
    seen: dict[int, dict[str, int]] = {}
    for _ in range(200):
        _, _, body = request(port, "GET", "/_bench/cache-stats")
        data = json.loads(body)
        seen[data["pid"]] = data["counts"]
        if len(seen) >= workers:
            break
    return seen


def hit_rate(before: dict, after: dict, cache: str) -> dict:
    hits = misses = 0
    for pid, counts in after.items():
        old = before.get(pid, {})
        hits += counts.get(f"{cache}:hit", 0) - old.get(f"{cache}:hit", 0)
        misses += counts.get(f"{cache}:miss", 0) - old.get(f"{cache}:miss", 0)
    total = hits + misses
    return {"hits": hits, "misses": misses, "rate": hits / total if total else None}


# --- wrk -------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, path: str, opts, cookie: str | None = None) -> dict:
    command = [
        "wrk",
        f"-t{opts.threads}",
        f"-c{opts.connections}",
        f"-d{opts.seconds:g}s",
        "--latency",
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "throughput": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "non_2xx": int(bad[1]) if bad else 0,
        "socket_errors": socket[1] if socket else "",
        "latency_ms": {f"p{k}": _ms(v) for k, v in latency.items()},
    }


# --- writes while measuring -------------------------------------------------------------------


def write_loop(slug: str, path: str | None, seconds: float, interval: float) -> None:
    """In its own process: change a meeting of `slug` (not `path`) every `interval` seconds."""
    from sqlalchemy import select

    from govern import create_app
    from govern.extensions import db
    from govern.models import Body, Meeting

    app = create_app()
    skip = int(path.rsplit("/", 1)[1]) if path else None
    writes = 0
    with app.app_context():
        meeting = db.session.scalars(
            select(Meeting)
            .join(Body)
            .where(Body.slug == slug, Meeting.id != (skip or 0))
            .order_by(Meeting.id)
        ).first()
        print("ready", flush=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            meeting.location = f"Møterom {writes % 7}"
            db.session.commit()
            writes += 1
            time.sleep(interval)
    print(writes)


class Writer:
    """A process writing to a body's meeting while a phase runs; `writes` when done."""

    def __init__(self, env, slug: str, skip: str | None, opts):
        args = [slug, skip or "", str(opts.seconds), str(opts.write_interval)]
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--write-loop", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        # Measuring starts once its app is up, so it writes all through the phase.
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the writer did not start")

    def writes(self) -> int:
        out, _ = self.proc.communicate(timeout=120)
        if self.proc.returncode != 0:
            raise RuntimeError("the writer failed")
        return int(out.strip().splitlines()[-1])


# --- the run ---------------------------------------------------------------------------------


def run_flask(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "govern", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def row(name: str, r: dict, hello: float) -> str:
    lat = r["latency_ms"]
    return (
        f"{name:<28} {r['throughput']:>9.1f} {r['throughput'] / hello:>7.1%} "
        f"{lat.get('p50', 0):>8.2f} {lat.get('p99', 0):>8.2f} {r['non_2xx']:>6}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=8, help="wrk keep-alive connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--write-interval", type=float, default=0.2, help="seconds between the writer's commits"
    )
    parser.add_argument("--write-loop", nargs=4, help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.write_loop:
        slug, skip, seconds, interval = opts.write_loop
        write_loop(slug, skip or None, float(seconds), float(interval))
        return 0
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed")

    from govern.services.accounts import DEMO_PASSWORD

    gunicorn_cfg = runpy.run_path(str(CONFIG))
    workers = gunicorn_cfg["workers"]
    print(
        f"gunicorn.conf.py: {gunicorn_cfg['worker_class']}, {workers} workers × "
        f"{gunicorn_cfg['threads']} threads; wrk: {opts.threads} threads, "
        f"{opts.connections} connections, {opts.seconds:g} s per phase",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="govern-bench-") as tmp:
        tmpdir = Path(tmp)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GOVERN_DATABASE_URL": f"sqlite:///{tmpdir / 'bench.sqlite'}",
            "GOVERN_SECRET_KEY": "bench",
        }
        print("Loading the demo into a fresh database …", flush=True)
        run_flask(["db", "upgrade"], env)
        run_flask(["demo"], env)

        results: dict[str, dict] = {}
        with GunicornServer("bench.hello_app:app", env, tmpdir / "hello.log") as server:
            check_page(server.port, "/", None, ["Hei, verden"])
            wrk(server.port, "/", argparse.Namespace(**{**vars(opts), "seconds": 2}))
            results["hello"] = wrk(server.port, "/", opts)
            print(f"hello: {results['hello']['throughput']:.0f} req/s", flush=True)

        with GunicornServer("bench.cache_stats_app:app", env, tmpdir / "govern.log") as server:
            port = server.port
            path = find_meeting(port, BODY_SLUG, MEETING_NUMBER)
            cookie = login(port, MEMBER_EMAIL, DEMO_PASSWORD)
            member_page = [MEETING_TITLE, MEMBER_NAME, "Logg ut"]
            check_page(port, path, cookie, member_page)
            check_page(port, path, None, [MEETING_TITLE, "Logg inn"])
            warm = argparse.Namespace(**{**vars(opts), "seconds": 2})
            wrk(port, path, warm, cookie)
            wrk(port, path, warm)

            hit_rates: dict[str, dict] = {}
            writes: dict[str, int] = {}

            def phase(name, cookie, cache, writer_slug=None, skip=None):
                before = cache_stats(port, workers)
                writer = Writer(env, writer_slug, skip, opts) if writer_slug else None
                results[name] = wrk(port, path, opts, cookie)
                if writer is not None:
                    writes[name] = writer.writes()
                hit_rates[name] = hit_rate(before, cache_stats(port, workers), cache)
                rate = hit_rates[name]["rate"]
                shown = f"{rate:.2%}" if rate is not None else "none counted"
                print(
                    f"{name}: {results[name]['throughput']:.0f} req/s, hit rate {shown}"
                    + (f", {writes[name]} writes" if name in writes else ""),
                    flush=True,
                )

            phase("member", cookie, "govern_part_cache")
            phase("visitor", None, "govern_page_cache")
            phase("member, writes elsewhere", cookie, "govern_part_cache", OTHER_BODY)
            phase("visitor, writes elsewhere", None, "govern_page_cache", OTHER_BODY)
            phase("member, writes in Fagrådet", cookie, "govern_part_cache", BODY_SLUG, path)
            check_page(port, path, cookie, member_page)  # still logged in after it all

    hello = results["hello"]["throughput"]
    print()
    print(f"{'target':<28} {'req/s':>9} {'×hello':>7} {'p50 ms':>8} {'p99 ms':>8} {'non200':>6}")
    for name, r in results.items():
        print(
            row(name, r, hello)
            + (
                f"  hit rate {hit_rates[name]['rate']:.2%}"
                if hit_rates.get(name, {}).get("rate") is not None
                else ""
            )
        )
    ratios = {name: results[name]["throughput"] / hello for name in TARGETS}
    for name, target in TARGETS.items():
        verdict = "met" if ratios[name] >= target else "NOT met"
        print(f"{name}/hello throughput: {ratios[name]:.1%} (target ≥ {target:.0%}: {verdict})")
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "gunicorn": {k: gunicorn_cfg[k] for k in ("worker_class", "workers", "threads")},
        "options": {k: v for k, v in vars(opts).items() if k != "write_loop"},
        "results": results,
        "hit_rates": hit_rates,
        "writes": writes,
        "ratios": {k: round(v, 4) for k, v in ratios.items()},
        "targets": TARGETS,
    }
    write_results(RESULTS, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
