"""The preview's state: it builds in memory, swaps in complete snapshots, and tells the browsers.

:class:`Preview` owns the builder and the snapshot served; a rebuild never raises (the last good
site stays while a build fails) and requests wait, bounded, while one runs. :class:`Broadcaster`
fans each change out to the connected browsers (the HTTP side, :mod:`chalk.serve.server`,
streams them as Server-Sent Events). With search on, the new index is made in the background
(:mod:`chalk.serve.indexer`) and swapped into the snapshot it belongs to.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from ..builder import Builder, Loaded
from ..config import load_config
from ..errors import BuildError, Diagnostic, Diagnostics
from ..options import BuildOptions
from ..search import BUNDLE_DIR
from .changes import Change, Snapshot, diff
from .indexer import Indexer

REQUEST_WAIT_SECONDS = 10.0  # how long a request waits for a rebuild under way


class Broadcaster:
    """Fan-out of server-sent events to every connected browser."""

    def __init__(self) -> None:
        self._clients: list[queue.Queue[dict[str, Any] | None]] = []
        self._lock = threading.Lock()

    def subscribe(self) -> queue.Queue[dict[str, Any] | None]:
        client: queue.Queue[dict[str, Any] | None] = queue.Queue()
        with self._lock:
            self._clients.append(client)
        return client

    def unsubscribe(self, client: queue.Queue[dict[str, Any] | None]) -> None:
        with self._lock:
            if client in self._clients:
                self._clients.remove(client)

    def send(self, message: dict[str, Any] | None) -> None:
        with self._lock:
            for client in self._clients:
                client.put(message)


@dataclass
class PreviewState:
    """What the server currently serves: the last good snapshot and the current errors."""

    snapshot: Snapshot | None = None
    errors: list[Diagnostic] = field(default_factory=list)
    base_path: str = "/"
    cell_errors: bool = False  # the errors are of executed cells, shown on the served pages themselves


class Preview:
    """Owns the builder, the current snapshot and the event channel; used by the HTTP handler."""

    def __init__(self, root: Path, host: str, port: int, drafts: bool = True,
                 log: Callable[[str], None] = print, navigate: bool = False):
        self.root, self.host, self.port, self.drafts, self.log = root, host, port, drafts, log
        self.navigate = navigate  # tell browsers to open the page whose source was saved
        self.state = PreviewState()
        self.events = Broadcaster()
        self._idle = threading.Event()
        self._idle.set()
        self._build_lock = threading.Lock()
        self._builder: Builder | None = None
        self._builder_base = ""
        self._indexer: Indexer | None = None  # made on the first search index to make in the background
        self._warned: set[str] = set()  # the warning lines of the last good build, shown in the terminal already

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.state.base_path}"

    def _builder_for_current_config(self) -> tuple[Builder, str]:
        """The builder for site.yaml's base path, and that path.

        The served base path changes only with a good build (in ``_rebuild``): while site.yaml
        is broken, or a build with a new base_url fails, the last good site stays where it was.
        """
        found = load_config(self.root, Diagnostics())
        if found is None and self._builder is not None:  # the build reports site.yaml's problems
            return self._builder, urlsplit(self._builder_base).path
        base_path = found.base_path if found else "/"
        base_url = f"http://{self.host}:{self.port}{base_path}"
        if self._builder is None or base_url != self._builder_base:
            options = BuildOptions(drafts=self.drafts, base_url=base_url, preview=True)
            self._builder, self._builder_base = Builder(self.root, options, incremental=True), base_url
        if self.state.snapshot is None:  # nothing served yet: at least print the right address
            self.state.base_path = base_path
        return self._builder, base_path

    def rebuild(self, changed: set[Path] | None = None) -> Change | None:
        """Build, swap in the result, and tell the browsers. Never raises on a build error.

        Requests wait (bounded) while this runs, so none sees the old site after a save.
        ``changed``: the files the watcher saw change. The build then takes its word for which of
        content/'s files changed, and only afterwards, with the browsers told and requests
        answered again, looks at every file: if the watcher missed one, it builds again at once.
        """
        with self._build_lock:
            change = self._build_now(changed)
            if changed is not None and self._missed_by_watcher():
                change = self._build_now(None)
            return change

    def _missed_by_watcher(self) -> bool:
        """Whether the last build took the watcher's word and content/ changed beyond it."""
        builder = self._builder
        if builder is None or not builder.trusted:
            return False
        try:
            return builder.sources_moved()
        except Exception:  # the server must survive anything: look at everything again
            return True

    def warm(self) -> str | None:
        """Render the content file changed last once more, here, in the pause after the first
        build; returns its path from the project (None if there is none).

        The first build rendered Markdown in worker processes, so the first save would also pay
        for setting Python-Markdown up in this process, compiling Pygments' lexers and
        highlighting that file's code (about 25 ms at 1,000 articles). The file changed last is
        the one most likely saved next; what it renders to is not used (the build has it)."""
        with self._build_lock:
            builder = self._builder
            if builder is None:
                return None
            sources = [record for record in builder.state.sources.values() if record.source is not None]
            if not sources:
                return None
            latest = max(sources, key=lambda record: record.stamp[0]).source
            assert latest is not None
            try:
                builder.renderer.render(latest.body, latest.rel, latest.body_line, builder.cells.get(latest.rel))
            except Exception:  # only ever a head start: the save renders it for real
                pass
            return latest.rel

    def _build_now(self, changed: set[Path] | None) -> Change | None:
        self._idle.clear()
        try:
            return self._rebuild(changed)
        finally:
            self._idle.set()

    def _rebuild(self, changed: set[Path] | None) -> Change | None:
        start = time.perf_counter()
        try:
            builder, base_path = self._builder_for_current_config()
            loaded = builder.load(changed)
            files = builder.outputs(loaded)
        except BuildError as exc:
            return self._failed(exc.diagnostics)
        except Exception as exc:  # the server must survive anything a build throws
            return self._failed([Diagnostic(f"internal error: {type(exc).__name__}: {exc}")])
        old = self.state.snapshot
        stamps, change = diff(old, files, base_path)
        # errors left are recoverable ones (formulas shown in error boxes) and failing cells (their pages show
        # the error under the cell): served, and listed in the overlay
        failures = list(builder.executor.failures)
        errors = [*loaded.diagnostics.errors, *failures]
        shown = [d.format() for d in errors]
        target = self._navigation_target(loaded, changed or set()) if self.navigate else None
        # a save the last build already read (the rest of a "save all"), or bytes saved unchanged
        unchanged = (old is not None and not (change.pages or change.css or change.assets or target)
                     and shown == [d.format() for d in self.state.errors])
        version = 1 if old is None else old.version if unchanged else old.version + 1
        self.state.snapshot, self.state.errors = Snapshot(files, stamps, version), errors
        self.state.cell_errors = bool(failures)
        self.state.base_path = base_path
        again = self._log_new_warnings([w.format() for w in loaded.diagnostics.warnings])
        for item in self.state.errors:
            self.log(item.format())
        millis = (time.perf_counter() - start) * 1000
        if unchanged:  # nothing for the browsers to do
            self.log(f"Checked in {millis:.0f} ms: nothing changed{again}")
            return change
        done = builder.last_render
        detail = f", {done.rendered} rendered, {done.reused} reused"
        self.log(f"Rebuilt in {millis:.0f} ms: {len(change.pages)} pages changed{detail}{again}")
        message: dict[str, Any] = {"type": "change", "version": version, "pages": change.pages,
                                   "css": change.css, "assets": change.assets,
                                   "errors": shown}
        if target:
            message["navigate"] = target
        self.events.send(message)
        if builder.search_pending is not None:  # served with the last index; the new one comes when Pagefind is done
            if self._indexer is None:
                self._indexer = Indexer(self._index_made)
            self._indexer.request(builder, loaded.config, builder.search_pending, version)
        if failures:
            self.events.send(self.error_message())
        return change

    def _log_new_warnings(self, lines: list[str]) -> str:
        """Print the warnings the last good build did not have; the rest are counted on the summary
        line (``; 3 warnings as before``), so a save's new warning is not lost among the old ones."""
        shown_before = self._warned
        for line in lines:
            if line not in shown_before:
                self.log(line)
        self._warned = set(lines)
        again = sum(line in shown_before for line in lines)
        return f"; {again} warning{'' if again == 1 else 's'} as before" if again else ""

    def _navigation_target(self, loaded: Loaded, changed: set[Path]) -> str | None:
        """The URL of the page whose source was saved (the first, by path), for ``serve --navigate``."""
        sources = {path.relative_to(self.root).as_posix() for path in changed if path.is_relative_to(self.root)}
        pages = sorted((page.source, page.url) for page in [*loaded.site.posts, *loaded.site.pages]
                       if page.source in sources)
        return pages[0][1] if pages else None

    def _index_made(self, version: int, bundle: dict[str, bytes], diagnostics: Diagnostics) -> None:
        """Swap a search index made in the background into the snapshot it was made for."""
        with self._build_lock:
            old = self.state.snapshot
            if old is None or old.version != version:
                return  # a newer build is served: its own index is on the way
            if diagnostics.errors:
                self.state.errors = [*self.state.errors, *diagnostics.errors]
                for item in diagnostics.errors:
                    self.log(item.format())
                self.events.send(self.error_message())
                return
            files = {rel: data for rel, data in old.files.items() if not rel.startswith(BUNDLE_DIR + "/")}
            files.update(bundle)
            stamps, _ = diff(old, files, self.state.base_path)
            self.state.snapshot = Snapshot(files, stamps, version)

    def wait_for_search(self, timeout: float | None = None) -> bool:
        """Wait until the search index of the last build is served (at once when there is none to make)."""
        return self._indexer is None or self._indexer.wait_idle(timeout)

    def _failed(self, diagnostics: list[Diagnostic]) -> Change | None:
        """Keep serving the last good snapshot; show the errors in the terminal and the browser."""
        self.state.errors = [d for d in diagnostics if d.is_error] or list(diagnostics)
        self.state.cell_errors = False
        for item in diagnostics:
            self.log(item.format())
        self.log(f"Build failed: {len(self.state.errors)} errors; still serving the last good site.")
        self.events.send(self.error_message())
        return None

    def error_message(self) -> dict[str, Any]:
        shown = bool(self.state.errors) and all(d.recoverable for d in self.state.errors)
        message: dict[str, Any] = {"type": "error", "errors": [d.format() for d in self.state.errors], "shown": shown}
        if self.state.cell_errors:
            message["title"] = "A cell raised an error — the page shows it under the cell."
        return message

    def hello_message(self) -> dict[str, Any]:
        if self.state.errors:
            return self.error_message()
        version = self.state.snapshot.version if self.state.snapshot else 0
        return {"type": "hello", "version": version}

    def stop(self) -> None:
        if self._indexer is not None:
            self._indexer.stop()

    def wait_until_idle(self) -> bool:
        return self._idle.wait(REQUEST_WAIT_SECONDS)

    def lookup(self, raw_path: str, snapshot: Snapshot | None = None) -> tuple[int, str | bytes | Path | None]:
        """Map a request path to (status, payload): 200 file, 301 location, 404 None.

        ``snapshot`` (default: the current one) is the one the caller will serve from.
        """
        path = urlsplit(raw_path).path
        decoded = unquote(path)
        if "\\" in decoded or "\0" in decoded:
            return HTTPStatus.NOT_FOUND, None
        base = self.state.base_path
        if not decoded.startswith(base):
            return (HTTPStatus.MOVED_PERMANENTLY, base) if decoded in ("", "/") else (HTTPStatus.NOT_FOUND, None)
        rest = decoded[len(base):]
        if any(part in (".", "..") for part in rest.split("/")):
            return HTTPStatus.NOT_FOUND, None
        snapshot = snapshot or self.state.snapshot
        if snapshot is None:
            return HTTPStatus.NOT_FOUND, None
        rel = rest + "index.html" if rest == "" or rest.endswith("/") else rest
        if rel in snapshot.files:
            return HTTPStatus.OK, rel
        if rel + "/index.html" in snapshot.files:
            return HTTPStatus.MOVED_PERMANENTLY, path + "/"
        return HTTPStatus.NOT_FOUND, None
