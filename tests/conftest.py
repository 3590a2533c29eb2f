"""Shared fixtures and helpers for chalk's test suite.

Everything here is meant to be reused by later suites (preview server, browser,
deploy...). The building blocks:

* :func:`write_files` / the :func:`make_site` fixture — write a whole mini-site
  inline, Hugo-testscript style, from ``{relative path: text}`` or a txtar string;
* :func:`build` — build a site in-process (fast) through ``chalk.pipeline.build``;
* :func:`run_chalk` — run the real CLI in a subprocess (``python -m chalk``);
* :func:`parse_html` and the ``find_*`` helpers — html5lib parsing into ElementTree;
* :func:`snapshot_tree` — bytes + mtimes of every file under a folder;
* the :func:`repo_site` fixture — a copy of this repository's own site;
* :func:`require_chromium`, :func:`require_nginx`, :func:`free_port` — for suites
  that need a browser or a server.

Tests never write into the repository: every site lives in ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import unquote, urlsplit

import html5lib
import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"

#: The site.yaml every mini-site gets unless the files given include one.
DEFAULT_SITE_YAML = "title: Test site\nbase_url: https://example.org/blog/\n"
BASE_URL = "https://example.org/blog/"
BASE_PATH = "/blog/"

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


# --------------------------------------------------------------------------- writing sites

def parse_txtar(text: str) -> dict[str, str]:
    """Split a txtar-style string into files: ``-- path --`` lines start each file.

    >>> parse_txtar("-- a.md --\\nhello\\n-- b/c.md --\\nbye\\n")
    {'a.md': 'hello\\n', 'b/c.md': 'bye\\n'}
    """
    files: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("-- ") and stripped.endswith(" --") and len(stripped) > 6:
            if current is not None:
                files[current] = "".join(lines)
            current, lines = stripped[3:-3].strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        files[current] = "".join(lines)
    return files


def write_files(root: Path, files: Mapping[str, str | bytes] | str | None = None,
                site_yaml: str | None = DEFAULT_SITE_YAML) -> Path:
    """Write a mini-site into ``root`` and return ``root``.

    ``files`` maps paths relative to ``root`` to their text (written as UTF-8
    exactly as given, no dedent, so line numbers in assertions are what you see)
    or bytes (written verbatim: CRLF, BOMs, invalid UTF-8...). It may also be a
    txtar string (``-- content/posts/x.md --`` headers). A ``site.yaml`` is added
    from ``site_yaml`` unless ``files`` has one; pass ``site_yaml=None`` for none.
    """
    if isinstance(files, str):
        files = parse_txtar(files)
    files = dict(files or {})
    if site_yaml is not None and "site.yaml" not in files:
        files["site.yaml"] = site_yaml
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_bytes(data.encode("utf-8"))
    return root


@pytest.fixture
def make_site(tmp_path: Path):
    """Factory fixture: ``make_site({path: text}, name="site", site_yaml=...) -> Path``.

    Each call writes a new site folder under ``tmp_path`` (``site``, ``site-2``...
    unless ``name`` is given) with :func:`write_files` and returns it.
    """
    count = 0

    def factory(files: Mapping[str, str | bytes] | str | None = None, name: str | None = None,
                site_yaml: str | None = DEFAULT_SITE_YAML) -> Path:
        nonlocal count
        count += 1
        folder = tmp_path / (name or ("site" if count == 1 else f"site-{count}"))
        return write_files(folder, files, site_yaml)

    return factory


def front_matter(**fields: Any) -> str:
    """A ``---`` block with one ``key: value`` line per field, in the order given (values as YAML/JSON)."""
    import json

    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, str):
            shown = json.dumps(value, ensure_ascii=False)
        else:
            shown = json.dumps(value, ensure_ascii=False, default=str)
        lines.append(f"{key}: {shown}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def post(title: str = "A post", date: str = "2024-05-14", body: str = "Some text.\n", **fields: Any) -> str:
    """The text of a post file: front matter (title, date, then ``fields``) and ``body``."""
    return front_matter(title=title, date=date, **fields) + "\n" + textwrap.dedent(body)


def page(title: str = "A page", body: str = "Some text.\n", **fields: Any) -> str:
    """The text of a plain page file (no date)."""
    return front_matter(title=title, **fields) + "\n" + textwrap.dedent(body)


# --------------------------------------------------------------------------- building

def build(root: Path, **options: Any):
    """Build ``root`` in-process with ``chalk.pipeline.build``; ``options`` are BuildOptions fields.

    Returns the BuildResult; raises ``chalk.errors.BuildError`` on errors.
    """
    from chalk.pipeline import BuildOptions, build as pipeline_build

    return pipeline_build(root, BuildOptions(**options))


def build_errors(root: Path, **options: Any) -> list[str]:
    """Build ``root`` in-process expecting failure; returns the formatted error lines."""
    from chalk.errors import BuildError

    with pytest.raises(BuildError) as info:
        build(root, **options)
    return [d.format() for d in info.value.errors]


def chalk_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a chalk subprocess: ``src/`` importable even without installing."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env.setdefault("PYTHONIOENCODING", "utf-8")
    if extra:
        env.update(extra)
    return env


def run_chalk(*args: str | os.PathLike, cwd: Path, env: Mapping[str, str] | None = None,
              timeout: float = 120, module: str = "chalk") -> tuple[int, str, str]:
    """Run the real CLI, ``sys.executable -m chalk ARGS``, in ``cwd``; returns (returncode, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, env=chalk_env(env),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def run_python(*args: str | os.PathLike, cwd: Path, timeout: float = 120) -> tuple[int, str, str]:
    """Run ``sys.executable ARGS`` (e.g. ``build.py``) in ``cwd``; returns (returncode, stdout, stderr)."""
    proc = subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=chalk_env(),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


# --------------------------------------------------------------------------- reading output

def parse_html(source: str | bytes | os.PathLike) -> ET.Element:
    """Parse an HTML file (a Path) or HTML text with html5lib; returns the ElementTree root (<html>).

    Elements are not namespaced, so ``root.iter("a")`` works.
    """
    if isinstance(source, os.PathLike):
        source = Path(source).read_bytes()
    return html5lib.parse(source, treebuilder="etree", namespaceHTMLElements=False)


def classes(element: ET.Element) -> list[str]:
    """The element's class names."""
    return (element.get("class") or "").split()


def has_class(element: ET.Element, name: str) -> bool:
    """Whether ``name`` is one of the element's classes."""
    return name in classes(element)


def find_all(root: ET.Element, tag: str | None = None, cls: str | None = None, id: str | None = None,
             **attrs: str) -> list[ET.Element]:
    """All elements under ``root`` (itself included) matching tag, class, id and attribute values.

    Attribute names use ``_`` for ``-`` (``aria_label="x"`` matches ``aria-label="x"``).
    """
    wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
    found = []
    for element in root.iter(tag) if tag else root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        if cls is not None and not has_class(element, cls):
            continue
        if id is not None and element.get("id") != id:
            continue
        if any(element.get(name) != value for name, value in wanted.items()):
            continue
        found.append(element)
    return found


def find_one(root: ET.Element, tag: str | None = None, cls: str | None = None, id: str | None = None,
             **attrs: str) -> ET.Element:
    """The single element matching (see :func:`find_all`); fails the test if there are 0 or several."""
    found = find_all(root, tag, cls, id, **attrs)
    assert len(found) == 1, f"expected exactly one <{tag or '*'} class={cls} id={id} {attrs}>, found {len(found)}"
    return found[0]


def find_by_id(root: ET.Element, id: str) -> ET.Element | None:
    """The element with this id, or None."""
    found = find_all(root, id=id)
    return found[0] if found else None


def text_of(element: ET.Element) -> str:
    """All text inside the element, whitespace folded."""
    return " ".join("".join(element.itertext()).split())


def meta_content(root: ET.Element, name: str) -> str | None:
    """The content of ``<meta name=NAME>`` or ``<meta property=NAME>``, or None."""
    for meta in root.iter("meta"):
        if meta.get("name") == name or meta.get("property") == name:
            return meta.get("content")
    return None


def parse_xml(path: Path) -> ET.Element:
    """Parse an XML file (feed, sitemap) with xml.etree; fails the test on malformed XML."""
    return ET.fromstring(path.read_bytes())


def output_file_for(output: Path, url: str, base_path: str = BASE_PATH) -> Path | None:
    """The output file a site-absolute URL (``/blog/posts/x/#frag``) or full URL is served from.

    Directory URLs map to their ``index.html``; returns None if the URL is not under ``base_path``.
    """
    path = unquote(urlsplit(url).path)
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return output / rel


def snapshot_tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: relative path -> (bytes, mtime_ns). Compare two snapshots with ==."""
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(root.rglob("*")) if path.is_file()}


# --------------------------------------------------------------------------- the repository's site

SITE_PARTS = ("site.yaml", "content", "templates", "static", "_freeze")


def copy_repo_site(target: Path) -> Path:
    """Copy this repository's site (site.yaml, content/, templates/, static/, build.py) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in (*SITE_PARTS, "build.py"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


@pytest.fixture
def repo_site(tmp_path: Path) -> Path:
    """A copy of this repository's own site in ``tmp_path/repo-site`` (the real public/ is never touched)."""
    return copy_repo_site(tmp_path / "repo-site")


# --------------------------------------------------------------------------- browsers and servers

def _require(what: str, found: str | None, env_var: str, install: str) -> str:
    if found:
        return found
    message = f"{what} not installed: {install}"
    if os.environ.get(env_var) == "1":
        pytest.fail(f"{message} ({env_var}=1, so this is required)")
    pytest.skip(message)


def require_chromium() -> str:
    """The path of a Chromium binary; skips the test if there is none, or fails when CHALK_REQUIRE_BROWSER=1."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and os.access("/usr/bin/chromium", os.X_OK):
        found = "/usr/bin/chromium"
    return _require("chromium", found, "CHALK_REQUIRE_BROWSER", "apt-get install chromium")


def require_nginx() -> str:
    """The path of nginx; skips the test if there is none, or fails when CHALK_REQUIRE_SERVER=1."""
    found = shutil.which("nginx")
    for candidate in ("/usr/sbin/nginx", "/usr/bin/nginx"):
        if not found and os.access(candidate, os.X_OK):
            found = candidate
    return _require("nginx", found, "CHALK_REQUIRE_SERVER", "apt-get install nginx-light")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that was free a moment ago (bind to port 0 and ask the OS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        return sock.getsockname()[1]


def all_files(root: Path) -> list[str]:
    """Relative POSIX paths of every file under ``root``, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def iter_links(root: ET.Element) -> Iterable[tuple[str, str, str]]:
    """(tag, attribute, url) for every href/src in a parsed HTML page."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                yield element.tag, attribute, value


# --------------------------------------------------------------------------- the preview server (chalk serve)
# Shared by test_serve.py and test_serve_browser.py: the real CLI server in a subprocess, raw HTTP
# requests that keep the path exactly as written, and a Server-Sent Events client.

import contextlib  # noqa: E402  (kept with the helpers that use them)
import json  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

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


@pytest.fixture
def chalk_serve():
    """Factory fixture: ``chalk_serve(site, *args, port=None) -> ServeProcess`` already serving; killed at the end."""
    started: list[ServeProcess] = []

    def start(site: Path, *args: str | os.PathLike, port: int | None = None) -> ServeProcess:
        server = ServeProcess(site, *args, port=port)
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        server.kill()


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


# --------------------------------------------------------------------------- Markdown stage

MARKDOWN_PATH = "content/posts/x.md"  # the file name unit tests of the Markdown stage render as


@pytest.fixture(scope="module")
def renderer():
    """One MarkdownRenderer per test module (building one costs milliseconds)."""
    from chalk.markdown import MarkdownRenderer

    return MarkdownRenderer()


def render(renderer, body: str, body_line: int = 1):
    """Render ``body`` as if it started at ``body_line`` of ``content/posts/x.md``."""
    return renderer.render(body, MARKDOWN_PATH, body_line)


# --------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for one test module: skipped without one, a failure under CHALK_REQUIRE_BROWSER=1."""
    from sitebrowser import launch_chromium

    with launch_chromium() as launched:
        yield launched
