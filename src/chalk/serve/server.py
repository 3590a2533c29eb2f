"""The preview server: builds in memory, serves it on loopback, and pushes changes to the browser.

- The site is built into memory (never into public/), with base_url set to the
  server's own address and drafts shown; a rebuild swaps in a complete new
  snapshot, so a request never sees a half-built site (it waits for the swap).
- Requests are answered only from that snapshot: a path that is not one of its
  files is a 404, so nothing outside the build can be served.
- The browser learns of changes through Server-Sent Events at ``/__chalk__/events``;
  the small script at ``/__chalk__/reload.js`` (injected into HTML only here)
  swaps changed stylesheets, morphs a changed page in place keeping the scroll
  position, and shows build errors as an overlay until the next good build.
"""

from __future__ import annotations

import json
import socket
import sys
import mimetypes
import queue
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from ..config import load_config
from ..errors import BuildError, ChalkError, Diagnostic, Diagnostics
from ..builder import Builder, Loaded
from ..options import BuildOptions
from ..search import BUNDLE_DIR
from .changes import Change, Snapshot, diff
from .indexer import Indexer

CHALK_PREFIX = "/__chalk__/"
EVENTS_PATH = CHALK_PREFIX + "events"
SCRIPT_PATH = CHALK_PREFIX + "reload.js"
REQUEST_WAIT_SECONDS = 10.0
KEEPALIVE_SECONDS = 15.0
SOCKET_TIMEOUT_SECONDS = 20.0  # an idle or slow client is dropped (longer than KEEPALIVE_SECONDS for SSE)
MAX_CONNECTIONS = 64  # at once; more are answered 503 and closed (each one holds a thread)
LISTEN_BACKLOG = 128
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class PortInUse(ChalkError):
    def __init__(self, host: str, port: int):
        super().__init__(f"port {port} on {host} is already in use; try another one with --port {port + 1}")


def inject_script(html: bytes) -> bytes:
    """Add the live-reload script to a page (preview only; never in chalk build output)."""
    tag = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


def reload_script() -> bytes:
    return resources.files("chalk.serve").joinpath("reload.js").read_bytes()


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
        """
        with self._build_lock:
            self._idle.clear()
            try:
                return self._rebuild(changed or set())
            finally:
                self._idle.set()

    def _rebuild(self, changed: set[Path]) -> Change | None:
        start = time.perf_counter()
        try:
            builder, base_path = self._builder_for_current_config()
            loaded = builder.load()
            files = builder.outputs(loaded)
        except BuildError as exc:
            return self._failed(exc.diagnostics)
        except Exception as exc:  # the server must survive anything a build throws
            return self._failed([Diagnostic(f"internal error: {type(exc).__name__}: {exc}")])
        old = self.state.snapshot
        stamps, change = diff(old, files, base_path)
        version = (old.version + 1) if old else 1
        # errors left are recoverable ones (formulas shown in error boxes) and failing cells (their pages show
        # the error under the cell): served, and listed in the overlay
        failures = list(builder.executor.failures)
        self.state.snapshot, self.state.errors = Snapshot(files, stamps, version), [*loaded.diagnostics.errors, *failures]
        self.state.cell_errors = bool(failures)
        self.state.base_path = base_path
        for warning in loaded.diagnostics.warnings:
            self.log(warning.format())
        for item in self.state.errors:
            self.log(item.format())
        millis = (time.perf_counter() - start) * 1000
        done = builder.last_render
        detail = f", {done.rendered} rendered, {done.reused} reused"
        self.log(f"Rebuilt in {millis:.0f} ms: {len(change.pages)} pages changed{detail}")
        message: dict[str, Any] = {"type": "change", "version": version, "pages": change.pages,
                                   "css": change.css, "assets": change.assets,
                                   "errors": [d.format() for d in self.state.errors]}
        target = self._navigation_target(loaded, changed) if self.navigate else None
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


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD only; everything comes from the preview's in-memory snapshot."""

    server_version = "chalk-preview"
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT_SECONDS
    preview: Preview  # set on the subclass made by make_server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal is for build output
        return

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _not_allowed(self) -> None:
        # The request body is never read, so close the connection: otherwise the body would be
        # parsed as the next request on this keep-alive connection.
        self.close_connection = True
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"Method not allowed\n", "text/plain; charset=utf-8",
                   extra={"Allow": "GET, HEAD", "Connection": "close"}, head=False)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    def _host_allowed(self) -> bool:
        """Only this machine's names (and --host): a page elsewhere that rebinds its DNS name to
        127.0.0.1 sends its own name, and must not read the preview (drafts included)."""
        host = (self.headers.get("Host") or "").strip().lower()
        name = host[1:host.index("]")] if host.startswith("[") and "]" in host else host.rsplit(":", 1)[0]
        allowed = {*LOOPBACK_HOSTS, self.preview.host.lower().strip("[]")}
        return name in allowed

    def _respond(self, head: bool) -> None:
        if not self._host_allowed():
            self.close_connection = True
            return self._send(HTTPStatus.FORBIDDEN, b"Forbidden: unknown Host header\n", "text/plain; charset=utf-8",
                              head=head, extra={"Connection": "close"})
        path = urlsplit(self.path).path
        if path == EVENTS_PATH and not head:
            return self._events()
        if path == SCRIPT_PATH:
            return self._send(HTTPStatus.OK, reload_script(), "text/javascript; charset=utf-8", head=head)
        self.preview.wait_until_idle()
        snapshot = self.preview.state.snapshot  # one snapshot for the whole request, even if a swap happens
        status, payload = self.preview.lookup(self.path, snapshot)
        if snapshot is None:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._error_page(), "text/html; charset=utf-8", head)
        if status == HTTPStatus.MOVED_PERMANENTLY:
            return self._send(status, b"", "text/plain", extra={"Location": str(payload)}, head=head)
        if status == HTTPStatus.NOT_FOUND:
            body = snapshot.files.get("404.html", b"Not found\n")
            body = body.read_bytes() if isinstance(body, Path) else body
            return self._send(status, inject_script(body), "text/html; charset=utf-8", head=head)
        rel = str(payload)
        data = snapshot.files[rel]
        try:
            body = data.read_bytes() if isinstance(data, Path) else data
        except OSError:
            return self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", head=head)
        kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        if kind == "text/html":
            body, kind = inject_script(body), "text/html; charset=utf-8"
        elif kind.startswith("text/") or kind in ("application/javascript", "application/xml"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, body, kind, head=head)

    def _error_page(self) -> bytes:
        lines = "".join(f"<li>{_html_escape(d.format())}</li>" for d in self.preview.state.errors)
        return inject_script(
            b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Build failed</title>"
            b"<script>window.__chalkErrorPage = true</script></head><body><h1>The site did not build</h1>"
            + f"<ul>{lines}</ul>".encode() + b"<p>Fix the file and save: this page reloads.</p></body></html>")

    def _send(self, status: int, body: bytes, kind: str, head: bool, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        client = self.preview.events.subscribe()
        try:
            self._event(self.preview.hello_message())
            while True:
                try:
                    message = client.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    continue
                if message is None:
                    return
                self._event(message)
        except (BrokenPipeError, ConnectionResetError, OSError):
            return
        finally:
            self.preview.events.unsubscribe(client)

    def _event(self, message: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(message).encode() + b"\n\n")
        self.wfile.flush()


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class PreviewHTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS at once; aborted requests are not worth a word."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG
    log: Callable[[str], None] = print

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n"
                                b"Retry-After: 1\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that gave up on a request (closed tab, reload) is normal: say nothing.
        Anything else is one line, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)):
            return
        self.log(f"preview server: {type(exc).__name__}: {exc}")


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = True,
                log: Callable[[str], None] = print, navigate: bool = False) -> tuple[PreviewHTTPServer, Preview]:
    """Bind the port (port 0 picks a free one) and make the preview; nothing is built yet."""
    preview = Preview(root, host, port, drafts, log, navigate)
    handler = type("BoundHandler", (Handler,), {"preview": preview})
    try:
        server = PreviewHTTPServer((host, port), handler)
        server.log = log
    except OSError as exc:
        if exc.errno in (98, 48) or isinstance(exc, PermissionError):
            raise PortInUse(host, port) from None
        raise ChalkError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    preview.port = server.server_address[1]
    return server, preview


def run(root: Path, host: str, port: int, drafts: bool, log: Callable[[str], None] = print,
        ready: Callable[[Preview], None] | None = None, navigate: bool = False) -> None:
    """Build, serve and watch until interrupted (Ctrl-C)."""
    from .watch import Watcher  # watchdog starts threads; import only when serving

    server, preview = make_server(root, host, port, drafts, log, navigate)
    preview.rebuild()
    watcher = Watcher(root, preview.rebuild)
    watcher.start()
    log(f"Serving {preview.url} (drafts {'shown' if drafts else 'hidden'}); press Ctrl-C to stop.")
    if ready:
        ready(preview)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        watcher.stop()
        preview.stop()
        preview.events.send(None)
        server.server_close()


