"""Full-text search with Pagefind, run after rendering (``search: true`` in site.yaml).

Pagefind is an optional extra (``pip install 'chalk-ssg[search]'``, which brings the
``pagefind`` package and its binary from ``pagefind-bin``). :func:`index_site` writes
the rendered pages to a temporary folder, runs the Pagefind binary on it and returns
the search bundle it made as ``{"pagefind/...": bytes}``. Those files join the build's
output map, so they are written (or served by ``chalk serve``) with everything else,
all or nothing, and chalk's stale-file removal keeps them.

What is indexed is decided by the theme's markup, not here:

- ``data-pagefind-body`` on the article of posts and pages: only those are indexed
  (listings, tag pages and the 404 page are not);
- ``data-pagefind-ignore`` on the site header, navigation, footer, table of contents,
  post meta line and post footer;
- :data:`EXCLUDE_SELECTORS` (passed to Pagefind) for what a page contains that is not
  text to search, whatever the template: code line numbers, heading and footnote back
  links, buttons, any <nav>;
- headings are weighted by Pagefind's defaults (h1 7, h2 6, h3 5, h4 4, h5 3, h6 2;
  body text 1); ``data-pagefind-weight`` in a template overrides them;
- pages with ``<meta name="robots" content="noindex">`` (drafts, the 404 page) are
  left out.

Without Pagefind installed the build still works: :func:`index_site` returns nothing
and adds one warning saying that search is off. :func:`pages_key` is a digest of what
Pagefind would be given: the pipeline keeps the last bundle with it (see
:class:`chalk.incremental.SearchRecord`), so ``chalk serve`` runs Pagefind again only when
a page's HTML changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Mapping

from .config import CONFIG_FILE, Config
from .errors import Diagnostics, error, warning

BUNDLE_DIR = "pagefind"  # the search bundle's folder in the output: /pagefind/pagefind.js ...
SHARDS_DIR = "shards"  # pagefind/shards/N/: the other shards' bundles
MANIFEST = "chalk-shards.json"  # pagefind/chalk-shards.json: {"merge": ["shards/1/", ...]}, read by search.js
SHARD_PAGES = 100  # about this many pages per shard (about 0.7 s to re-index one on a 2-core machine)

SCRATCH_PREFIX = "chalk-search-"  # Pagefind's working folders (in the cache folder when there is one)
SCRATCH_STALE_SECONDS = 3600.0  # a working folder this old was left by a run that was stopped
INSTALL_HINT = "pip install 'chalk-ssg[search]'"
TIMEOUT_SECONDS = 300.0

#: Never indexed, whatever the template: code line numbers (chalk's inline ones, and Pygments'
#: table and inline styles), heading permalinks, footnote back links, buttons (copy buttons and
#: the like), navigation of any kind (table of contents, series and older/newer links), the
#: search box itself.
EXCLUDE_SELECTORS = (
    ".linenos", ".linenodiv", "td.linenos", ".headerlink", ".footnote-backref", "button", "nav", ".toc",
    ".site-search",
)

_BODY = re.compile(rb"data-pagefind-body")
_UI_FILE = re.compile(r"pagefind[-.](?:component-ui|modular-ui|ui|highlight)\.(?:js|css)$|pagefind\.js$")
_NOINDEX = re.compile(rb"<meta\s+name=[\"']?robots[\"']?\s+content=[\"'][^\"']*noindex", re.IGNORECASE)


def find_pagefind() -> Path | None:
    """The Pagefind binary, or None when it is not installed.

    Looked up like the ``pagefind`` Python package does: ``$PAGEFIND_BINARY_PATH``, then the
    ``pagefind-bin-extended`` / ``pagefind-bin`` wheels, then ``pagefind`` on PATH.
    """
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = __import__(module).get_executable()
        except (ImportError, FileNotFoundError, AttributeError):
            continue
        if found and Path(found).is_file():
            return Path(found)
    for name in ("pagefind_extended", "pagefind"):
        on_path = shutil.which(name)
        if on_path:
            return Path(on_path)
    return None


def search_enabled(config: Config) -> bool:
    """Whether the theme shows search: ``search: true`` and Pagefind is installed (``site.search``)."""
    return config.search and find_pagefind() is not None


def index_site(files: Mapping[str, bytes | Path], config: Config,
               diagnostics: Diagnostics | None = None, cache: Path | None = None) -> dict[str, bytes]:
    """The Pagefind search bundle for the rendered site, as ``{output path: bytes}``.

    ``files`` is the build's output map (pages as bytes, or as files to read). Returns ``{}``
    when search is off, and also, with one warning in ``diagnostics``, when Pagefind is not
    installed. A failing Pagefind run is an error in ``diagnostics`` (the build then writes
    nothing), or a :class:`RuntimeError` without ``diagnostics``.

    Large sites are indexed in shards (see :func:`_shards`): ``pagefind/`` holds the first, and
    ``pagefind/shards/N/`` the others, merged by the theme's search at query time (Pagefind's
    ``mergeIndex``, listed in ``pagefind/chalk-shards.json``). With a ``cache`` folder, a shard whose
    pages did not change is not indexed again, so an edit costs one shard, not the whole site.
    """
    if not config.search:
        return {}
    binary = find_pagefind()
    if binary is None:
        if diagnostics is not None:
            diagnostics.add(warning("search: true but Pagefind is not installed, so this site has no search",
                                    CONFIG_FILE, config.line_of("search"), hint=INSTALL_HINT))
        return {}
    taken = sorted(rel for rel in files if rel == BUNDLE_DIR or rel.startswith(BUNDLE_DIR + "/"))
    if taken:
        message = f"{taken[0]} is in the way of the search index, which is written to {BUNDLE_DIR}/"
        return _fail(diagnostics, message, f"static/{taken[0]}", "rename or remove it, or set search: false")
    pages = _indexed(_pages(files))
    if not pages:
        return {}
    shards = _shards(pages)
    keys = [_shard_key(binary, shard) for shard in shards]
    bundle: dict[str, bytes] = {}
    for number, (shard, key) in enumerate(zip(shards, keys)):
        made = _shard_bundle(binary, shard, key, cache, diagnostics, config.line_of("search"))
        if made is None:
            return {}
        if number == 0:
            bundle.update({f"{BUNDLE_DIR}/{rel}": data for rel, data in made.items()})
        else:  # merged into the first at query time: its index, not its scripts and styles
            bundle.update({f"{BUNDLE_DIR}/{SHARDS_DIR}/{number}/{rel}": data for rel, data in made.items()
                           if not _UI_FILE.match(rel)})
    if cache is not None:
        _prune(cache, set(keys), 3 * len(shards))
    manifest = [f"{SHARDS_DIR}/{number}/" for number in range(1, len(shards))]
    bundle[f"{BUNDLE_DIR}/{MANIFEST}"] = json.dumps({"merge": manifest}).encode()
    return bundle


def _indexed(pages: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """What Pagefind would index: the pages marked ``data-pagefind-body`` when any page is (as
    Pagefind decides for a whole site; a shard must not decide it for itself), else every page."""
    marked = [(rel, body) for rel, body in pages if _BODY.search(body)]
    return marked or pages


def _shards(pages: list[tuple[str, bytes]]) -> list[list[tuple[str, bytes]]]:
    """The pages in shards of about SHARD_PAGES, each page in a shard fixed by its path (so an edit
    re-indexes one shard); the count is a power of two, so it changes only as the site doubles."""
    count = 1
    while len(pages) > 2 * SHARD_PAGES * count:
        count *= 2
    shards: list[list[tuple[str, bytes]]] = [[] for _ in range(count)]
    for rel, body in pages:
        shards[int(hashlib.sha1(rel.encode()).hexdigest()[:8], 16) % count].append((rel, body))
    return [shard for shard in shards if shard] or [[]]


def _shard_key(binary: Path, pages: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256(repr((_command(binary), _pagefind_version())).encode())
    for rel, body in pages:
        digest.update(b"%d:%s\0%d:" % (len(rel), rel.encode(), len(body)) + body)
    return digest.hexdigest()[:32]


@functools.lru_cache(maxsize=1)
def _pagefind_version() -> str:
    for name in ("pagefind-bin-extended", "pagefind-bin", "pagefind"):
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return "?"


def _shard_bundle(binary: Path, pages: list[tuple[str, bytes]], key: str, cache: Path | None,
                  diagnostics: Diagnostics | None, line: int | None = None) -> dict[str, bytes] | None:
    """One shard's Pagefind bundle (``{path inside the bundle: bytes}``), from the cache when these
    exact pages (``key``) were indexed before, else made by Pagefind (and kept); None after a failure."""
    kept = cache / key if cache is not None else None
    if kept is not None and (kept / "pagefind.js").is_file():
        try:
            return {path.relative_to(kept).as_posix(): path.read_bytes()
                    for path in sorted(kept.rglob("*")) if path.is_file()}
        except OSError:
            pass  # an unreadable cache entry: index again
    return _run_pagefind(binary, pages, diagnostics, keep=kept, line=line)


def _run_pagefind(binary: Path, pages: list[tuple[str, bytes]], diagnostics: Diagnostics | None,
                  keep: Path | None = None, line: int | None = None) -> dict[str, bytes] | None:
    """Pagefind's bundle for these pages; with ``keep``, its folder is also moved there (the run
    happens beside it, in the cache, so that is one rename, never a half-written entry)."""
    command = _command(binary)
    scratch = None
    if keep is not None:
        try:
            keep.parent.mkdir(parents=True, exist_ok=True)
            scratch = keep.parent
        except OSError:
            keep = None  # the cache is only an optimisation
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=scratch) as tmp:
        site = Path(tmp) / "site"
        for rel, body in pages:
            target = site.joinpath(*PurePosixPath(rel).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        command[2] = str(site)
        try:
            run = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                                 timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            _fail(diagnostics, f"search: could not run Pagefind ({binary}): {exc}", CONFIG_FILE,
                  f"reinstall it ({INSTALL_HINT}), or set search: false", line)
            return None
        bundle = site / BUNDLE_DIR
        if run.returncode != 0 or not (bundle / "pagefind.js").is_file():
            output = (run.stderr.strip() or run.stdout.strip()).splitlines()
            detail = output[-1] if output else f"exit code {run.returncode}"
            _fail(diagnostics, f"search: Pagefind failed: {detail}", CONFIG_FILE,
                  "that is Pagefind's own message; set search: false to build without search", line)
            return None
        made = {path.relative_to(bundle).as_posix(): path.read_bytes()
                for path in sorted(bundle.rglob("*")) if path.is_file()}
        if keep is not None:
            _keep(bundle, keep)
        return made


def _keep(bundle: Path, folder: Path) -> None:
    """Move a shard's finished bundle folder into the cache, in one rename."""
    try:
        shutil.rmtree(folder, ignore_errors=True)
        bundle.rename(folder)
    except OSError:
        pass  # the cache is only an optimisation


def _prune(cache: Path, keep: set[str], limit: int) -> None:
    """Forget the oldest shards this build did not use, beyond ``limit`` kept in all (the preview
    server's pages, with their own base URL, are other shards: both stay while they alternate),
    and Pagefind working folders an interrupted run left behind (another process's may be in use:
    only those older than SCRATCH_STALE_SECONDS go)."""
    try:
        entries = [(entry.stat().st_mtime, entry) for entry in cache.iterdir() if entry.name not in keep]
    except OSError:
        return
    stale = time.time() - SCRATCH_STALE_SECONDS
    unused = sorted(item for item in entries if not item[1].name.startswith(SCRATCH_PREFIX))
    left = [entry for when, entry in entries if entry.name.startswith(SCRATCH_PREFIX) and when < stale]
    for entry in [entry for _, entry in unused[:max(0, len(unused) + len(keep) - limit)]] + left:
        shutil.rmtree(entry, ignore_errors=True)



def _command(binary: Path) -> list[str]:
    command = [str(binary), "--site", "SITE", "--output-subdir", BUNDLE_DIR, "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def pages_key(files: Mapping[str, bytes | Path]) -> str:
    """A digest of everything Pagefind is given (the pages and the command): equal keys, equal bundles."""
    digest = hashlib.sha256(repr(_command(Path(str(find_pagefind())))).encode())
    for rel, body in _pages(files):
        digest.update(b"%d:%s\0%d:" % (len(rel), rel.encode(), len(body)) + body)
    return digest.hexdigest()


def _pages(files: Mapping[str, bytes | Path]) -> list[tuple[str, bytes]]:
    """The HTML pages to index, in order, as (output path, bytes); pages marked noindex are left out."""
    pages = []
    for rel, data in sorted(files.items()):
        if not rel.endswith(".html"):
            continue
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or "\\" in rel:
            continue  # never outside the folder (output.py refuses such paths anyway)
        body = data.read_bytes() if isinstance(data, Path) else data
        if not _NOINDEX.search(body[:8192]):
            pages.append((rel, body))
    return pages


def _fail(diagnostics: Diagnostics | None, message: str, path: str, hint: str = "",
          line: int | None = None) -> dict[str, bytes]:
    if diagnostics is None:
        raise RuntimeError(message)
    diagnostics.add(error(message, path, line, hint=hint))
    return {}


__all__ = ["BUNDLE_DIR", "EXCLUDE_SELECTORS", "find_pagefind", "index_site", "pages_key", "search_enabled"]
