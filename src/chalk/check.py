"""``chalk check``: find what is broken in the rendered site, without writing anything.

Internal checks (run by every ``chalk build`` as warnings): links to pages and
files that do not exist, ``#anchors`` missing on their target page, images
and diagram slots without alt text, skipped heading levels, and diagram slots
still awaiting a drawing. Each finding names the source file and line.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .errors import Diagnostic, error, warning
from .markdown import TocEntry
from .model import Page, Site

_LINK = re.compile(r"""<(a|img|source|audio|video|link|script)\b[^>]*?\b(href|src)\s*=\s*"([^"]*)\"""", re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"""\balt\s*=\s*"([^"]*)\"""", re.I)
_ID = re.compile(rb"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")
_SKIP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:")


@dataclass(frozen=True)
class SourceText:
    """The Markdown body of a page, to find the line a problem stands on."""

    body: str
    body_line: int

    def line_of(self, *needles: str) -> int:
        for needle in needles:
            if not needle:
                continue
            for index, line in enumerate(self.body.split("\n")):
                if needle in line:
                    return self.body_line + index
        return max(1, self.body_line - 1)


def links_in(html: str) -> list[tuple[str, str]]:
    """(tag, url) of every href/src in an HTML fragment, entities decoded."""
    return [(m.group(1).lower(), htmllib.unescape(m.group(3))) for m in _LINK.finditer(html)]


def ids_in(html: bytes) -> set[str]:
    return {htmllib.unescape(m.group(1).decode("utf-8", "replace")) for m in _ID.finditer(html)}


def output_for(path: str, base_path: str) -> str | None:
    """The output file a site-absolute URL path is served from, or None if outside the site."""
    path = unquote(path)
    if not path.startswith(base_path):
        return None
    rest = path[len(base_path):]
    if ".." in PurePosixPath(rest).parts:
        return None
    return rest + "index.html" if rest == "" or rest.endswith("/") else rest


def check_site(site: Site, files: dict[str, bytes | Path], texts: dict[str, SourceText],
               slots: bool = True) -> list[Diagnostic]:
    """Every internal problem of the site, in source order; ``slots`` adds a warning per empty slot."""
    problems: list[Diagnostic] = []
    ids_cache: dict[str, set[str]] = {}
    for page in [*site.posts, *site.pages]:
        text = texts.get(page.source, SourceText("", 1))
        problems.extend(check_links(page, files, text, site.config.base_path, site.config.base_url, ids_cache))
        problems.extend(check_alt_text(page, text))
        problems.extend(check_headings(page, text))
        for slot in page.diagrams if slots else []:
            if not slot.filled:
                problems.append(warning(f"diagram '{slot.id}' awaits a drawing", slot.path, slot.line,
                                        hint=f"add static/diagrams/{slot.id}.svg"))
    return problems


def check_links(page: Page, files: dict[str, bytes | Path], text: SourceText, base_path: str, base_url: str,
                ids_cache: dict[str, set[str]]) -> list[Diagnostic]:
    problems = []
    own_origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    for tag, url in links_in(str(page.content)):
        if not url or url.lower().startswith(_SKIP_SCHEMES):
            continue
        target = urlsplit(urljoin(page.permalink, url))
        if f"{target.scheme}://{target.netloc}" != own_origin:
            continue  # external: only with chalk check --external
        line = text.line_of(f"]({url}", f"({url})", url, url.split("#")[0] or url)
        rel = output_for(target.path, base_path)
        if rel is None or rel not in files:
            what = "image" if tag == "img" else "link"
            problems.append(error(f"{what} to {url}: no such page or file in the site", page.source, line))
            continue
        if target.fragment and rel.endswith(".html"):
            ids = ids_cache.get(rel)
            if ids is None:
                data = files[rel]
                ids = ids_cache[rel] = ids_in(data if isinstance(data, bytes) else data.read_bytes())
            if unquote(target.fragment) not in ids:
                problems.append(error(f"link to {url}: no anchor #{target.fragment} on that page",
                                      page.source, line, hint="headings, footnotes and diagram ids are anchors"))
    return problems


def check_alt_text(page: Page, text: SourceText) -> list[Diagnostic]:
    problems = []
    for tag in _IMG.findall(str(page.content)):
        alt = _ALT.search(tag)
        if alt is None or not alt.group(1).strip():
            src = re.search(r'src="([^"]*)"', tag)
            shown = src.group(1) if src else tag
            problems.append(error(f"image {shown} has no alt text", page.source,
                                  text.line_of(shown.rsplit("/", 1)[-1]),
                                  hint="describe the image: ![what it shows](file.png)"))
    return problems


def check_headings(page: Page, text: SourceText) -> list[Diagnostic]:
    problems: list[Diagnostic] = []

    def walk(entries: tuple[TocEntry, ...], parent_level: int) -> None:
        for entry in entries:
            if entry.level > parent_level + 1:
                problems.append(error(
                    f"heading '{entry.title}' is level {entry.level} right after level {parent_level}",
                    page.source, text.line_of(entry.title), hint=f"use {'#' * (parent_level + 1)} instead"))
            walk(entry.children, entry.level)

    walk(page.toc, 1)
    return problems


# --------------------------------------------------------------------------- external links (--external)

EXTERNAL_TIMEOUT = 10.0
EXTERNAL_WORKERS = 8
CACHE_SECONDS = 24 * 3600
USER_AGENT = "chalk-linkcheck (+https://pypi.org/project/chalk-ssg/)"


def external_links(site: Site, texts: dict[str, SourceText]) -> dict[str, list[tuple[str, int]]]:
    """Every http(s) link leaving the site -> where it is used (source, line)."""
    own = urlsplit(site.config.base_url).netloc
    found: dict[str, list[tuple[str, int]]] = {}
    for page in [*site.posts, *site.pages]:
        text = texts.get(page.source, SourceText("", 1))
        for _, url in links_in(str(page.content)):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc != own:
                found.setdefault(url.split("#")[0], []).append((page.source, text.line_of(url)))
    return found


def probe(url: str, timeout: float = EXTERNAL_TIMEOUT) -> str | None:
    """None if ``url`` answers; else what went wrong. HEAD first, then GET (some servers refuse HEAD)."""
    problem = None
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if response.status < 400:
                    return None
                problem = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            problem = f"unreachable ({reason})"
    return problem


def check_external(links: dict[str, list[tuple[str, int]]], cache_file: Path, now: float) -> list[Diagnostic]:
    """Probe every external link concurrently; answers are cached in ``cache_file`` for a day."""
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
        cache = {url: entry for url, entry in cache.items()
                 if isinstance(entry, list) and len(entry) == 2 and now - float(entry[0]) < CACHE_SECONDS}
    except (OSError, ValueError, TypeError, AttributeError):
        cache = {}
    todo = [url for url in links if url not in cache]
    with ThreadPoolExecutor(max_workers=EXTERNAL_WORKERS) as pool:
        for url, problem in zip(todo, pool.map(probe, todo)):
            cache[url] = [now, problem]
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    except OSError:
        pass  # the cache only saves time
    problems = []
    for url, uses in links.items():
        problem = cache[url][1]
        if problem:
            problems.extend(error(f"external link {url}: {problem}", source, line) for source, line in uses)
    return problems
