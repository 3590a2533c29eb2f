"""One build's image step, between the model (5) and rendering (6): publish page-bundle
resources, make (or find in the cache) every variant and card, rewrite each page's images
and set its social image. Output files are paths into the cache; nothing is written to the
site folder here.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Protocol
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from ..config import Config
from ..digest import text_digest
from ..errors import Diagnostics, error, warning
from ..model import Page, Site
from ..model.drawings import intrinsic_size
from ..model.site import SocialImage
from .html import Plain, Responsive, rewrite_images
from .sources import Use, beside_flat_post, bundle_files, image_sources, page_folder, site_rel, url_of

INSTALL = "pip install 'chalk-ssg[images]'"
RASTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif")
CARD_SIZE = (1200, 630)


@dataclass
class ImageStats:
    """What the image step did: ``made`` files were made anew, ``reused`` found in the cache."""

    sources: int = 0
    made: int = 0
    reused: int = 0
    jobs: int = 0


@dataclass
class ImageWork:
    files: dict[str, Path] = field(default_factory=dict)
    stats: ImageStats = field(default_factory=ImageStats)


class Lines(Protocol):
    """A page's Markdown text, to find the line a src stands on (chalk.check.SourceText)."""

    def line_of(self, *needles: str) -> int: ...


class _NoText:
    def line_of(self, *needles: str) -> int:
        return 1


def publish_images(site: Site, files: dict[str, bytes | Path], texts: Mapping[str, Lines],
                   diagnostics: Diagnostics, jobs: int | None = None) -> ImageWork:
    """Bundle resources, variants and cards as output files; pages rewritten in place."""
    config = site.config
    pages = [*site.posts, *site.pages]
    work = ImageWork(bundle_files(config, pages, files, diagnostics))
    available = {rel: f for rel, f in files.items() if isinstance(f, Path)} | work.files
    uses = _uses(pages, available, texts, config, diagnostics)
    lookups: dict[str, Responsive | Plain] = {}
    if config.images.enabled and _pillow_work(config, pages, uses) and _pillow(config, diagnostics):
        from .pillow_step import make_all  # Pillow is imported only when it is there

        made = make_all(config, pages, uses, available, jobs or os.cpu_count() or 1, diagnostics)
        work.files.update(made.files)
        work.stats = made.stats
        lookups.update(made.lookups)
        for page in pages:
            page.social_image = made.social.get(page.source)
    for use in uses:
        lookups.setdefault(use.rel, _plain(use, config))
    _rewrite(pages, uses, lookups, config)
    _budget(uses, lookups, {**available, **work.files}, config, diagnostics)
    return work


def _pillow_work(config: Config, pages: list[Page], uses: list[Use]) -> bool:
    """Whether there is anything for Pillow to make: variants of raster images, a page's own
    social image, or cards (without any, Pillow is not even imported)."""
    return config.images.cards or any(page.image for page in pages) \
        or any(use.file.suffix.lower() in RASTER_SUFFIXES for use in uses)


def _pillow(config: Config, diagnostics: Diagnostics) -> bool:
    """Whether Pillow is installed; if not, an error (images: configured) or a warning that the
    images are published as they are."""
    try:
        import PIL  # noqa: F401
    except ImportError:
        pass
    else:
        return True
    if config.images.configured:
        diagnostics.add(error("images: resizing images and drawing social cards needs Pillow, which is not "
                              "installed", "site.yaml", hint=f"{INSTALL}, or set images: false"))
    else:
        diagnostics.add(warning("images are published as they are, without AVIF/WebP variants or social "
                                "cards: Pillow is not installed", "site.yaml",
                                hint=f"{INSTALL}, or set images: false to say so"))
    return False


def _uses(pages: list[Page], available: dict[str, Path], texts: Mapping[str, Lines], config: Config,
          diagnostics: Diagnostics) -> list[Use]:
    """Every image of every page that is a file of the site; flat posts' neighbours are warned about."""
    uses = []
    for page in pages:
        if not page.has_images:
            continue
        text = texts.get(page.source) or _NoText()
        for src in image_sources(str(page.content)):
            rel = site_rel(src, page, config)
            line = text.line_of(f"]({src}", src)
            if rel is not None and rel in available:
                uses.append(Use(rel, available[rel], page, line, src))
                continue
            beside = beside_flat_post(src, page, config)
            if beside is not None:
                slug = posixpath.basename(page_folder(page))
                diagnostics.add(warning(
                    f"image {src} sits beside {page.source}, where it is not published", page.source, line,
                    hint=f"make the post a page bundle, content/posts/{slug}/index.md with {src} beside it, "
                         "or put the image under static/"))
    return uses


def _plain(use: Use, config: Config) -> Plain:
    width, height = intrinsic_size(use.file)
    return Plain(width, height, url_of(use.rel, config))


def _rewrite(pages: list[Page], uses: list[Use], lookups: dict[str, Responsive | Plain], config: Config) -> None:
    by_page: dict[str, dict[str, Responsive | Plain]] = {}
    for use in uses:
        by_page.setdefault(use.page.source, {})[use.src] = lookups[use.rel]
    for page in pages:
        if not page.has_images:
            continue
        known = by_page.get(page.source, {})
        result = rewrite_images(str(page.content), known.get)
        if result.images:
            page.content = Markup(result.html)
            page.content_digest = text_digest(page.content)


def _budget(uses: list[Use], lookups: dict[str, Responsive | Plain], files: dict[str, Any], config: Config,
            diagnostics: Diagnostics) -> None:
    """images: max_kb: a warning per page and image heavier than the budget, as a reader loads it."""
    limit = config.images.max_kb
    seen: set[tuple[str, str]] = set()
    for use in uses:
        found = lookups[use.rel]
        served = _largest_served(found, files, config) or use.file
        size = served.stat().st_size if isinstance(served, Path) else 0
        if size > limit * 1024 and (use.page.source, use.rel) not in seen:
            seen.add((use.page.source, use.rel))
            diagnostics.add(warning(f"image {use.src} is {size // 1024} KB, over the budget of {limit} KB",
                                    use.page.source, use.line,
                                    hint="use a smaller or more compressed image, or raise images: max_kb"))


def _largest_served(found: Responsive | Plain, files: dict[str, Any], config: Config) -> Path | None:
    if isinstance(found, Plain):
        return None
    biggest = found.srcset.split(", ")[-1].rsplit(" ", 1)[0]
    rel = urlsplit(biggest).path[len(config.base_path):]
    target = files.get(unquote(rel))
    return target if isinstance(target, Path) else None


__all__ = ["ImageStats", "ImageWork", "SocialImage", "publish_images"]
