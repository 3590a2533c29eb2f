"""Stage 6: the site model -> page bytes, through one Jinja2 environment.

Autoescape is on for HTML and XML templates (feeds and the sitemap are
templates too) and undefined names are errors, reported as
``templates/x.html:LINE: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

import hashlib

import jinja2

from . import __version__
from .config import Config
from .theme import builtin_theme_dir
from .errors import Diagnostic, Diagnostics, error
from .search import search_enabled
from .model import Listing, Page, Paginator, Series, Site, Tag, Year, absolute, text_digest


@dataclass(frozen=True)
class SiteContext:
    """The ``site`` variable of every template."""

    title: str
    description: str
    author: str
    language: str
    base_url: str
    base_path: str
    menu: tuple[Any, ...]
    params: dict[str, Any]
    posts: list[Page]
    pages: list[Page]
    tags: list[Any]
    years: list[Any]
    slots: list[Any]
    build_date: datetime
    generator: str
    search: bool = False
    listings: list[Any] = field(default_factory=list)  # generated pages (series, glossary...) for the sitemap


Fact = tuple[str, str]  # (model object key, attribute name)


@dataclass
class Reads:
    """What one page's rendering read: model facts with the values seen, and template names."""

    facts: dict[Fact, bytes] = field(default_factory=dict)  # fact -> fingerprint of the value seen
    templates: set[str] = field(default_factory=set)


def object_key(obj: Any) -> str | None:
    """A name for a model object that stays the same across builds."""
    if isinstance(obj, Page):
        return "page:" + obj.source
    if isinstance(obj, Listing):
        return "listing:" + obj.output
    if isinstance(obj, Tag):
        return "tag:" + obj.slug
    if isinstance(obj, Year):
        return f"year:{obj.year}"
    if isinstance(obj, SiteContext):
        return "site"
    if isinstance(obj, Paginator):
        return f"paginator:{obj.number}"
    if isinstance(obj, Series):
        return "series:" + obj.slug
    return None


def comparable(value: Any) -> Any:
    """A value that can be compared with ``==`` across builds: model objects become their keys."""
    if isinstance(value, jinja2.Undefined):
        return ("undefined",)
    key = object_key(value)
    if key is not None:
        return ("ref", key)
    if isinstance(value, (list, tuple)):
        return tuple(comparable(item) for item in value)
    return value


def fingerprint(value: Any) -> bytes:
    """A digest of what a template saw, stable across processes (Python's own hash() is not)."""
    if isinstance(value, str):  # the common case, and the large one (page.content): no repr()
        return text_digest(value)
    data = repr(comparable(value)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


_IMMUTABLE = (str, tuple, int, float, date, frozenset)


def fact_fingerprint(obj: Any, attribute: str, value: Any,
                     known: dict[int, tuple[Any, bytes]] | None = None) -> bytes:
    """fingerprint(value), known in advance for a page's content (the biggest value by far), and
    remembered in ``known`` by identity for immutable values: unchanged sources hand the same
    title, date and toc objects to every rebuild."""
    if attribute == "content" and isinstance(obj, Page) and obj.content_digest:
        return obj.content_digest
    if known is None or not isinstance(value, _IMMUTABLE):
        return fingerprint(value)
    hit = known.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    digest = fingerprint(value)
    known[id(value)] = (value, digest)  # the reference keeps the id from being reused
    return digest


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that can record which model attributes and templates a render reads.

    Jinja compiles every ``a.b`` and ``a[b]`` to ``environment.getattr``/``getitem`` and
    every extends/include/import to ``get_template``, so recording them here gives each
    page's exact inputs; the preview server re-renders only pages whose inputs changed.
    """

    reads: Reads | None = None
    digests: dict[int, tuple[Any, bytes]] | None = None  # see fact_fingerprint

    def getattr(self, obj: Any, attribute: str) -> Any:
        value = super().getattr(obj, attribute)
        self._record(obj, attribute, value)
        return value

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        if isinstance(argument, str):
            self._record(obj, argument, value)
        return value

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:
        if self.reads is not None and isinstance(name, str):
            self.reads.templates.add(name)
        return super().get_template(name, parent, globals)

    def _record(self, obj: Any, attribute: str, value: Any) -> None:
        if self.reads is not None:
            key = object_key(obj)
            if key is not None:
                self.reads.facts[(key, attribute)] = fact_fingerprint(obj, attribute, value, self.digests)


def template_folders(config: Config) -> list[Path]:
    """Where templates are looked up: the site's own first, then chalk's built-in theme."""
    return [f for f in (config.templates_dir, builtin_theme_dir() / "templates") if f.is_dir()]


def template_files(config: Config) -> list[tuple[str, str]]:
    """(folder, name) of every template file: which file each name resolves to may change."""
    return sorted((str(folder), path.relative_to(folder).as_posix())
                  for folder in template_folders(config) for path in folder.rglob("*") if path.is_file())


def make_environment(config: Config, asset_hashes: dict[str, str]) -> TrackingEnvironment:
    """The site's templates first, then chalk's built-in theme."""
    folders = template_folders(config)
    env = TrackingEnvironment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = format_date
    env.filters["isodate"] = isodate
    env.globals.update(
        url_for=lambda path="": config.base_path + str(path).lstrip("/"),
        absolute_url=lambda path="": absolute(config, config.base_path + str(path).lstrip("/")),
        asset_url=_asset_url(config, asset_hashes),
        serve=False,
    )
    return env


def _asset_url(config: Config, hashes: dict[str, str]) -> Callable[[str], str]:
    def asset_url(path: str) -> str:
        rel = str(path).lstrip("/")
        digest = hashes.get(rel)
        return config.base_path + rel + (f"?v={digest}" if digest else "")
    return asset_url


def format_date(value: date | datetime | None, fmt: str = "%B %-d, %Y") -> str:
    return value.strftime(fmt) if value else ""


def isodate(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return value.isoformat(timespec="seconds")


def site_context(site: Site) -> SiteContext:
    c = site.config
    return SiteContext(
        title=c.title, description=c.description, author=c.author, language=c.language, base_url=c.base_url,
        base_path=c.base_path, menu=c.menu, params=c.params, posts=site.posts, pages=site.pages, tags=site.tags,
        years=site.years, slots=site.slots, build_date=site.build_date or datetime(1970, 1, 1, tzinfo=timezone.utc),
        generator=f"chalk {__version__}", search=search_enabled(c),
        listings=[item for item in site.listings if item.kind in SITEMAP_LISTINGS],
    )


SITEMAP_LISTINGS = ("series-index", "series", "glossary")  # generated pages the sitemap lists besides tags


def render_item(env: jinja2.Environment, item: Page | Listing, site: SiteContext,
                templates_root: Path) -> tuple[bytes | None, Diagnostic | None]:
    """Render one page; a template problem comes back as a diagnostic naming the template line."""
    context: dict[str, Any] = {"site": site, "page": item, "paginator": None, "tag": None}
    if isinstance(item, Listing):
        context.update(paginator=item.paginator, tag=item.tag)
    try:
        text = env.get_template(item.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        return None, error(f"template: {exc.message}", _template_path(exc.filename, templates_root), exc.lineno)
    except jinja2.TemplateNotFound as exc:
        if isinstance(item, Page) and exc.name == item.template:  # the page's own template is missing
            return None, error(f"template: {exc.name} not found in templates/", item.source, item.template_line,
                               hint="check the template: field or create the file")
        path, line = _template_frame(exc.__traceback__, templates_root)  # a template includes a missing one
        return None, error(f"template: {exc.name} not found in templates/", path, line,
                           hint="check the template's include/extends/import or create the file")
    except OSError as exc:  # a template file that cannot be read is named itself, not its includer
        return None, error(f"cannot read this template: {exc.strerror or exc}",
                           _template_path(exc.filename, templates_root), hint="fix its permissions")
    except Exception as exc:  # any error raised while a template runs is the template's problem
        path, line = _template_frame(exc.__traceback__, templates_root)
        return None, error(f"template: {type(exc).__name__}: {exc} (rendering {_describe(item)})", path, line)
    return text.encode("utf-8"), None


@dataclass
class _Memo:
    data: bytes | None  # None once written: the output file itself then holds the bytes
    reads: Reads
    templates: dict[str, str]  # name -> source hash, for the templates this page used
    globals_key: str
    written: tuple[int, int] | None = None  # (size, mtime_ns) of the output file as written


@dataclass
class RenderMemo:
    """Pages rendered by earlier builds, with what each read; reused while those inputs are unchanged."""

    entries: dict[str, _Memo] = field(default_factory=dict)
    rendered: int = 0
    reused: int = 0
    fresh: set[str] = field(default_factory=set)  # outputs rendered anew by the last build
    digests: dict[int, tuple[Any, bytes]] = field(default_factory=dict)  # see fact_fingerprint

    def reusable(self, item: Page | Listing, objects: dict[str, Any], templates: dict[str, str],
                 globals_key: str, seen_now: dict[Fact, bytes | None]) -> _Memo | None:
        """The memo of ``item`` if everything its last render read is unchanged.

        ``seen_now`` caches current fingerprints for this build: many pages read the same facts.
        """
        memo = self.entries.get(item.output)
        if memo is None or memo.globals_key != globals_key:
            return None
        if any(templates.get(name) != digest for name, digest in memo.templates.items()):
            return None
        for fact, seen in memo.reads.facts.items():
            if fact in seen_now:
                now = seen_now[fact]
            else:
                obj = objects.get(fact[0])
                now = seen_now[fact] = None if obj is None else fact_fingerprint(
                    obj, fact[1], jinja2.Environment.getattr(_PLAIN_ENV, obj, fact[1]), self.digests)
            if now != seen:
                return None
        return memo

    def settle(self, output: Path) -> None:
        """After writing: forget the bytes, remember each file's size and mtime instead."""
        for rel, memo in self.entries.items():
            try:
                stat = (output / rel).stat()
            except OSError:
                continue
            memo.data, memo.written = None, (stat.st_size, stat.st_mtime_ns)


def _on_disk(memo: _Memo, target: Path | None) -> bool:
    if target is None or memo.written is None:
        return False
    try:
        stat = target.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == memo.written


_PLAIN_ENV = jinja2.Environment()


def template_hashes(env: jinja2.Environment) -> dict[str, str]:
    """Source hash of every template the environment can load (site templates shadow built-in ones)."""
    hashes: dict[str, str] = {}
    loader = env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    for folder in reversed(loader.searchpath):
        for path in Path(folder).rglob("*"):
            if path.is_file():
                try:
                    digest = hashlib.sha1(path.read_bytes()).hexdigest()
                except OSError:  # rendering with it reports the file
                    digest = ""
                hashes[path.relative_to(folder).as_posix()] = digest
    return hashes


def model_objects(site: Site, context: SiteContext) -> dict[str, Any]:
    """Every model object a template can reach, by its :func:`object_key`."""
    objects: dict[str, Any] = {"site": context}
    for obj in [*site.renderables, *site.tags, *site.years, *site.series]:
        objects[object_key(obj) or ""] = obj
    for listing in site.listings:
        if listing.paginator is not None:
            objects[object_key(listing.paginator) or ""] = listing.paginator
    return objects


def render_all(env: TrackingEnvironment, site: Site, templates_root: Path, diagnostics: Diagnostics,
               memo: RenderMemo | None = None, globals_key: str = "",
               output: Path | None = None) -> dict[str, bytes | Path]:
    """Render every page of the site; each distinct template error is reported once.

    With a ``memo`` from an earlier build, a page whose recorded inputs, templates and
    ``globals_key`` are all unchanged is reused instead of rendered again: its bytes
    from memory, or the file already in ``output`` if it is exactly as last written.
    """
    context = site_context(site)
    objects = model_objects(site, context) if memo is not None else {}
    hashes = template_hashes(env) if memo is not None else {}
    fresh: dict[str, _Memo] = {}
    seen_now: dict[Fact, bytes | None] = {}
    if memo is not None:
        memo.fresh = set()
        env.digests = memo.digests
    outputs: dict[str, bytes | Path] = {}
    seen: set[str] = set()
    rendered = reused = 0
    for item in site.renderables:
        kept = memo.reusable(item, objects, hashes, globals_key, seen_now) if memo is not None else None
        target = output / item.output if output is not None else None
        if kept is not None and (kept.data is not None or _on_disk(kept, target)):
            reused += 1
            fresh[item.output] = kept
            outputs[item.output] = kept.data if kept.data is not None else target  # type: ignore[assignment]
            continue
        env.reads = Reads() if memo is not None else None
        try:
            data, problem = render_item(env, item, context, templates_root)
        finally:
            reads, env.reads = env.reads, None
        rendered += 1
        if memo is not None:
            memo.fresh.add(item.output)
        if problem is not None:
            key = problem.location + problem.message.split(" (rendering")[0]
            if key not in seen:
                seen.add(key)
                diagnostics.add(problem)
        elif data is not None:
            outputs[item.output] = data
            if reads is not None:
                used = {name: hashes.get(name, "") for name in reads.templates}
                fresh[item.output] = _Memo(data, reads, used, globals_key)
    if memo is not None:
        memo.entries, memo.rendered, memo.reused = fresh, rendered, reused
        if len(memo.digests) > 64 * len(fresh) + 1024:  # bounded: old values are let go now and then
            memo.digests.clear()
    return outputs


def _describe(item: Page | Listing) -> str:
    return item.source if isinstance(item, Page) else f"the {item.kind} page"


def _template_path(filename: str | None, root: Path) -> str:
    if not filename:
        return ""
    path = Path(filename)
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def _template_frame(tb: TracebackType | None, root: Path) -> tuple[str, int | None]:
    """The innermost traceback frame that belongs to a template (Jinja rewrites them for us)."""
    found: tuple[str, int | None] = ("", None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (_template_path(filename, root), tb.tb_lineno)
        tb = tb.tb_next
    return found

