"""Search in ``chalk serve``: Pagefind runs in the background, so no save waits for it.

A rebuild serves the pages with the last index and hands its files here
(:meth:`Indexer.request`). One thread indexes the newest request only (saves that
come while it works replace each other) and hands the new bundle back with the
build version it belongs to; the server swaps it in only if that build is still
the one served.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from ..builder import Builder
from ..config import CONFIG_FILE, Config
from ..errors import Diagnostics, error

Files = Mapping[str, "bytes | Path"]
Done = Callable[[int, dict[str, bytes], Diagnostics], None]


@dataclass(frozen=True)
class _Request:
    builder: Builder
    config: Config
    files: Files
    version: int


class Indexer:
    """One background thread that makes the search index of the newest build it was given."""

    def __init__(self, done: Done):
        self._done = done
        self._wanted: _Request | None = None
        self._busy = False
        self._stopped = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="chalk-search-index", daemon=True)
        self._thread.start()

    def request(self, builder: Builder, config: Config, files: Files, version: int) -> None:
        """Index these files next (dropping any request not yet started); ``files`` must not change after."""
        with self._changed:
            self._wanted = _Request(builder, config, files, version)
            self._changed.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every request so far has been indexed and handed back; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._wanted is None and not self._busy, timeout)

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._wanted is not None or self._stopped)
                if self._stopped:
                    return
                request, self._wanted, self._busy = self._wanted, None, True
            try:
                assert request is not None
                diagnostics = Diagnostics()
                try:
                    bundle = request.builder.index_now(request.config, request.files, diagnostics)
                except Exception as exc:  # the preview server survives anything Pagefind does
                    bundle = {}
                    diagnostics.add(error(f"search: internal error: {type(exc).__name__}: {exc}", CONFIG_FILE))
                self._done(request.version, bundle, diagnostics)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
