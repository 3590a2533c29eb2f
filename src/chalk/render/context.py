"""The ``site`` variable every template sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .. import __version__
from ..config import MenuItem
from ..model import Page, Site, Tag, Year
from ..markdown.diagrams import DiagramSlot


@dataclass(frozen=True)
class SiteContext:
    """The ``site`` variable of every template."""

    title: str
    description: str
    author: str
    language: str
    base_url: str
    base_path: str
    menu: tuple[MenuItem, ...]
    params: dict[str, Any]
    posts: list[Page]
    pages: list[Page]
    tags: list[Tag]
    years: list[Year]
    slots: list[DiagramSlot]
    build_date: datetime
    generator: str
    search: bool = False
    listings: list[Any] = field(default_factory=list)  # generated pages (series, glossary...) for the sitemap


SITEMAP_LISTINGS = ("series-index", "series", "glossary")  # generated pages the sitemap lists besides tags


def site_context(site: Site, search: bool = False) -> SiteContext:
    """``search``: whether the theme shows the search box (see chalk.search.search_enabled)."""
    c = site.config
    return SiteContext(
        title=c.title, description=c.description, author=c.author, language=c.language, base_url=c.base_url,
        base_path=c.base_path, menu=c.menu, params=c.params, posts=site.posts, pages=site.pages, tags=site.tags,
        years=site.years, slots=site.slots, build_date=site.build_date or datetime(1970, 1, 1, tzinfo=timezone.utc),
        generator=f"chalk {__version__}", search=search,
        listings=[item for item in site.listings if item.kind in SITEMAP_LISTINGS],
    )
