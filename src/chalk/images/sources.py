"""Which files a page's images and links are: page-bundle resources, static files, and the
``src`` of every ``<img>`` resolved against the page's URL to one of them."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..config import Config
from ..content import BUNDLE_INDEX, bundle_resources
from ..errors import Diagnostics, error
from ..model import Page

_SRC = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)


@dataclass(frozen=True)
class Use:
    """One image on one page: the file, where the page says it, and the src as written."""

    rel: str  # the file's output path (relative to the site root)
    file: Path
    page: Page
    line: int
    src: str


def page_folder(page: Page) -> str:
    """The output folder of a page ('posts/x' for posts/x/index.html)."""
    return posixpath.dirname(page.output)


def bundle_files(config: Config, pages: list[Page], taken: dict[str, bytes | Path],
                 diagnostics: Diagnostics) -> dict[str, Path]:
    """Output path -> file for every page bundle's resources, published in the page's folder."""
    found: dict[str, Path] = {}
    content_dir = config.content_dir
    for page in pages:
        if posixpath.basename(page.source) != BUNDLE_INDEX:  # told from the name: no Path for most pages
            continue
        source = config.root / page.source
        for path in bundle_resources(source, content_dir):
            rel = posixpath.join(page_folder(page), path.relative_to(source.parent).as_posix())
            if rel in taken or rel in found:
                other = f"static/{rel}" if rel in taken else found[rel].relative_to(config.root).as_posix()
                diagnostics.add(error(f"{path.relative_to(config.root).as_posix()} and {other} both want {rel}",
                                      page.source, hint="rename one of them"))
                continue
            found[rel] = path
    return found


_ANY_IMG = re.compile(r"<img", re.I)

def image_sources(html: str) -> list[str]:
    """The src of every <img>, entities decoded."""
    import html as htmllib

    if not _ANY_IMG.search(html):  # most pages: one quick scan instead of the full pattern
        return []
    return [htmllib.unescape(m.group(1) if m.group(1) is not None else m.group(2)) for m in _SRC.finditer(html)]


def site_rel(src: str, page: Page, config: Config) -> str | None:
    """The output path a src points to, or None if it leaves the site (or is a data: URL)."""
    origin = config.base_url[: len(config.base_url) - len(config.base_path)]
    if not src or src.startswith(("data:", "//", "#")):
        return None
    if src.startswith(origin + "/"):
        src = src[len(origin):]
    elif urlsplit(src).scheme:
        return None
    path = unquote(urlsplit(urljoin(page.url, src)).path)
    if not path.startswith(config.base_path) or ".." in path.split("/"):
        return None
    return path[len(config.base_path):]


def url_of(rel: str, config: Config) -> str:
    return config.base_path + quote(rel)


def beside_flat_post(src: str, page: Page, config: Config) -> Path | None:
    """A file next to a flat ``content/posts/x.md`` that its relative src names (never published)."""
    if src.startswith("/") or urlsplit(src).scheme or page.source.endswith("/index.md"):
        return None
    candidate = (config.root / page.source).parent / unquote(src.split("?")[0].split("#")[0])
    try:
        inside = candidate.resolve().is_relative_to(config.content_dir.resolve())
    except OSError:
        return None
    return candidate if inside and candidate.is_file() else None
