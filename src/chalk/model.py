"""Stage 5: the site model: posts, pages, tags, archive, pagination and the URL map.

Built completely, in memory, before anything is rendered or written. Every
output path is claimed once; two things claiming the same URL is an error that
names both.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any
from urllib.parse import quote, unquote

from markupsafe import Markup

from .config import Config
from .content import Source, slugify
from .diagrams import DiagramSlot, Drawing, fill_slots
from .errors import Diagnostics, error
from .glossary import Glossary, GlossaryEntry, entries as glossary_entries
from .markdown import Rendered, TocEntry, reading_text
from .series import SERIES_DIR, Series, collect_series


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
    template_line: int | None = field(default=None, repr=False)
    slug_line: int = field(default=1, repr=False)  # where the slug comes from: its field, or the top
    content_digest: bytes = field(default=b"", repr=False)  # text_digest(content), kept up to date  # line of a front matter `template:`
    series: Series | None = field(default=None, repr=False)
    series_part: int | None = field(default=None, repr=False)  # 1-based place in its series
    series_prev: "Page | None" = field(default=None, repr=False)
    series_next: "Page | None" = field(default=None, repr=False)
    terms: tuple[str, ...] = field(default=(), repr=False)  # slugs of the glossary terms it uses

    @property
    def lastmod(self) -> datetime | None:
        return self.updated or self.date

    @property
    def feed_content(self) -> Markup:
        """The content for feeds, which have no stylesheet: without the sidenote copies and glossary tooltips."""
        return Markup(reading_text(str(self.content)))


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
    """A generated page: home and its pagination, tags, one tag, archive, 404, feed, sitemap, robots."""

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

    @property
    def renderables(self) -> list[Page | Listing]:
        return [*self.posts, *self.pages, *self.listings]


def url_path(config: Config, *parts: str) -> str:
    """Site-absolute, percent-encoded directory URL: url_path(c, 'posts', 'gan') -> '/blog/posts/gan/'."""
    joined = "/".join(quote(part) for part in parts if part)
    return config.base_path + (joined + "/" if joined else "")


def absolute(config: Config, path: str) -> str:
    """Turn a site-absolute path into a full URL on base_url's origin."""
    origin = config.base_url[: len(config.base_url) - len(config.base_path)]
    return origin + path


def output_file(*parts: str) -> str:
    return "/".join([*(p for p in parts if p), "index.html"])


def text_digest(text: str) -> bytes:
    """A digest of a text, stable across processes (Python's own hash() is not)."""
    return hashlib.blake2b(b"s" + text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class ContentMemo:
    """Each page's finished content, reused while its rendered Markdown (the same object),
    the drawings and the base path are unchanged: the preview server's rebuilds skip the work."""

    entries: dict[str, tuple[Rendered, Any, str, list[DiagramSlot], bytes]] = field(default_factory=dict)


def build_site(config: Config, items: list[tuple[Source, Rendered]], drawings: dict[str, Drawing],
               diagnostics: Diagnostics, glossary: Glossary | None = None,
               memo: ContentMemo | None = None) -> Site:
    """Assemble the model from rendered sources; URL collisions go to ``diagnostics``.

    With a ``glossary`` (the one the Markdown was rendered with) there is a glossary page.
    """
    key = (tuple(sorted(drawings.items())), config.base_path)
    entries = [_make_page(config, source, rendered, drawings, key, memo) for source, rendered in items]
    if memo is not None:
        memo.entries = {p.source: (r, key, p.content, p.diagrams, p.content_digest)
                        for p, (_, r) in zip(entries, items)}
    resolve_source_links(entries, {source.rel: source for source, _ in items}, diagnostics)
    posts = sorted(sorted((p for p in entries if p.kind == "post"), key=lambda p: (p.title, p.source)),
                   key=lambda p: p.date, reverse=True)  # newest first; same day: by title
    pages = sorted((p for p in entries if p.kind == "page"), key=lambda p: p.source)
    _link_neighbours(posts)
    tags = _collect_tags(config, posts, [s for s, _ in items], diagnostics)
    years = [Year(year, list(group)) for year, group in groupby(posts, key=lambda p: p.date.year)]
    series = collect_series(config, [*posts, *pages], {source.rel: source for source, _ in items}, diagnostics,
                            url_path, absolute)
    terms = _glossary_terms(glossary, [*posts, *pages])
    listings = _listings(config, posts, tags) + _toolkit_listings(config, series, glossary, terms)
    _claim_outputs([*posts, *pages, *listings], diagnostics)
    dates = [p.lastmod for p in posts if p.lastmod]
    return Site(config, posts, pages, tags, years, listings,
                [slot for page in [*posts, *pages] for slot in page.diagrams], max(dates) if dates else None,
                series, terms)


_SOURCE_LINK = re.compile(r'(<a\b[^>]*?\bhref=")([^":#?]+\.md)((?:#[^"]*)?")')


def resolve_source_links(pages: list[Page], sources: dict[str, Source], diagnostics: Diagnostics) -> None:
    """Turn links to Markdown files (``[GANs](gans.md#training)``) into the URLs of those pages."""
    by_source = {page.source: page for page in pages}
    for page in pages:
        if ".md" not in page.content:
            continue
        folder = posixpath.dirname(page.source)

        def replace(match: re.Match[str], page: Page = page, folder: str = folder) -> str:
            href = htmllib.unescape(match.group(2))
            wanted = posixpath.normpath(posixpath.join(folder, unquote(href)))
            if href.startswith("/"):
                wanted = posixpath.normpath("content" + unquote(href))
            target = by_source.get(wanted)
            if target is None:
                source = sources[page.source]
                line = next((source.body_line + i for i, text in enumerate(source.body.split("\n")) if href in text),
                            1)
                diagnostics.add(error(f"link to {href}: no such content file ({wanted})", page.source, line,
                                      hint="link to a .md file under content/, relative to this file"))
                return match.group(0)
            return match.group(1) + target.url + match.group(3)

        page.content = Markup(_SOURCE_LINK.sub(replace, page.content))
        page.content_digest = text_digest(page.content)


def _make_page(config: Config, source: Source, rendered: Rendered, drawings: dict[str, Drawing],
               key: Any = None, memo: ContentMemo | None = None) -> Page:
    meta = source.meta
    section = "posts" if source.kind == "post" else ""
    url = url_path(config, section, meta.slug)
    known = memo.entries.get(source.rel) if memo is not None else None
    if known is not None and known[0] is rendered and known[1] == key:
        content, slots, digest = known[2], known[3], known[4]
    else:
        content, slots = fill_slots(rendered.html, list(rendered.slots), drawings, config.base_path)
        digest = text_digest(content)
    return Page(
        kind=source.kind, source=source.rel, title=meta.title, slug=meta.slug, url=url,
        permalink=absolute(config, url), output=output_file(section, meta.slug),
        template=meta.template or f"{source.kind}.html", template_line=meta.lines.get("template"),
        slug_line=meta.lines.get("slug", 1),
        content=content if isinstance(content, Markup) else Markup(content), content_digest=digest,
        summary=meta.summary if meta.summary is not None else rendered.summary,
        date=meta.date, updated=meta.updated, author=meta.author or config.author, draft=meta.draft,
        toc=rendered.toc, show_toc=meta.toc and _heading_count(rendered.toc) >= 2,
        word_count=rendered.word_count, reading_time=rendered.reading_time, extra=meta.extra, diagrams=slots,
        terms=rendered.terms,
    )


def _heading_count(toc: tuple[TocEntry, ...]) -> int:
    return sum(1 + _heading_count(entry.children) for entry in toc)


def _link_neighbours(posts: list[Page]) -> None:
    """posts are newest first: prev is the older neighbour, next the newer one."""
    for index, post in enumerate(posts):
        post.next = posts[index - 1] if index > 0 else None
        post.prev = posts[index + 1] if index + 1 < len(posts) else None


def _collect_tags(config: Config, posts: list[Page], sources: list[Source], diagnostics: Diagnostics) -> list[Tag]:
    lines = {s.rel: s.meta.lines.get("tags", 1) for s in sources}
    names = {s.rel: s.meta.tags for s in sources}
    tags: dict[str, Tag] = {}
    for post in reversed(posts):  # oldest first, so a tag keeps its earliest spelling
        for name in names[post.source]:
            slug = slugify(name)
            if not slug:
                diagnostics.add(error(f"tags: expected a tag with letters or digits, got {name!r}",
                                      post.source, lines[post.source]))
                continue
            tag = tags.get(slug)
            if tag is None:
                url = url_path(config, "tags", slug)
                tag = tags[slug] = Tag(name, slug, url, absolute(config, url))
            if post not in tag.posts:
                tag.posts.insert(0, post)
                post.tags.append(tag)
    return sorted(tags.values(), key=lambda t: t.slug)


def _listings(config: Config, posts: list[Page], tags: list[Tag]) -> list[Listing]:
    def listing(kind: str, title: str, url: str, output: str, template: str, **kw: Any) -> Listing:
        return Listing(kind, title, url, absolute(config, url), output, template, config.description, **kw)

    result = _home_pages(config, posts, listing)
    result.append(listing("tags", "Tags", url_path(config, "tags"), output_file("tags"), "tags.html"))
    for tag in tags:
        result.append(listing("tag", f"Posts tagged “{tag.name}”", tag.url, output_file("tags", tag.slug),
                              "tag.html", tag=tag))
    result.append(listing("archive", "Archive", url_path(config, "archive"), output_file("archive"), "archive.html"))
    result.append(listing("404", "Page not found", config.base_path + "404.html", "404.html", "404.html"))
    for name in ("feed.xml", "sitemap.xml", "robots.txt"):
        result.append(listing(name.split(".")[0], name, config.base_path + name, name, name))
    return result


def _glossary_terms(glossary: Glossary | None, pages: list[Page]) -> tuple[GlossaryEntry, ...]:
    if glossary is None:
        return ()
    return glossary_entries(glossary, pages, {page.source: page.terms for page in pages})


def _toolkit_listings(config: Config, series: list[Series], glossary: Glossary | None,
                      terms: tuple[GlossaryEntry, ...]) -> list[Listing]:
    """A page per series and the series index (when there are series), and the glossary page."""
    result = []
    if series:
        url = url_path(config, SERIES_DIR)
        result.append(Listing("series-index", "Series", url, absolute(config, url), output_file(SERIES_DIR),
                              "series-index.html", config.description, series_list=series))
    for item in series:
        result.append(Listing("series", item.title, item.url, item.permalink, output_file(SERIES_DIR, item.slug),
                              "series.html", item.description or config.description, series=item,
                              draft=all(part.draft for part in item.parts)))
    if glossary is not None:
        url = url_path(config, "glossary")
        result.append(Listing("glossary", "Glossary", url, absolute(config, url), output_file("glossary"),
                              "glossary.html", "The terms used on this site, with short definitions.",
                              glossary=terms))
    return result


def _home_pages(config: Config, posts: list[Page], listing: Any) -> list[Listing]:
    size = config.posts_per_page
    chunks = [posts[i:i + size] for i in range(0, len(posts), size)] or [[]]
    urls = [url_path(config)] + [url_path(config, "page", str(n)) for n in range(2, len(chunks) + 1)]
    outputs = [output_file()] + [output_file("page", str(n)) for n in range(2, len(chunks) + 1)]
    return [
        listing("index", config.title if n == 1 else f"{config.title} — page {n}", urls[n - 1], outputs[n - 1],
                "index.html", paginator=Paginator(chunk, n, len(chunks), urls[0],
                                                  urls[n - 2] if n > 1 else None,
                                                  urls[n] if n < len(chunks) else None))
        for n, chunk in enumerate(chunks, start=1)
    ]


def _claim_outputs(items: list[Page | Listing], diagnostics: Diagnostics) -> None:
    claimed: dict[str, Page | Listing] = {}
    for item in items:
        other = claimed.setdefault(item.output, item)
        if other is not item:
            diagnostics.add(error(f"{_name(item)} and {_name(other)} both want the URL {item.url}",
                                  getattr(item, "source", ""), item.slug_line if isinstance(item, Page) else None,
                                  hint="give one of them another slug: in its front matter"))


def _name(item: Page | Listing) -> str:
    return item.source if isinstance(item, Page) else f"the {item.kind} page"
