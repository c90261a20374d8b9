"""The govern app as the member-page benchmark serves it: create_app() plus a count of the
page caches' hits and misses in each worker, read at /_bench/cache-stats (bench only).

Counting adds one increment per cache look-up; nothing else differs from `make run`.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

from flask import current_app, jsonify

from govern import create_app
from govern.cache import pages

_counts: Counter = Counter()
_lock = threading.Lock()
_get = pages.PageCache.get


def _counted_get(self, key):
    value = _get(self, key)
    names = {id(v): k for k, v in current_app.extensions.items()}
    name = names.get(id(self), "other")
    with _lock:
        _counts[(name, "hit" if value is not None else "miss")] += 1
    return value


pages.PageCache.get = _counted_get
app = create_app()


@app.get("/_bench/cache-stats")
def cache_stats():
    with _lock:
        counts = {f"{name}:{kind}": n for (name, kind), n in _counts.items()}
    return jsonify(pid=os.getpid(), counts=counts)
