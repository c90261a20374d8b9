"""Gunicorn settings shared by `make run` and the benchmark."""

import faulthandler
import os
import shutil
import tempfile

bind = os.environ.get("GOVERN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("GOVERN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GOVERN_THREADS", "4"))
accesslog = os.environ.get("GOVERN_ACCESS_LOG") or None
errorlog = "-"
timeout = 30
# No control socket in the home directory: nothing outside the project is written, and two
# servers (the app and the benchmark's baseline) can run side by side.
control_socket_disable = True

# Prometheus metrics summed over the workers (govern/operations/metrics.py): every worker
# writes its counts under PROMETHEUS_MULTIPROC_DIR, a folder of this server's own (set it to
# keep the folder in a known place; it is emptied when the server starts). The workers are
# forked after on_starting, so they see what it sets.
_own_metrics_dir: list[str] = []


def on_starting(server):
    """Start the metrics from zero: no counts left from an earlier run of the server."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = tempfile.mkdtemp(prefix="govern-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        _own_metrics_dir.append(folder)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def on_exit(server):
    for folder in _own_metrics_dir:
        shutil.rmtree(folder, ignore_errors=True)


def child_exit(server, worker):
    """A worker that exits (restarted, killed) no longer counts in the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """A worker that crashes in C code prints every thread's Python stack to the error log
    before it dies, so the crash can be traced. On Python 3.11 the garbage collector runs
    between requests only (govern/collector.py says why)."""
    # Imported here, in the worker, once gunicorn has put the project folder first on the path
    # (as the app is), not while this file is read.
    from govern import collector

    faulthandler.enable()
    collector.pause_automatic_collection()


def post_request(worker, req, environ, resp):
    """The garbage collector, if it is due, in the thread whose request is done."""
    from govern import collector

    collector.collect_if_due()
