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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote, urljoin, urlsplit

from .digest import text_digest
from .errors import Diagnostic, error, warning
from .incremental import CheckRecord
from .markdown import TocEntry
from .model import Page, Site

_LINK = re.compile(r' (href|src)="([^"]*)"')
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"""\balt\s*=\s*"([^"]*)\"""", re.I)
_ID = re.compile(rb' (?:id|name)="([^"]+)"')
_SKIP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:")


@dataclass(frozen=True)
class SourceText:
    """The Markdown body of a page, to find the line a problem stands on (only once there is one)."""

    body: str
    body_line: int

    def line_of(self, *needles: str) -> int:
        for needle in needles:
            position = self.body.find(needle) if needle else -1
            if position >= 0:
                return self.body_line + self.body.count("\n", 0, position)
        return max(1, self.body_line - 1)


def links_in(html: str) -> list[tuple[str, str]]:
    """(attribute, url) of every href/src in HTML as chalk writes it (double quotes), entities decoded."""
    return [(m.group(1), htmllib.unescape(m.group(2)) if "&" in m.group(2) else m.group(2))
            for m in _LINK.finditer(html)]


def ids_in(html: bytes) -> set[str]:
    return {htmllib.unescape(m.group(1).decode("utf-8", "replace")) for m in _ID.finditer(html)}


def output_for(path: str, base_path: str) -> str | None:
    """The output file a site-absolute URL path is served from, or None if outside the site."""
    path = unquote(path)
    if not path.startswith(base_path):
        return None
    rest = path[len(base_path):]
    if ".." in rest.split("/"):
        return None
    return rest + "index.html" if rest == "" or rest.endswith("/") else rest


@dataclass
class Checked:
    """The internal problems of the site's pages, and each page's record for the next build."""

    problems: list[Diagnostic] = field(default_factory=list)
    records: dict[str, CheckRecord] = field(default_factory=dict)


def check_site(site: Site, files: dict[str, bytes | Path], texts: dict[str, SourceText],
               slots: bool = True) -> list[Diagnostic]:
    """Every internal problem of the site, in source order; ``slots`` adds a warning per empty slot."""
    return check_pages(site, files, texts).problems + (slot_warnings(site) if slots else [])


def check_pages(site: Site, files: dict[str, bytes | Path], texts: dict[str, SourceText],
                previous: Mapping[str, CheckRecord] | None = None, changed: set[str] | None = None) -> Checked:
    """Links, anchors, alt text and headings of every page.

    With ``previous`` records and the set of outputs ``changed`` since they were made (rendered
    anew, added or removed), a page whose content, position and link targets are all unchanged
    keeps its earlier results.
    """
    result = Checked()
    ids_cache: dict[str, set[str]] = {}
    for page in [*site.posts, *site.pages]:
        text = texts.get(page.source, SourceText("", 1))
        digest = page.content_digest or text_digest(page.content)
        known = previous.get(page.output) if previous is not None and changed is not None else None
        if known is not None and known.content_digest == digest and known.body_line == text.body_line \
                and not known.targets & changed:  # type: ignore[operator]
            result.records[page.output] = known
            result.problems.extend(known.problems)
            continue
        targets: set[str] = set()
        found = [*check_links(page, files, text, site.config.base_path, site.config.base_url, ids_cache, targets),
                 *check_alt_text(page, text), *check_headings(page, text)]
        result.records[page.output] = CheckRecord(digest, text.body_line, frozenset(targets), tuple(found))
        result.problems.extend(found)
    return result


def slot_warnings(site: Site) -> list[Diagnostic]:
    """A warning for every diagram slot still awaiting its drawing."""
    return [warning(f"diagram '{slot.id}' awaits a drawing", slot.path, slot.line,
                    hint=f"add static/diagrams/{slot.id}.svg")
            for page in [*site.posts, *site.pages] for slot in page.diagrams if not slot.filled]


def check_links(page: Page, files: dict[str, bytes | Path], text: SourceText, base_path: str, base_url: str,
                ids_cache: dict[str, set[str]], deps: set[str] | None = None) -> list[Diagnostic]:
    """Internal links, images and #anchors of one page; ``deps`` collects the outputs they point to."""
    problems = []
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    for attribute, url in links_in(str(page.content)):
        if not url or url.lower().startswith(_SKIP_SCHEMES):
            continue
        target = _target(page, url, origin)
        if target is None:
            continue  # external: only with chalk check --external
        path, fragment = target
        rel = page.output if path is None else output_for(path, base_path)
        if deps is not None and rel is not None:
            deps.add(rel)
        if rel is None or rel not in files:
            if url.split("#", 1)[0].endswith(".md") and "://" not in url:
                continue  # a link to a content file that did not load: reported by the model already
            what = "image" if attribute == "src" else "link"
            problems.append(error(f"{what} to {url}: no such page or file in the site", page.source,
                                  _line(text, url)))
            continue
        if fragment and rel.endswith(".html"):
            ids = ids_cache.get(rel)
            if ids is None:
                data = files[rel]
                ids = ids_cache[rel] = ids_in(data if isinstance(data, bytes) else data.read_bytes())
            if unquote(fragment) not in ids:
                problems.append(error(f"link to {url}: no anchor #{fragment} on that page",
                                      page.source, _line(text, url),
                                      hint="headings, footnotes and diagram ids are anchors"))
    return problems


def _target(page: Page, url: str, origin: str) -> tuple[str | None, str] | None:
    """(site-absolute path or None for this page, fragment) of a link; None if it leaves the site."""
    if url.startswith("#"):
        return None, url[1:]
    if url.startswith(origin + "/"):
        url = url[len(origin):]
    elif not url.startswith("/") or url.startswith("//"):
        parts = urlsplit(urljoin(page.permalink, url))
        if f"{parts.scheme}://{parts.netloc}" != origin:
            return None
        url = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
    path, _, fragment = url.partition("#")
    return path.split("?", 1)[0], fragment


def _line(text: SourceText, url: str) -> int:
    """The line a link stands on; a link rewritten from a .md file is found by its #fragment."""
    path, _, fragment = url.partition("#")
    return text.line_of(f"]({url}", f"({url})", url, path or url, f"#{fragment}" if fragment else "")


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
    import urllib.error
    import urllib.request  # here: http.client and ssl cost every build 13 ms to import, and only this uses them

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
    problems: list[Diagnostic] = []
    for url, uses in links.items():
        problem = cache[url][1]
        if problem:
            problems.extend(error(f"external link {url}: {problem}", source, line) for source, line in uses)
    return problems
