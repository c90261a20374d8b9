"""Benchmark the meeting page against a hello-world Flask app under the same gunicorn config.

Starts gunicorn with the repository's gunicorn.conf.py (as `make run` does), first serving
bench/hello_app.py and then the govern app with the demo data in a fresh temporary SQLite
database, and drives each with the same keep-alive HTTP client on loopback for a fixed time.
Prints requests, errors, throughput and latency percentiles, and the meeting/hello throughput
ratio against the 40 % target; writes the same to bench/results/latest.json.

Only prints: nothing here asserts speed.  Run with `make bench` or
`.venv/bin/python bench/bench_meeting_page.py --seconds 10`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import runpy
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CONFIG = ROOT / "gunicorn.conf.py"
RESULTS = ROOT / "bench" / "results" / "latest.json"
sys.path.insert(0, str(ROOT))

from bench.common import write_results  # noqa: E402
from bench.servers import GunicornServer as Server  # noqa: E402

HOST = "127.0.0.1"  # loopback only; run_load refuses anything else
TARGET_RATIO = 0.40
BODY_SLUG = "fagradet"
MEETING_NUMBER = "2/26"
MEETING_TITLE = "Møte i Fagrådet 2/26"
HELLO_TEXT = "Hei, verden"
REQUEST_TIMEOUT = 10.0


# --- servers -----------------------------------------------------------------------------


def http_get(port: int, path: str) -> tuple[int, bytes]:
    """One request on a fresh connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load generator ----------------------------------------------------------------------


def _client_thread(port, path, expect, start_at, deadline, cap, out) -> None:
    latencies: list[float] = []
    errors = 0
    samples: list[str] = []
    last = start_at
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        while len(latencies) + errors < cap and time.time() < deadline:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - t0
                if response.status != 200:
                    problem = f"HTTP {response.status}"
                elif expect not in body:
                    problem = "expected text missing"
                else:
                    problem = None
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}"
                conn.close()
                time.sleep(0.01)
            if problem is None:
                latencies.append(elapsed)
            else:
                errors += 1
                if len(samples) < 3:
                    samples.append(problem)
            last = time.time()
    finally:
        conn.close()
    out.append({"latencies": latencies, "errors": errors, "samples": samples, "last": last})


def _client_process(job: dict) -> dict:
    results: list[dict] = []
    threads = [
        threading.Thread(
            target=_client_thread,
            args=(
                job["port"],
                job["path"],
                job["expect"],
                job["start_at"],
                job["deadline"],
                job["cap"],
                results,
            ),
        )
        for _ in range(job["threads"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "latencies": [x for r in results for x in r["latencies"]],
        "errors": sum(r["errors"] for r in results),
        "samples": [s for r in results for s in r["samples"]],
        "last": max((r["last"] for r in results), default=job["start_at"]),
    }


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def run_load(
    host: str,
    port: int,
    path: str,
    expect: str,
    seconds: float,
    clients: int,
    processes: int,
    max_requests: int,
) -> dict:
    """Drive GET path with `clients` keep-alive connections spread over `processes` processes."""
    if host != "127.0.0.1":
        raise SystemExit(f"Refusing to load {host}: the benchmark runs on 127.0.0.1 only.")
    processes = max(1, min(processes, clients))
    per_process = [clients // processes + (i < clients % processes) for i in range(processes)]
    cap = max(1, max_requests // clients)
    start_at = time.time() + 0.3 + 0.2 * processes
    jobs = [
        {
            "port": port,
            "path": path,
            "expect": expect.encode("utf-8"),
            "start_at": start_at,
            "deadline": start_at + seconds,
            "cap": cap,
            "threads": n,
        }
        for n in per_process
    ]
    with multiprocessing.get_context().Pool(processes) as pool:
        parts = pool.map(_client_process, jobs)
    latencies = sorted(x for part in parts for x in part["latencies"])
    errors = sum(part["errors"] for part in parts)
    elapsed = max(part["last"] for part in parts) - start_at
    ok = len(latencies)
    ms = [x * 1000 for x in latencies]
    return {
        "path": path,
        "clients": clients,
        "processes": processes,
        "seconds": round(elapsed, 3),
        "requests": ok + errors,
        "ok": ok,
        "errors": errors,
        "error_samples": sorted({s for part in parts for s in part["samples"]})[:5],
        "throughput": ok / elapsed if elapsed > 0 else 0.0,
        "latency_ms": {
            "p50": percentile(ms, 50),
            "p90": percentile(ms, 90),
            "p99": percentile(ms, 99),
            "max": ms[-1] if ms else float("nan"),
        },
    }


# --- the run -----------------------------------------------------------------------------


def run_flask(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "govern", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def find_meeting_path(port: int) -> str:
    status, body = http_get(port, f"/api/v1/bodies/{BODY_SLUG}/meetings?year=2026")
    if status != 200:
        raise RuntimeError(f"Meeting list answered HTTP {status}")
    for item in json.loads(body)["items"]:
        if item["number"] == MEETING_NUMBER:
            return f"/meetings/{item['id']}"
    raise RuntimeError(f"No meeting {MEETING_NUMBER} for {BODY_SLUG} in the demo data")


def check_once(port: int, path: str, expect: str) -> None:
    status, body = http_get(port, path)
    if status != 200 or expect.encode("utf-8") not in body:
        raise RuntimeError(f"GET {path} answered HTTP {status} without «{expect}»")


def measure(server: Server, path: str, expect: str, opts, processes: int | None) -> dict:
    """Warm up, pick the client shape if asked (best hello throughput), then measure."""
    check_once(server.port, path, expect)
    load = {
        "host": HOST,
        "port": server.port,
        "path": path,
        "expect": expect,
        "clients": opts.clients,
        "max_requests": opts.max_requests,
    }
    warm_processes = processes or min(2, opts.clients)
    run_load(**load, seconds=opts.warmup, processes=warm_processes)
    calibration = {}
    if processes is None:
        for candidate in sorted({1, min(2, opts.clients)}):
            trial = run_load(**load, seconds=opts.calibrate, processes=candidate)
            calibration[candidate] = trial["throughput"]
            print(
                f"  client {candidate} process(es) × {opts.clients // candidate} threads: "
                f"{trial['throughput']:.0f} req/s",
                flush=True,
            )
        processes = max(calibration, key=calibration.get)
    result = run_load(**load, seconds=opts.seconds, processes=processes)
    if calibration:
        result["calibration"] = {str(k): round(v, 1) for k, v in calibration.items()}
    return result


def row(name: str, r: dict) -> str:
    lat = r["latency_ms"]
    return (
        f"{name:<8} {r['requests']:>9} {r['errors']:>7} {r['throughput']:>9.1f} "
        f"{lat['p50']:>8.2f} {lat['p90']:>8.2f} {lat['p99']:>8.2f} {lat['max']:>8.2f}"
    )


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per target")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients")
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="client processes (default: try 1 and 2 on the hello app, keep the faster)",
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per target")
    parser.add_argument(
        "--calibrate", type=float, default=3.0, help="seconds per client shape when choosing"
    )
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="hard cap on requests per run"
    )
    opts = parser.parse_args(argv)
    if opts.clients < 1 or opts.seconds <= 0 or (opts.processes is not None and opts.processes < 1):
        parser.error("--clients, --seconds and --processes must be positive")

    gunicorn_cfg = runpy.run_path(str(CONFIG))
    print(
        f"gunicorn.conf.py: {gunicorn_cfg['worker_class']}, {gunicorn_cfg['workers']} workers × "
        f"{gunicorn_cfg['threads']} threads; client: {opts.clients} keep-alive connections, "
        f"{opts.seconds:g} s per target, cap {opts.max_requests} requests",
        flush=True,
    )

    with tempfile.TemporaryDirectory(prefix="govern-bench-") as tmp:
        tmpdir = Path(tmp)
        env = {
            **os.environ,
            "GOVERN_DATABASE_URL": f"sqlite:///{tmpdir / 'bench.sqlite'}",
            "GOVERN_SECRET_KEY": "bench",
        }
        print("Loading the demo into a fresh database …", flush=True)
        run_flask(["db", "upgrade"], env)
        run_flask(["demo"], env)

        print("hello: bench.hello_app:app", flush=True)
        with Server("bench.hello_app:app", env, tmpdir / "hello.log") as server:
            hello = measure(server, "/", HELLO_TEXT, opts, opts.processes)
        processes = hello["processes"]

        print("meeting: govern:create_app()", flush=True)
        with Server("govern:create_app()", env, tmpdir / "govern.log") as server:
            path = find_meeting_path(server.port)
            meeting = measure(server, path, MEETING_TITLE, opts, processes)

        # The same page with the page cache off: what every first view after a change costs.
        print("meeting, page cache off (GOVERN_PAGE_CACHE_SIZE=0)", flush=True)
        uncached_env = {**env, "GOVERN_PAGE_CACHE_SIZE": "0"}
        with Server("govern:create_app()", uncached_env, tmpdir / "uncached.log") as server:
            uncached = measure(server, path, MEETING_TITLE, opts, processes)

    ratio = meeting["throughput"] / hello["throughput"] if hello["throughput"] else 0.0
    met = ratio >= TARGET_RATIO
    print()
    print(f"client: {processes} process(es), {opts.clients} connections in all")
    print(
        f"{'target':<8} {'requests':>9} {'errors':>7} {'req/s':>9} "
        f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    print(row("hello", hello))
    print(row("meeting", meeting))
    print(row("uncached", uncached))
    for name, r in (("hello", hello), ("meeting", meeting), ("uncached", uncached)):
        if r["error_samples"]:
            print(f"{name} errors, e.g.: {'; '.join(r['error_samples'])}")
    print(
        f"meeting/hello throughput: {ratio:.1%} "
        f"(target ≥ {TARGET_RATIO:.0%}: {'met' if met else 'NOT met'})"
    )
    uncached_ratio = uncached["throughput"] / hello["throughput"] if hello["throughput"] else 0.0
    print(f"uncached/hello throughput: {uncached_ratio:.1%} (the page rendered on every request)")

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "gunicorn": {
            "config": CONFIG.name,
            "worker_class": gunicorn_cfg["worker_class"],
            "workers": gunicorn_cfg["workers"],
            "threads": gunicorn_cfg["threads"],
        },
        "options": vars(opts),
        "client_processes": processes,
        "hello": hello,
        "meeting": meeting,
        "uncached": uncached,
        "ratio": round(ratio, 4),
        "uncached_ratio": round(uncached_ratio, 4),
        "target": TARGET_RATIO,
        "met": met,
    }
    write_results(RESULTS, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
