"""The garbage collector in the web workers runs between requests on Python 3.11
(govern/collector.py), because inside an allocation it corrupted memory."""

from __future__ import annotations

import gc
import runpy
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import pytest

from govern import collector

ROOT = Path(__file__).resolve().parent.parent

# An object whose weakref callback stores a new attribute on it (as SQLAlchemy's
# InstanceState._cleanup does), its dictionary made while the object it watches is garbage
# and the collector is due, many times over. `guarded`: the automatic collector is paused
# and collect_if_due runs between "requests".
WORKLOAD = textwrap.dedent(
    """
    import gc, sys, weakref
    from govern import collector

    class State:
        def __init__(self, obj):
            self.obj = weakref.ref(obj, self._cleanup)
            self.session_id = 1

        def _cleanup(self, ref):
            self.session_id = self._strong_obj = None

    class Obj:
        pass

    # Fill the class's shared attribute names, so a new name makes a dictionary.
    keep_alive = Obj()
    filler = State(keep_alive)
    for i in range(40):
        setattr(filler, f"attr{i}", i)

    guarded = sys.argv[1] == "guarded"
    if guarded:
        collector.pause_automatic_collection()
    gc.set_threshold(1, 1, 1)
    states = []
    for i in range(20_000):
        obj = Obj()
        obj.me = obj
        state = State(obj)
        del obj
        state.__dict__
        state.extra = i
        states.append(state)
        if len(states) > 50:
            states.clear()
            if guarded:
                collector.collect_if_due()
    print("ok")
    """
)


# SQLAlchemy alone (its own models, SQLite in memory), the collector at its usual
# thresholds: each "request" loads objects that refer to each other, drops them and closes
# its session. On Python 3.11 this crashed at the 77th session, every time.
SESSIONS = textwrap.dedent(
    """
    import gc, sys
    from sqlalchemy import ForeignKey, create_engine, insert, select
    from sqlalchemy.orm import (
        DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload
    )
    from govern import collector

    class Base(DeclarativeBase):
        pass

    class Parent(Base):
        __tablename__ = "parent"
        id: Mapped[int] = mapped_column(primary_key=True)
        children: Mapped[list["Child"]] = relationship(back_populates="parent")

    class Child(Base):
        __tablename__ = "child"
        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id"))
        parent: Mapped[Parent] = relationship(back_populates="children")

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(Parent), [{"id": p} for p in range(50)])
        conn.execute(insert(Child), [{"parent_id": p} for p in range(50) for _ in range(20)])

    guarded = sys.argv[1] == "guarded"
    if guarded:
        collector.pause_automatic_collection()
    gc.set_threshold(700, 10, 10)
    for _ in range(150):
        session = Session(engine)
        parents = session.scalars(select(Parent).options(selectinload(Parent.children))).all()
        back = [child.parent for parent in parents for child in parent.children]
        del parents, back
        session.close()
        if guarded:
            collector.collect_if_due()
    print("ok")
    """
)


def run_workload(
    mode: str, script: str = WORKLOAD, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def paused_collector():
    """The collector as the test found it afterwards (on, nothing frozen)."""
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()


@pytest.mark.parametrize("script", [WORKLOAD, SESSIONS], ids=["plain", "sqlalchemy"])
def test_paused_collection_survives_callbacks_that_store_attributes(script):
    done = run_workload("guarded", script)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


@pytest.mark.skipif(not collector.NEEDED, reason="the collector runs between bytecodes here")
@pytest.mark.parametrize("script", [WORKLOAD, SESSIONS], ids=["plain", "sqlalchemy"])
def test_the_fault_the_pause_avoids_is_there_on_this_python(script):
    # Without the pause, this Python frees an object's attribute values twice: the process
    # is killed by a signal (a segfault, or an abort from the allocator), or, when the freed
    # memory is reused in a way that loops, never finishes (seen once in CI: the guarded run
    # of the same script takes about a second). Either way it does not finish cleanly.
    try:
        done = run_workload("unguarded", script, timeout=90)
    except subprocess.TimeoutExpired:
        return  # hung on corrupted memory: the fault is there
    assert done.returncode < 0, (done.returncode, done.stderr[-2000:])


@pytest.mark.skipif(not collector.NEEDED, reason="the collector runs between bytecodes here")
def test_pause_turns_the_automatic_collector_off_on_python_311(paused_collector):
    assert collector.pause_automatic_collection() is True
    assert not gc.isenabled()
    assert gc.get_freeze_count() > 0


@pytest.mark.skipif(collector.NEEDED, reason="Python 3.11 needs the pause")
def test_pause_leaves_the_collector_alone_from_python_312(paused_collector):
    assert collector.pause_automatic_collection() is False
    assert gc.isenabled()


def test_collect_if_due_leaves_the_automatic_collector_to_itself(monkeypatch):
    monkeypatch.setattr(collector.gc, "isenabled", lambda: True)
    monkeypatch.setattr(collector.gc, "get_count", lambda: (10_000, 100, 100))
    monkeypatch.setattr(collector.gc, "collect", pytest.fail)
    assert collector.collect_if_due() is None


@pytest.mark.parametrize(
    ("counts", "generation"),
    [
        ((700, 0, 0), None),  # not more than the first threshold
        ((701, 0, 0), 0),
        ((701, 11, 0), 1),
        ((701, 11, 11), 2),
        ((701, 3, 11), 2),
    ],
)
def test_collect_if_due_picks_the_generation_as_the_collector_would(
    monkeypatch, counts, generation
):
    collected = []
    monkeypatch.setattr(collector.gc, "isenabled", lambda: False)
    monkeypatch.setattr(collector.gc, "get_threshold", lambda: (700, 10, 10))
    monkeypatch.setattr(collector.gc, "get_count", lambda: counts)
    monkeypatch.setattr(collector.gc, "collect", collected.append)
    assert collector.collect_if_due() == generation
    assert collected == ([] if generation is None else [generation])


def test_collect_if_due_frees_cycles(paused_collector):
    gc.disable()

    class Node:
        pass

    node = Node()
    node.me = node
    gone = weakref.ref(node)
    del node
    # More new container objects than the first threshold: the young generation is due.
    young = [[] for _ in range(gc.get_threshold()[0] + 1)]
    assert collector.collect_if_due() is not None
    del young
    assert gone() is None


def test_gunicorn_workers_pause_the_collector_and_run_it_after_each_request(
    monkeypatch, paused_collector
):
    calls = []
    monkeypatch.setattr(collector, "pause_automatic_collection", lambda: calls.append("pause"))
    monkeypatch.setattr(collector, "collect_if_due", lambda: calls.append("collect"))
    monkeypatch.setattr("faulthandler.enable", lambda: None)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    config["post_worker_init"](object())
    config["post_request"](object(), object(), {}, None)
    assert calls == ["pause", "collect"]
