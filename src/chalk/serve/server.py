"""The preview server: serves the in-memory site on loopback and pushes changes to the browser.

- The site is built into memory (never into public/) by :class:`~chalk.serve.preview.Preview`,
  with base_url set to the server's own address and drafts shown; a rebuild swaps in a complete
  new snapshot, so a request never sees a half-built site (it waits for the swap).
- Requests are answered only from that snapshot: a path that is not one of its
  files is a 404, so nothing outside the build can be served.
- The browser learns of changes through Server-Sent Events at ``/__chalk__/events``;
  the small script at ``/__chalk__/reload.js`` (injected into HTML only here)
  swaps changed stylesheets, morphs a changed page in place keeping the scroll
  position, and shows build errors as an overlay until the next good build.
"""

from __future__ import annotations

import json
import mimetypes
import queue
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from ..errors import ChalkError
from .preview import Preview

CHALK_PREFIX = "/__chalk__/"
EVENTS_PATH = CHALK_PREFIX + "events"
SCRIPT_PATH = CHALK_PREFIX + "reload.js"
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
    threading.Thread(target=preview.warm, name="chalk-warm", daemon=True).start()
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


