"""A worker's peak memory while eight clients download a large meeting pack at once.

Loads the demo into a fresh temporary SQLite database, gives Fagrådet 2/26 uploaded Vedlegg
of random bytes (100 MB in all by default), and starts gunicorn with the repository's config
on a free loopback port, one worker with eight threads (bench/pack_app.py: the instance
folder in the temporary directory). It then measures twice, each on a freshly started
server: the pack as it was built before (whole, in memory, on a bench-only route), and the
download route (written once to a file and sent from it) when the downloads find no file
yet and when the file is there. For each it prints the worker's
resident memory before the downloads, its peak while `--clients` downloads run at once
(sampled from /proc every 20 ms), the growth, and the time the round took; every download
must be 200 with the same length. Writes the figures to bench/results/pack_memory.json.

Only prints: nothing here asserts. Linux only (/proc). Run with
`python bench/bench_pack_memory.py --megabytes 100 --clients 8`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"
RESULTS = ROOT / "bench" / "results" / "pack_memory.json"
sys.path.insert(0, str(ROOT))

from bench.common import write_results  # noqa: E402

HOST = "127.0.0.1"  # loopback only
FILE_MB = 20  # an upload is at most 20 MB


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def prepare(folder: Path, megabytes: int) -> tuple[str, int]:
    """The demo in an SQLite file, 2/26's file Vedlegg replaced by large uploads; returns the
    database URL and the meeting's id."""
    from bench.common import demo_app
    from govern.extensions import db
    from govern.models import Attachment, Meeting

    app, meeting_id = demo_app(folder)
    uploads = folder / "instance" / "uploads"
    uploads.mkdir(parents=True)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        left, n = megabytes, 0
        while left > 0:
            n += 1
            size = min(left, FILE_MB) << 20
            name = f"{n:032x}.pdf"
            with open(uploads / name, "wb") as out:
                out.write(b"%PDF-1.4\n" + os.urandom(size - 9))
            attachment = Attachment(
                meeting=meeting, seq=100 + n, suffix="", title=f"Stort vedlegg {n}",
                source="file", stored_name=name, filename=f"stort-{n}.pdf",
                content_type="application/pdf", size=size,
            )  # fmt: skip
            db.session.add(attachment)
            left -= FILE_MB
        db.session.commit()
        db.session.remove()
    return app.config["SQLALCHEMY_DATABASE_URI"], meeting_id


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def _download(port: int, path: str, out: list) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        length = 0
        while block := response.read(1 << 16):
            length += len(block)
        out.append((response.status, length))
    except (OSError, http.client.HTTPException) as error:
        out.append((repr(error), 0))
    finally:
        conn.close()


def measure(env: dict, path: str, warm_path: str, clients: int, log: Path) -> dict:
    """Start a server, warm it with one download of `warm_path`, then run `clients`
    downloads of `path` at once."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(CONFIG), "bench.pack_app:app"]
    server_env = env | {"GOVERN_BIND": f"{HOST}:{port}", "GOVERN_WORKERS": "1"}
    server_env["GOVERN_THREADS"] = str(clients)
    with log.open("wb") as output:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=server_env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            worker = _worker_pid(proc.pid)
            for _ in range(300):
                with contextlib.suppress(OSError):
                    socket.create_connection((HOST, port), timeout=1).close()
                    break
                time.sleep(0.1)
            warm: list = []
            _download(port, warm_path, warm)
            before = _rss_kib(worker)
            results: list = []
            threads = [
                threading.Thread(target=_download, args=(port, path, results))
                for _ in range(clients)
            ]
            peak, started = before, time.perf_counter()
            for thread in threads:
                thread.start()
            while any(t.is_alive() for t in threads):
                peak = max(peak, _rss_kib(worker))
                time.sleep(0.02)
            seconds = time.perf_counter() - started
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    sizes = {length for _, length in results}
    ok = all(status == 200 for status, _ in results + warm) and len(sizes) == 1
    return {
        "rss_before_mb": round(before / 1024),
        "rss_peak_mb": round(peak / 1024),
        "growth_mb": round((peak - before) / 1024),
        "seconds": round(seconds, 1),
        "pack_mb": round(max(sizes) / (1 << 20)),
        "all_200_same_length": ok,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=100, help="uploads in the pack")
    parser.add_argument("--clients", type=int, default=8, help="simultaneous downloads")
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govern-pack-bench-") as tmp:
        folder = Path(tmp)
        url, meeting_id = prepare(folder, opts.megabytes)
        env = os.environ | {
            "GOVERN_DATABASE_URL": url,
            "GOVERN_SECRET_KEY": "bench",
            "GOVERN_BENCH_INSTANCE": str(folder / "instance"),
        }
        report = {"megabytes": opts.megabytes, "clients": opts.clients}
        before = f"/bench/meetings/{meeting_id}/in-memory.zip"
        now = f"/meetings/{meeting_id}/sakspapirer.zip"
        innkalling = f"/meetings/{meeting_id}/innkalling.docx"
        rounds = {
            # label: (downloaded at once, downloaded once first)
            "in_memory_before": (before, before),
            "file_first_write": (now, innkalling),  # the pack file is written in this round
            "file_written": (now, now),
        }
        for label, (path, warm) in rounds.items():
            log = folder / f"{label}.log"
            report[label] = figures = measure(env, path, warm, opts.clients, log)
            print(
                f"{label:>16}: worker {figures['rss_before_mb']} MB -> peak "
                f"{figures['rss_peak_mb']} MB (+{figures['growth_mb']} MB) with "
                f"{opts.clients} downloads of a {figures['pack_mb']} MB pack in "
                f"{figures['seconds']} s; all 200, same length: {figures['all_200_same_length']}"
            )
    write_results(RESULTS, report)


if __name__ == "__main__":
    main()
