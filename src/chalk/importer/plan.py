"""What an import will write: documents, files to copy, site.yaml; gathered before anything is written."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content import slugify, url_path as parse_url_path
from .document import Document
from .links import Links
from .report import DROPPED, LEFT, ImportReport, Item


@dataclass
class Plan:
    """Everything read from SRC; :func:`chalk.importer.write_plan` writes it into DEST."""

    engine: str  # "Jekyll" or "Hugo"
    src: Path
    site: dict[str, Any]  # site.yaml
    docs: list[Document] = field(default_factory=list)
    files: list[tuple[Path, str]] = field(default_factory=list)  # (file in SRC, path in DEST)
    links: Links = field(default_factory=Links)
    items: list[Item] = field(default_factory=list)  # found while reading SRC (not in a body)
    heading_ids: str = "gfm"  # how the old engine made heading ids: "gfm" or "kramdown"
    excerpt_separator: str = ""  # Jekyll's own summary divider, when it is not <!--more--> or a blank line
    math_is_markdown: bool = True  # Hugo: goldmark read formulas as Markdown (no passthrough extension)

    def left(self, path: str, what: str, why: str, line: int | None = None) -> None:
        self.items.append(Item(path, line, what, why, LEFT))

    def dropped(self, path: str, what: str, why: str, line: int | None = None) -> None:
        self.items.append(Item(path, line, what, why, DROPPED))

    def keep_url(self, meta: dict[str, Any], src: str) -> None:
        """A ``url`` that chalk would refuse (``..``, a scheme, ``?``) is left out, with a note."""
        if meta.get("url") and not is_site_path(str(meta["url"])):
            self.left(src, f"url: {meta.pop('url')}", "not a path inside the site; the page gets chalk's own URL")

    def asset(self, path: Path, site_path: str) -> None:
        """Copy ``path`` to static/, where chalk publishes it at ``site_path`` (/assets/x.png)."""
        self.files.append((path, "static" + site_path))
        self.links.assets.add(site_path)

    def report(self) -> ImportReport:
        report = ImportReport(self.engine)
        report.posts = sum(1 for d in self.docs if d.kind == "post")
        report.pages = sum(1 for d in self.docs if d.kind == "page")
        report.drafts = sum(1 for d in self.docs if d.meta.get("draft"))
        report.assets = len(self.files)
        report.redirects = sum(len(d.meta.get("aliases", ())) for d in self.docs)
        report.items = list(self.items)
        return report


def walk(root: Path, skip_dirs: tuple[str, ...] = ()) -> list[str]:
    """Every file under ``root`` as a posix path relative to it, sorted; symbolic links are not followed."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        dirnames[:] = sorted(d for d in dirnames if posixpath.join(rel_dir, d) not in skip_dirs
                             and not os.path.islink(os.path.join(dirpath, d)))
        for name in filenames:
            if not os.path.islink(os.path.join(dirpath, name)):
                found.append(posixpath.join(rel_dir, name))
    return sorted(found)


def title_from(slug: str) -> str:
    """Jekyll's title for a post without one: its slug, words capitalised."""
    return " ".join(word.capitalize() for word in slug.replace("_", "-").split("-") if word) or slug


def chalk_url(kind: str, slug: str, url: str | None) -> str:
    """The site path chalk gives a document (mirrors chalk.model.build without a Config)."""
    if url:
        path = url.strip("/")
        return "/" + path + ("" if path.lower().endswith((".html", ".htm")) else "/")
    return ("/posts/" if kind == "post" else "/") + slugify(slug) + "/"


def is_site_path(url: str) -> bool:
    """Whether chalk accepts ``url`` as a page's ``url:`` or alias."""
    try:
        parse_url_path(url)
    except (TypeError, ValueError):
        return False
    return True


def add_alias(meta: dict[str, Any], old_url: str, new_url: str) -> None:
    """Keep the old address working: a redirect page at ``old_url`` (when it differs)."""
    if not old_url or old_url.rstrip("/") == new_url.rstrip("/") or old_url == "/" or not is_site_path(old_url):
        return
    aliases = list(meta.get("aliases") or [])
    if old_url not in aliases:
        aliases.append(old_url)
    meta["aliases"] = aliases
