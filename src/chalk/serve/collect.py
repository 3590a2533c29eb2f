"""Full garbage collections in the preview server's idle time, never in the middle of a save.

CPython collects its oldest generation when enough objects have survived since the last
time. A preview server holds a whole site model, so such a full pass takes about 100 ms at
1,000 articles, and it used to land inside about one save in eight, doubling that save's
rebuild. While :class:`IdleCollector` runs, automatic full passes are off (the young
generations are still collected as they fill, a few milliseconds a save); when a full pass
is due as CPython counts it (``threshold2`` passes of the middle generation since the last),
it makes that pass itself once no rebuild has started for ``idle`` seconds, holding the build
lock, so a save that arrives then waits for it, and none pays for it otherwise. Saves that never pause
(an editor's autosave every half second) get the pass after ``longest`` seconds anyway, so
the garbage of every rebuild is still freed: only the moment changes.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Callable

IDLE_SECONDS = 0.3  # after the last rebuild: the browser has fetched the page; the writer is reading it
LONGEST_SECONDS = 10.0  # the longest a pass waits for such a pause, from the first rebuild after the last pass
NEVER = 2**31 - 1  # a full-pass threshold no count reaches


class IdleCollector:
    """Moves full collections into the quiet after a rebuild (see the module's text)."""

    def __init__(self, lock: threading.Lock, idle: float = IDLE_SECONDS, longest: float = LONGEST_SECONDS,
                 collect: Callable[[], object] = gc.collect, wanted: Callable[[], bool] | None = None):
        self.lock, self.idle, self.longest, self.collect = lock, idle, longest, collect
        self._thresholds = gc.get_threshold()
        self.wanted = wanted or self._counted_due  # whether a full pass is due at all
        self._at: float | None = None  # when to look whether a full pass is due, if a rebuild asked
        self._latest = 0.0  # the latest it may be, while one is due
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="chalk-collect", daemon=True)

    def start(self) -> "IdleCollector":
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        self._thread.start()
        return self

    def poke(self) -> None:
        """A rebuild happened: make a full pass once ``idle`` seconds pass without another (or
        ``longest`` seconds after the first of a run of rebuilds)."""
        with self._cond:
            now = time.monotonic()
            if self._at is None:
                self._latest = now + self.longest
            self._at = min(now + self.idle, self._latest)
            self._cond.notify()

    def stop(self) -> None:
        """Stop, and give the collector back its own thresholds."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        gc.set_threshold(*self._thresholds)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (self._at is None or self._at > time.monotonic()):
                    self._cond.wait(None if self._at is None else self._at - time.monotonic())
                if self._stopped:
                    return
                self._at = None
            with self.lock:  # never during a rebuild; a save arriving now waits for this pass
                if self.wanted():
                    self.collect()

    def _counted_due(self) -> bool:
        """Whether CPython itself would make a full pass by now (its count, not its 25 % rule)."""
        return gc.get_count()[2] >= self._thresholds[2]
