"""Watch the site's sources with watchdog and call back once per burst of changes.

Editors save in many ways (write in place, write a temp file then rename it,
delete and recreate, several files at once); every way ends as a burst of
events, which the debounce folds into one callback with all changed paths.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

WATCHED = ("content", "templates", "static", "site.yaml", "data")  # data/: files executed cells read
QUIET_SECONDS = 0.05  # a burst ends after this much silence
SETTLE_SECONDS = 0.005  # ...or this long after a file was closed or renamed into place: the save is complete
MAX_WAIT_SECONDS = 1.0  # ...or after this long, whatever happens
_EDITOR_DEBRIS = ("~", ".swp", ".swx", ".swpx", ".tmp", ".crdownload")


def is_relevant(path: Path, root: Path) -> bool:
    """True for files chalk reads: under content/, templates/, static/, or site.yaml itself."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if not parts or parts[0] not in WATCHED:
        return False
    name = parts[-1]
    return not (name.startswith((".#", "#")) or name.endswith(_EDITOR_DEBRIS) or name == "4913")


class Debouncer:
    """Collects paths and calls ``callback(paths)`` once a burst has gone quiet."""

    def __init__(self, callback: Callable[[set[Path]], object], quiet: float = QUIET_SECONDS,
                 max_wait: float = MAX_WAIT_SECONDS):
        self.callback, self.quiet, self.max_wait = callback, quiet, max_wait
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._complete = False
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="chalk-debounce", daemon=True)
        self._thread.start()

    def add(self, paths: Iterable[Path], complete: bool = False) -> None:
        """``complete``: the event says a save is finished (a file closed after writing, or renamed
        into place), so there is no need to wait for the burst to go quiet."""
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first, self._complete = now, False
            self._pending.update(paths)
            self._last = now
            self._complete = self._complete or complete
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                while True:
                    now = time.monotonic()
                    quiet = min(self.quiet, SETTLE_SECONDS) if self._complete else self.quiet
                    wait = min(self._last + quiet, self._first + self.max_wait) - now
                    if wait <= 0 or self._stopped:
                        break
                    self._cond.wait(wait)
                paths, self._pending = self._pending, set()
            if paths:
                self.callback(paths)


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, debouncer: Debouncer, on_new_folder: Callable[[Path], None] | None = None):
        self.root, self.debouncer, self.on_new_folder = root, debouncer, on_new_folder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # an entry in the folder changed: that entry's own event says which, and may come first
        paths = [Path(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if event.is_directory and event.event_type in ("created", "moved") and self.on_new_folder:
            for path in paths[-1:]:  # the folder as it is now (a move's destination)
                if path.parent == self.root and path.name in WATCHED:
                    self.on_new_folder(path)  # content/, templates/ or static/ made after the start
        relevant = [p for p in paths if is_relevant(p, self.root)]
        if relevant:  # a save is complete when a file is closed or renamed into place (not away: vim's backup)
            into_place = event.event_type == "moved" and is_relevant(paths[-1], self.root)
            self.debouncer.add(relevant, complete=event.event_type == "closed" or into_place)


class Watcher:
    """Watches the site's source folders and site.yaml (never public/) and reports bursts of changes."""

    def __init__(self, root: Path, callback: Callable[[set[Path]], object]):
        self.root = root.resolve()
        self.debouncer = Debouncer(callback)
        self.observer = Observer()
        self._handler = _Handler(self.root, self.debouncer, self._watch_folder)
        self._folders: dict[Path, ObservedWatch] = {}
        self.observer.schedule(self._handler, str(self.root), recursive=False)  # site.yaml, new folders
        for name in WATCHED:
            if (self.root / name).is_dir():
                self._watch_folder(self.root / name)

    def _watch_folder(self, folder: Path) -> None:
        """Watch one source folder recursively, again if it was deleted and made anew."""
        old = self._folders.pop(folder, None)
        if old is not None:
            with contextlib.suppress(KeyError, RuntimeError):
                self.observer.unschedule(old)
        with contextlib.suppress(OSError):  # gone again already: its parent's events still come
            self._folders[folder] = self.observer.schedule(self._handler, str(folder), recursive=True)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=2)
        self.debouncer.stop()
