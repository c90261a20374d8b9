"""Gunicorn settings shared by `make run` and the benchmark."""

import faulthandler
import os

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


def post_worker_init(worker):
    """A worker that crashes in C code prints every thread's Python stack to the error log
    before it dies, so the crash can be traced."""
    faulthandler.enable()
