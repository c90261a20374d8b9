"""The cyclic garbage collector in the web workers: run between requests on Python 3.11.

On Python 3.11 the collector runs inside an allocation, whatever is being allocated. When
that is the instance dictionary CPython makes for an object whose attributes were kept
without one (on `obj.__dict__`, on a new attribute name, or when C code asks for the
dictionary), a weakref callback run by the collector can store an attribute on that same
object. The object then gets a second dictionary over the same array of values, the array is
freed when one of them grows, and the other frees it again: memory corruption. SQLAlchemy's
`InstanceState._cleanup` is such a callback (it sets `_strong_obj` on the state of an ORM
object the collector has just freed), and `Session.close()` stores `_strong_obj` on every
state it detaches, so threaded gunicorn workers died with SIGSEGV at the end of requests
(bench/README.md: the crash). From Python 3.12 on the collector runs only between
bytecodes, where this cannot happen.

So on 3.11 a web worker turns the automatic collector off (`pause_automatic_collection`,
gunicorn's post_worker_init) and each request's thread runs it when its request is done
(`collect_if_due`, gunicorn's post_request), by the collector's own thresholds. Collected
from Python code between statements, no callback can run while a dictionary is being made,
in this thread or another (threads only take turns between bytecodes or in blocking calls).
"""

from __future__ import annotations

import gc
import sys

#: Whether the automatic collector must not run inside allocations (Python before 3.12).
NEEDED = sys.version_info < (3, 12)


def pause_automatic_collection() -> bool:
    """Turn the automatic collector off in this process where it is unsafe (Python 3.11):
    `collect_if_due` then runs it. True if it was turned off.

    Call it once the app is loaded: what exists then (modules, models, compiled statements)
    is moved out of the collector's reach (`gc.freeze`), so a full collection looks only at
    what requests made since (a few milliseconds instead of half a second).
    """
    if not NEEDED:
        return False
    gc.disable()
    gc.freeze()
    return True


def collect_if_due() -> int | None:
    """Run the collector, paused by `pause_automatic_collection`, if its thresholds say it
    is due; the generation collected, or None.

    As the collector picks for itself: once more objects were allocated than the first
    threshold, the oldest generation whose count is over its threshold. (The collector would
    also put off a full collection while few objects await one; that count is not exposed,
    so here a full collection comes after every hundred young ones, which the frozen app
    keeps cheap.)
    """
    if gc.isenabled():
        return None
    thresholds = gc.get_threshold()
    counts = gc.get_count()
    if thresholds[0] == 0 or counts[0] <= thresholds[0]:
        return None
    generation = max(g for g in range(len(counts)) if counts[g] > thresholds[g])
    gc.collect(generation)
    return generation
