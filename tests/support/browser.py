"""Helpers for the suites that look at a built site in a real headless Chromium
(test_search.py, test_a11y.py, test_screens.py).

* :class:`StaticServer` — a plain static HTTP server on 127.0.0.1 (Python's http.server in a
  thread) serving a build output folder under a base path, answering unknown paths with the
  site's 404.html and status 404, like a static host;
* :func:`launch_chromium` — Debian's chromium driven by Playwright, with the flags CI needs;
* :func:`build_repo_site` — this repository's own site, copied and built into a folder with
  ``search: true`` (so the search box and the Pagefind index are there to test);
* :func:`require_pagefind` / :func:`require_axe` — skip when a tool is missing locally, fail
  when CI says it must be there (``CHALK_REQUIRE_SEARCH=1`` / ``CHALK_REQUIRE_BROWSER=1``).

Screenshots go to ``test-artifacts/screenshots/`` (git-ignored; CI keeps it as an artefact).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import unquote, urlsplit

import pytest
from .serving import SERVE_WAIT_SECONDS
from .sites import REPO, build, copy_repo_site
from .tools import require_chromium, require_tool

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
WAIT_MS = 15_000
AXE_JS = REPO / "tests/browser/node_modules/axe-core/axe.min.js"
SCREENSHOTS = REPO / "test-artifacts/screenshots"
SEED_URL = "posts/demystifying-generative-ai/"


# --------------------------------------------------------------------------- requirements

def require_pagefind() -> Path:
    """The Pagefind binary; skips without it, or fails when CHALK_REQUIRE_SEARCH=1 (CI)."""
    from chalk.search import find_pagefind

    found = find_pagefind()
    return Path(require_tool("Pagefind", str(found) if found else None, "CHALK_REQUIRE_SEARCH",
                         "pip install 'chalk-ssg[search]'"))


def require_axe() -> Path:
    """axe-core's script from tests/browser/node_modules; skips without it, fails when CHALK_REQUIRE_BROWSER=1."""
    found = str(AXE_JS) if AXE_JS.is_file() else None
    return Path(require_tool("axe-core", found, "CHALK_REQUIRE_BROWSER",
                         "install node and npm, then run `npm ci --prefix tests/browser`"))


# --------------------------------------------------------------------------- serving a folder

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class _Handler(SimpleHTTPRequestHandler):
    base_path = "/"
    compress = False
    not_found = b"Not found\n"

    def do_GET(self) -> None:
        """Files as they are, or gzipped text when ``compress`` is on and the browser accepts it
        (as GitHub Pages, Netlify or nginx with ``gzip on`` serve a static site)."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if not (self.compress and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")
                and kind.startswith(COMPRESSED_TYPES)):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def translate_path(self, path: str) -> str:
        decoded = unquote(urlsplit(path).path)
        if not decoded.startswith(self.base_path):
            return str(Path(self.directory) / ".outside-the-base-path")
        return super().translate_path("/" + decoded[len(self.base_path):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != HTTPStatus.NOT_FOUND:
            return super().send_error(code, message, explain)
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else self.not_found
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class StaticServer:
    """Serves ``folder`` at ``http://127.0.0.1:PORT{base_path}`` from a thread; bind first, build later.

    ``compress``: gzip text responses for browsers that accept it, like a real static host.
    """

    def __init__(self, folder: Path, base_path: str = "/", compress: bool = False):
        self.folder, self.base_path = folder, base_path
        handler = type("Handler", (_Handler,), {"base_path": base_path, "compress": compress})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    def __enter__(self) -> "StaticServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


# --------------------------------------------------------------------------- sites and browsers

def enable_search(root: Path) -> Path:
    """Add ``search: true`` to a site's site.yaml (unless it has a search key already)."""
    config = root / "site.yaml"
    text = config.read_text(encoding="utf-8")
    if not any(line.startswith("search:") for line in text.splitlines()):
        config.write_text(text.rstrip("\n") + "\nsearch: true\n", encoding="utf-8")
    return root


@contextlib.contextmanager
def served_repo_site(tmp: Path, search: bool = True, prepare: Callable[[Path], object] | None = None,
                     compress: bool = False) -> Iterator[tuple[StaticServer, Any]]:
    """This repository's site (changed by ``prepare(root)`` if given), built with search on for its
    loopback address, and served; yields (server, BuildResult)."""
    root = copy_repo_site(tmp / "site")
    if search:
        enable_search(root)
    if prepare is not None:
        prepare(root)
    output = tmp / "out"
    output.mkdir()
    with StaticServer(output, compress=compress) as server:
        result = build(root, output=output, base_url=server.url, cache=False)
        yield server, result


@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """A headless Chromium (Debian's), or skip/fail like :func:`support.tools.require_chromium`."""
    executable = require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        if os.environ.get("CHALK_REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is not installed (CHALK_REQUIRE_BROWSER=1, so this is required)")
        pytest.skip("playwright is not installed: pip install playwright")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, width: int = 1280, height: int = 900, scheme: str = "light") -> Any:
    """A page in a fresh context with the given viewport and colour scheme."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                  reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


# --------------------------------------------------------------------------- Pagefind's index

def fragments(files: dict[str, bytes | Path]) -> dict[str, dict[str, Any]]:
    """The indexed pages of a Pagefind bundle in an output map: url -> fragment (content, meta...)."""
    found = {}
    for rel, data in files.items():
        if rel.startswith("pagefind/fragment/"):
            raw = gzip.decompress(data if isinstance(data, bytes) else data.read_bytes())
            assert raw.startswith(b"pagefind_dcd"), rel
            fragment = json.loads(raw[len(b"pagefind_dcd"):])
            found[fragment["url"]] = fragment
    return found


def folder_files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


# Wraps EventSource (before any page script runs) to record the messages the page receives, so a test
# can wait until reload.js is connected before editing anything. reload.js itself is left as it is.
RECORD_EVENTS = """
(() => {
  const Native = window.EventSource;
  window.__chalkMessages = [];
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => window.__chalkMessages.push(JSON.parse(event.data)));
    }
  };
})();
"""


@pytest.fixture
def page(browser):
    """A 1200x800 page that records every message reload.js receives (``window.__chalkMessages``)."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.add_init_script(RECORD_EVENTS)
    opened = context.new_page()
    opened.set_default_timeout(int(SERVE_WAIT_SECONDS * 1000))
    yield opened
    context.close()
