"""The site model's data: pages, tags, series, glossary entries, listings and the site itself.

Plain dataclasses that templates read; :mod:`chalk.model.build` fills them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from ..byline import Author, Update
from ..config import Config
from ..glossary import Term
from ..markdown import TocEntry
from ..markdown.diagrams import DiagramSlot
from ..markdown.text import reading_text
from ..drawing.svg import feed_html


@dataclass(eq=False)
class Tag:
    name: str
    slug: str
    url: str
    permalink: str
    posts: list["Page"] = field(default_factory=list, repr=False)


@dataclass(eq=False)
class Year:
    year: int
    posts: list["Page"] = field(repr=False)


@dataclass(frozen=True)
class SocialImage:
    """The page's Open Graph / Twitter image: an absolute URL and its size (see chalk.images)."""

    url: str
    width: int
    height: int
    alt: str


@dataclass(eq=False)
class Page:
    """A post (kind 'post', dated, listed) or a plain page (kind 'page')."""

    kind: str
    source: str
    title: str
    slug: str
    url: str
    permalink: str
    output: str
    template: str
    content: str = field(repr=False)
    summary: str
    date: datetime | None
    updated: datetime | None
    author: str
    draft: bool
    toc: tuple[TocEntry, ...] = field(repr=False)
    show_toc: bool
    word_count: int
    reading_time: int
    extra: dict[str, Any] = field(repr=False)
    diagrams: list[DiagramSlot] = field(repr=False)
    tags: list[Tag] = field(default_factory=list, repr=False)
    prev: "Page | None" = field(default=None, repr=False)
    next: "Page | None" = field(default=None, repr=False)
    template_line: int | None = field(default=None, repr=False)  # line of a front matter `template:`
    slug_line: int = field(default=1, repr=False)  # where the slug comes from: its field, or the top
    content_digest: bytes = field(default=b"", repr=False)  # stands for content (Content.digest), kept up to date
    # False when the content certainly holds no <img>, no link to a .md or .ipynb source (chalk.markdown.Rendered)
    has_images: bool = field(default=True, repr=False)
    has_source_links: bool = field(default=True, repr=False)
    series: Series | None = field(default=None, repr=False)
    series_part: int | None = field(default=None, repr=False)  # 1-based place in its series
    series_prev: "Page | None" = field(default=None, repr=False)
    series_next: "Page | None" = field(default=None, repr=False)
    terms: tuple[str, ...] = field(default=(), repr=False)  # slugs of the glossary terms it uses
    authors: tuple[Author, ...] = field(default=(), repr=False)  # front matter `authors:`, else the author
    updates: tuple[Update, ...] = field(default=(), repr=False)  # oldest first
    references: tuple[Any, ...] = field(default=(), repr=False)  # chalk.references.Reference, in style order
    cite: Any = field(default=None, repr=False)  # posts: chalk.model.citethis.CiteThis
    categories: tuple[str, ...] = field(default=(), repr=False)  # Jekyll/Hugo categories, as written
    aliases: tuple[str, ...] = field(default=(), repr=False)  # old URLs that redirect here (site-absolute)
    aliases_line: int = field(default=1, repr=False)  # the line of its `aliases:` field
    social_image: SocialImage | None = field(default=None, repr=False)  # set by chalk.images
    image: str | None = field(default=None, repr=False)  # front matter image: / image_alt: (and its line)
    image_alt: str | None = field(default=None, repr=False)
    image_line: int = field(default=1, repr=False)

    @property
    def lastmod(self) -> datetime | None:
        return self.updated or self.date

    @property
    def feed_content(self) -> Markup:
        """The content for feeds, which have no stylesheet: without the sidenote copies and glossary tooltips."""
        return Markup(feed_html(reading_text(str(self.content))))


@dataclass(eq=False)
class Paginator:
    items: list[Page]
    number: int
    total: int
    first_url: str
    prev_url: str | None
    next_url: str | None


@dataclass(eq=False)
class Listing:
    """A generated page: home and its pagination, tags, one tag, archive, 404, feed, sitemap, robots,
    and the redirect page of each alias (kind 'alias')."""

    kind: str
    title: str
    url: str
    permalink: str
    output: str
    template: str
    summary: str = ""
    paginator: Paginator | None = None
    tag: Tag | None = None
    draft: bool = False
    series: Series | None = None  # kind 'series': the series shown
    series_list: list[Series] = field(default_factory=list, repr=False)  # kind 'series-index'
    glossary: tuple[GlossaryEntry, ...] = field(default=(), repr=False)  # kind 'glossary'
    target: Page | None = field(default=None, repr=False)  # kind 'alias': the page an old URL redirects to


@dataclass(eq=False)
class Site:
    """Everything templates can see about the site."""

    config: Config
    posts: list[Page]
    pages: list[Page]
    tags: list[Tag]
    years: list[Year]
    listings: list[Listing]
    slots: list[DiagramSlot]
    build_date: datetime | None
    series: list[Series] = field(default_factory=list)
    glossary: tuple[GlossaryEntry, ...] = ()
    own: dict[str, Any] = field(default_factory=dict, repr=False)  # chalk.model.build.OwnFields by source

    @property
    def renderables(self) -> list[Page | Listing]:
        return [*self.posts, *self.pages, *self.listings]


@dataclass(eq=False)
class Series:
    """A multi-part explainer: its parts in reading order."""

    name: str  # as the earliest part spells it in front matter
    slug: str
    title: str
    description: str
    url: str
    permalink: str
    parts: list["Page"] = field(default_factory=list, repr=False)

    @property
    def count(self) -> int:
        return len(self.parts)

    @property
    def first(self) -> "Page | None":
        return self.parts[0] if self.parts else None

    @property
    def lastmod(self) -> datetime | None:
        dates = [p.lastmod for p in self.parts if p.lastmod]
        return max(dates) if dates else None


@dataclass(frozen=True)
class GlossaryEntry:
    """A term as the glossary page shows it: with the articles that use it."""

    term: Term
    pages: tuple["Page", ...]  # in site order

    @property
    def name(self) -> str:
        return self.term.name

    @property
    def anchor(self) -> str:
        return self.term.anchor

    @property
    def definition(self) -> str:
        return self.term.definition

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.term.aliases
