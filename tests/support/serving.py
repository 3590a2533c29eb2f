"""The preview server (``chalk serve``) as tests drive it: the real CLI server in a subprocess,
raw HTTP requests that keep the path exactly as written, and a Server-Sent Events client."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pytest

from .run import chalk_env
from .tools import free_port

SERVE_WAIT_SECONDS = 15.0  # the longest any single wait on the preview server may take
RELOAD_SCRIPT_TAG = re.compile(rb'<script[^>]*\bsrc="/__chalk__/reload\.js"[^>]*></script>')


def _default_sigint() -> None:
    """In the child: Ctrl-C (SIGINT) raises KeyboardInterrupt even if the test runner ignores SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class ServeProcess:
    """``python -m chalk serve -s SITE --port PORT ARGS`` in a subprocess; stdout/stderr collected by threads."""

    def __init__(self, site: Path, *args: str | os.PathLike, port: int | None = None):
        self.site, self.port = site, port or free_port()
        self.url = ""
        self.out: list[str] = []
        self.err: list[str] = []
        self._cond = threading.Condition()
        command = [sys.executable, "-m", "chalk", "serve", "-s", str(site), "--port", str(self.port), *map(str, args)]
        self.proc = subprocess.Popen(command, cwd=site.parent, env=chalk_env(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                     bufsize=1, preexec_fn=_default_sigint)
        self._threads = [threading.Thread(target=self._pump, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for thread in self._threads:
            thread.start()

    def _pump(self, stream: Any, lines: list[str]) -> None:
        for line in stream:
            with self._cond:
                lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def output(self) -> str:
        with self._cond:
            return "\n".join(["--- stdout", *self.out, "--- stderr", *self.err])

    def count(self, pattern: str) -> int:
        """How many stdout lines so far match the regular expression."""
        with self._cond:
            return sum(1 for line in self.out if re.search(pattern, line))

    def wait_for(self, pattern: str, count: int = 1, timeout: float = SERVE_WAIT_SECONDS) -> str:
        """Wait until ``count`` stdout lines match ``pattern``; returns the last of them. Fails on timeout or exit."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [line for line in self.out if re.search(pattern, line)]
                if len(found) >= count:
                    return found[count - 1]
                if self.proc.poll() is not None and not any(t.is_alive() for t in self._threads):
                    pytest.fail(f"chalk serve exited ({self.proc.returncode}) before printing {pattern!r}\n"
                                f"{self.output}")
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"timed out after {timeout} s waiting for {count} x {pattern!r}\n{self.output}")
                self._cond.wait(min(left, 0.2))

    def wait_ready(self, timeout: float = SERVE_WAIT_SECONDS) -> "ServeProcess":
        line = self.wait_for(r"^Serving http://", timeout=timeout)
        self.url = re.search(r"http://\S+", line).group(0)  # type: ignore[union-attr]
        return self

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = SERVE_WAIT_SECONDS) -> int:
        """Ctrl-C (SIGINT) and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"chalk serve did not stop within {timeout} s of Ctrl-C\n{self.output}")
        for thread in self._threads:
            thread.join(5)
        return code

    def assert_clean_stop(self) -> None:
        """Ctrl-C stops it with exit code 0 and no traceback."""
        code = self.stop()
        assert code == 0, f"chalk serve exited with {code}\n{self.output}"
        assert "Traceback" not in self.output, self.output

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes
    raw: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http_request(port: int, target: str, method: str = "GET", body: bytes = b"", host: str = "127.0.0.1",
                 headers: Mapping[str, str] | None = None, timeout: float = SERVE_WAIT_SECONDS) -> RawResponse:
    """One request over a raw socket, ``target`` sent exactly as written (no client-side normalising).

    Sends ``Connection: close`` and reads to the end, so a HEAD response shows whether a body followed.
    """
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    raw = b""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, rest = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return RawResponse(int(status_line.split()[1]), parsed, rest, raw)


def strip_reload_script(html: bytes) -> bytes:
    """The page without the live-reload script tag ``chalk serve`` injects; fails unless it is there exactly once."""
    found = RELOAD_SCRIPT_TAG.findall(html)
    assert len(found) == 1, f"expected the reload script tag once, found {len(found)}"
    return RELOAD_SCRIPT_TAG.sub(b"", html)


class EventStream:
    """A Server-Sent Events client for ``/__chalk__/events``: messages (parsed JSON) are read by a thread."""

    def __init__(self, port: int, host: str = "127.0.0.1", path: str = "/__chalk__/events"):
        self.messages: list[dict[str, Any]] = []
        self.status = 0
        self._cursor = 0
        self._closed = False
        self._cond = threading.Condition()
        self.sock = socket.create_connection((host, port), timeout=SERVE_WAIT_SECONDS)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.sock.settimeout(None)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            stream = self.sock.makefile("rb")
            self.status = int(stream.readline().split()[1])
            while stream.readline() not in (b"\r\n", b"\n", b""):
                pass  # headers
            data: list[str] = []
            for raw in stream:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
                elif line == "" and data:
                    message = json.loads("\n".join(data))
                    data = []
                    with self._cond:
                        self.messages.append(message)
                        self._cond.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()

    def next(self, timeout: float = SERVE_WAIT_SECONDS, type: str | None = None) -> dict[str, Any]:
        """The next message not returned yet; with ``type``, the test fails if it is of another type."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._cursor >= len(self.messages):
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    why = "the stream closed" if self._closed else f"nothing came within {timeout} s"
                    pytest.fail(f"waiting for a server-sent event ({type or 'any'}): {why}; so far {self.messages}")
                self._cond.wait(min(left, 0.2))
            message = self.messages[self._cursor]
            self._cursor += 1
        if type is not None:
            assert message.get("type") == type, f"expected a {type!r} event, got {message}"
        return message

    def pending(self, quiet: float = 0.0) -> list[dict[str, Any]]:
        """Wait ``quiet`` seconds, then return (and consume) every message not returned yet."""
        if quiet:
            time.sleep(quiet)
        with self._cond:
            found, self._cursor = self.messages[self._cursor:], len(self.messages)
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self._thread.join(5)

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
