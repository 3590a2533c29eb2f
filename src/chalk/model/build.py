"""Stage 5: the site model: posts, pages, tags, archive, pagination and the URL map.

Built completely, in memory, before anything is rendered or written. Every
output path is claimed once; two things claiming the same URL is an error that
names both.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any, Mapping

from ..byline import Author
from ..config import Config
from ..content import Source, slugify
from ..drawing import Drawn
from ..errors import Diagnostics, error
from ..glossary import Glossary
from ..markdown import Rendered, TocEntry
from .citethis import cite_this
from .drawings import Content, Drawing, fill_content
from .glossary import entries as glossary_entries
from .links import resolve_source_links
from .series import SERIES_DIR, collect_series
from .site import GlossaryEntry, Listing, Page, Paginator, Series, Site, Tag, Year
from .urls import absolute, output_file, own_output, own_url, url_path


@dataclass(frozen=True)
class OwnFields:
    """What a page holds of its own (all but its links to other pages), and what it was made of:
    the next model takes the very same values while those are the same (chalk serve)."""

    source: Source
    content: Content
    rendered: Rendered
    config: Config
    fields: dict[str, Any]


def build_site(config: Config, items: list[tuple[Source, Rendered]], drawings: dict[str, Drawing],
               diagnostics: Diagnostics, glossary: Glossary | None = None,
               contents: Mapping[str, Content] | None = None,
               drawn: dict[tuple[str, str], Drawn] | None = None,
               earlier: Mapping[str, OwnFields] | None = None) -> Site:
    """Assemble the model from rendered sources; URL collisions go to ``diagnostics``.

    With a ``glossary`` (the one the Markdown was rendered with) there is a glossary page;
    ``drawn`` holds the drawings made from diagram text, by (article path, slot id).
    ``contents`` may give each source's finished HTML, worked out before (else it is made here).
    ``earlier`` is the :attr:`Site.own` of a model built before, whose pages' own fields are
    taken over where they were made of the same source, content, rendering and configuration;
    without it (None: no model will follow this one) :attr:`Site.own` stays empty, so the
    renderings are not kept alive for nothing.
    """
    known, own = contents or {}, _OwnFieldsOf(config, earlier)
    entries = [own.page(source, known.get(source.rel) or fill_content(rendered, drawings, config.base_path, drawn),
                        rendered) for source, rendered in items]
    resolve_source_links(entries, {source.rel: source for source, _ in items}, diagnostics, config.root)
    posts = sorted(sorted((p for p in entries if p.kind == "post"), key=lambda p: (p.title, p.source)),
                   key=_dated, reverse=True)  # newest first; same day: by title
    pages = sorted((p for p in entries if p.kind == "page"), key=lambda p: p.source)
    _link_neighbours(posts)
    tags = _collect_tags(config, posts, [s for s, _ in items], diagnostics)
    years = [Year(year, list(group)) for year, group in groupby(posts, key=lambda p: _dated(p).year)]
    series = collect_series(config, [*posts, *pages], {source.rel: source for source, _ in items}, diagnostics)
    terms = _glossary_terms(glossary, [*posts, *pages])
    listings = _listings(config, posts, tags) + _toolkit_listings(config, series, glossary, terms) \
        + _alias_listings(config, [*posts, *pages])
    _claim_outputs([*posts, *pages, *listings], diagnostics)
    dates = [p.lastmod for p in posts if p.lastmod]
    return Site(config, posts, pages, tags, years, listings,
                [slot for page in [*posts, *pages] for slot in page.diagrams], max(dates) if dates else None,
                series, terms, own.made)


class _OwnFieldsOf:
    """Pages made with their own fields worked out anew, or taken over from ``earlier``."""

    def __init__(self, config: Config, earlier: Mapping[str, OwnFields] | None):
        self.config, self.earlier = config, earlier or {}
        self.remember = earlier is not None  # a next model will take them over
        self.same_config: dict[int, bool] = {}  # by id of an earlier model's configuration: equal to this one?
        self.made: dict[str, OwnFields] = {}

    def page(self, source: Source, content: Content, rendered: Rendered) -> Page:
        was = self.earlier.get(source.rel)
        if was is not None and was.source is source and was.content is content and was.rendered is rendered \
                and self._same_config(was.config):
            fields = was.fields
        else:
            fields = _own_fields(self.config, source, content, rendered)
        if self.remember:
            self.made[source.rel] = OwnFields(source, content, rendered, self.config, fields)
        return Page(**fields)

    def _same_config(self, config: Config) -> bool:
        same = self.same_config.get(id(config))
        if same is None:
            same = self.same_config[id(config)] = config is self.config or config == self.config
        return same


def _own_fields(config: Config, source: Source, content: Content, rendered: Rendered) -> dict[str, Any]:
    """A page's own fields, and its "cite this" (made of them and the configuration)."""
    page = _make_page(config, source, content, rendered)
    return {field.name: getattr(page, field.name) for field in dataclasses.fields(Page) if field.name not in _LINKS}


# filled in after a page is made (its links to other pages, its social image): each new page starts
# from its own defaults, so no list (a page's tags) is ever shared by two models
_LINKS = frozenset({"tags", "prev", "next", "series", "series_part", "series_prev", "series_next", "social_image"})


def _make_page(config: Config, source: Source, content: Content, rendered: Rendered) -> Page:
    meta = source.meta
    section = "posts" if source.kind == "post" else ""
    url, output = url_path(config, section, meta.slug), output_file(section, meta.slug)
    if meta.url is not None:  # its own URL, from `url:` or `permalink:`
        url, output = own_url(config, meta.url)
    author = meta.author or (", ".join(a.name for a in meta.authors) if meta.authors else config.author)
    updated = max([d for d in (meta.updated, *(u.date for u in meta.updates)) if d is not None], default=None)
    page = Page(
        kind=source.kind, source=source.rel, title=meta.title, slug=meta.slug, url=url,
        permalink=absolute(config, url), output=output,
        template=meta.template or f"{source.kind}.html", template_line=meta.lines.get("template"),
        slug_line=meta.lines.get("url", meta.lines.get("permalink", meta.lines.get("slug", 1))),
        content=content.html, content_digest=content.digest,
        has_images=content.has_images, has_source_links=content.has_source_links,
        summary=meta.summary if meta.summary is not None else rendered.summary,
        date=meta.date, updated=updated, author=author, draft=meta.draft,
        toc=rendered.toc, show_toc=meta.toc and _two_headings_or_more(rendered.toc),
        word_count=rendered.word_count, reading_time=rendered.reading_time, extra=meta.extra,
        diagrams=list(content.slots), terms=rendered.terms, authors=meta.authors or ((Author(author),) if author else ()),
        updates=meta.updates, references=rendered.references, categories=meta.categories,
        aliases=tuple(own_url(config, alias)[0] for alias in meta.aliases), aliases_line=meta.lines.get("aliases", 1),
        image=meta.image, image_alt=meta.image_alt, image_line=meta.lines.get("image", 1),
    )
    if page.kind == "post":
        page.cite = cite_this(config, page)
    return page


def _dated(post: Page) -> datetime:
    """A post's date (content validation requires one for every post)."""
    assert post.date is not None, post.source
    return post.date


def _two_headings_or_more(toc: tuple[TocEntry, ...]) -> bool:
    """A table of contents worth showing: two headings, at any levels (without counting them all)."""
    return len(toc) >= 2 or (len(toc) == 1 and bool(toc[0].children))


def _link_neighbours(posts: list[Page]) -> None:
    """posts are newest first: prev is the older neighbour, next the newer one."""
    for index, post in enumerate(posts):
        post.next = posts[index - 1] if index > 0 else None
        post.prev = posts[index + 1] if index + 1 < len(posts) else None


def _collect_tags(config: Config, posts: list[Page], sources: list[Source], diagnostics: Diagnostics) -> list[Tag]:
    lines = {s.rel: s.meta.lines.get("tags", 1) for s in sources}
    names = {s.rel: s.meta.tags for s in sources}
    tags: dict[str, Tag] = {}
    slugs: dict[str, str] = {}  # the same few names come back on many posts
    for post in reversed(posts):  # oldest first, so a tag keeps its earliest spelling
        for name in names[post.source]:
            slug = slugs.get(name)
            if slug is None:
                slug = slugs[name] = slugify(name)
            if not slug:
                diagnostics.add(error(f"tags: expected a tag with letters or digits, got {name!r}",
                                      post.source, lines[post.source]))
                continue
            tag = tags.get(slug)
            if tag is None:
                url = url_path(config, "tags", slug)
                tag = tags[slug] = Tag(name, slug, url, absolute(config, url))
            if tag not in post.tags:  # two spellings of one tag on a post
                tag.posts.append(post)
                post.tags.append(tag)
    for tag in tags.values():
        tag.posts.reverse()  # newest first, as the posts are
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


def _alias_listings(config: Config, pages: list[Page]) -> list[Listing]:
    """A redirect page at each old URL a page names in ``aliases`` (Hugo's alias pages)."""
    result = []
    for page in pages:
        for url in page.aliases:
            output = own_output(url, config.base_path)
            result.append(Listing("alias", page.title, url, absolute(config, url), output, "alias.html",
                                  page.summary, draft=page.draft, target=page))
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
            path, line = _where(item)
            diagnostics.add(error(f"{_name(item)} and {_name(other)} both want the URL {item.url}", path, line,
                                  hint="give one of them another slug:, url: or alias in its front matter"))


def _where(item: Page | Listing) -> tuple[str, int | None]:
    if isinstance(item, Page):
        return item.source, item.slug_line
    if item.target is not None:  # an alias: the line of `aliases:` in the page that names it
        return item.target.source, item.target.aliases_line
    return "", None


def _name(item: Page | Listing) -> str:
    if isinstance(item, Page):
        return item.source
    if item.target is not None:
        return f"{item.target.source} (alias {item.url})"
    return f"the {item.kind} page"
