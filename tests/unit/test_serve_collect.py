"""chalk serve's idle collector, with Python's real garbage collector: full passes happen between
rebuilds, as often as CPython would make them, never while one holds the build lock, and never
later than ``longest``."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from chalk.serve.collect import NEVER, IdleCollector


class Cycle:
    """An object that only a full collection frees once it is in the oldest generation."""

    def __init__(self, freed: threading.Event):
        self.me = self
        self.freed = freed

    def __del__(self) -> None:
        self.freed.set()


def old_garbage(every: int) -> threading.Event:
    """A reference cycle moved into the oldest generation, then dropped: only a full pass frees it;
    and as many passes of the middle generation as make CPython want a full one."""
    freed = threading.Event()
    cycle = Cycle(freed)
    gc.collect(1)  # survivors of the young generations move into the oldest one
    assert gc.is_tracked(cycle)
    del cycle
    for _ in range(every):  # CPython's threshold2
        gc.collect(1)  # young passes do not look at the oldest generation: still there
    assert not freed.is_set()
    return freed


@pytest.fixture
def lock() -> Iterator[threading.Lock]:
    thresholds = gc.get_threshold()
    yield threading.Lock()
    assert gc.get_threshold() == thresholds  # every collector below was stopped, and gave them back


def test_automatic_full_passes_are_off_while_it_runs_and_back_after(lock: threading.Lock) -> None:
    young, middle, _ = gc.get_threshold()
    collector = IdleCollector(lock).start()
    try:
        assert gc.get_threshold() == (young, middle, NEVER)
    finally:
        collector.stop()


def test_a_full_pass_follows_a_rebuild_once_it_has_been_quiet(lock: threading.Lock) -> None:
    every = gc.get_threshold()[2]
    collector = IdleCollector(lock, idle=0.3).start()
    try:
        freed = old_garbage(every)
        collector.poke()
        assert not freed.is_set()  # not at once: the browser is fetching the page
        assert freed.wait(10), "the idle pass never came"
    finally:
        collector.stop()


def test_no_pass_runs_while_a_rebuild_holds_the_lock(lock: threading.Lock) -> None:
    every = gc.get_threshold()[2]
    collector = IdleCollector(lock, idle=0.05).start()
    try:
        freed = old_garbage(every)
        with lock:
            collector.poke()
            time.sleep(0.5)
            assert not freed.is_set()
        assert freed.wait(10), "the pass never came after the rebuild let go"
    finally:
        collector.stop()


def test_saves_that_never_pause_still_get_a_pass(lock: threading.Lock) -> None:
    every = gc.get_threshold()[2]
    collector = IdleCollector(lock, idle=60, longest=0.2).start()
    try:
        freed = old_garbage(every)
        deadline = time.monotonic() + 10
        while not freed.is_set() and time.monotonic() < deadline:
            collector.poke()  # a save every 20 ms, never the quiet second
            time.sleep(0.02)
        assert freed.is_set(), "rebuilds without a pause put the pass off for ever"
    finally:
        collector.stop()


def passes_into(passes: list[float]) -> Callable[[], object]:
    return lambda: passes.append(time.monotonic())


def wait_for(passes: list[float], count: int) -> None:
    deadline = time.monotonic() + 10
    while len(passes) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)


def test_without_rebuilds_it_makes_no_pass(lock: threading.Lock) -> None:
    passes: list[float] = []
    collector = IdleCollector(lock, idle=0.01, collect=passes_into(passes), wanted=lambda: True).start()
    try:
        time.sleep(0.3)
        assert passes == []
        collector.poke()
        wait_for(passes, 1)
        assert len(passes) == 1  # one pass for one rebuild, not one every idle period
    finally:
        collector.stop()


def test_it_makes_a_full_pass_only_as_often_as_cpython_would(lock: threading.Lock) -> None:
    passes: list[float] = []
    every = gc.get_threshold()[2]
    collector = IdleCollector(lock, idle=0.01, collect=passes_into(passes)).start()
    try:
        gc.collect()  # a full pass: CPython's count starts again
        collector.poke()
        time.sleep(0.3)
        assert passes == []  # a rebuild alone is not reason enough
        for _ in range(every):
            gc.collect(1)
        collector.poke()
        wait_for(passes, 1)
        assert len(passes) == 1
    finally:
        collector.stop()
