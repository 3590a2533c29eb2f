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
from typing import Any, Callable, Mapping

import jinja2

from ..config import Config
from ..errors import Diagnostic, Diagnostics, error
from ..incremental import PageRecord, Reads, file_digest
from ..model import Listing, Page, Site, absolute
from ..textclean import clean_output
from ..theme import builtin_theme_dir
from .context import SiteContext, site_context
from .parallel import forking_possible, in_forks
from .spool import Spool
from .tracking import Comparison, Digests, TrackingEnvironment, template_hashes


def template_folders(config: Config) -> list[Path]:
    """Where templates are looked up: the site's own first, then chalk's built-in theme."""
    return [f for f in (config.templates_dir, builtin_theme_dir() / "templates") if f.is_dir()]


def template_files(config: Config) -> list[tuple[str, str]]:
    """(folder, name) of every template file: which file each name resolves to may change."""
    return sorted((str(folder), path.relative_to(folder).as_posix())
                  for folder in template_folders(config) for path in folder.rglob("*") if path.is_file())


def make_environment(config: Config, asset_hashes: dict[str, str],
                     compiled: Path | None = None) -> TrackingEnvironment:
    """The site's templates first, then chalk's built-in theme; with ``compiled``, a folder where
    compiled templates are kept between runs (keyed by each template's source)."""
    folders = template_folders(config)
    env = TrackingEnvironment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
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
class RenderedPages:
    """Every page's bytes (or, reused as written, its output file; or its file in the build's spool,
    gone once the write has moved it: Builder.build then names the output file) and the records
    for next time."""

    files: dict[str, bytes | Path] = field(default_factory=dict)
    records: dict[str, PageRecord] = field(default_factory=dict)  # empty unless the render was tracked
    fresh: set[str] = field(default_factory=set)  # outputs rendered anew
    objects: dict[str, Any] = field(default_factory=dict)  # the model objects the records hold true for
    replaced: dict[str, bytes] = field(default_factory=dict)  # outputs rendered anew: their last bytes, if in memory
    rendered: int = 0
    reused: int = 0


def render_all(env: TrackingEnvironment, site: Site, templates_root: Path, diagnostics: Diagnostics, *,
               search: bool = False, previous: Mapping[str, PageRecord] | None = None, globals_key: str = "",
               output: Path | None = None, digests: Digests | None = None, jobs: int = 1,
               before: Mapping[str, Any] | None = None, spool: Spool | None = None) -> RenderedPages:
    """Render every page of the site; each distinct template error is reported once.

    With ``previous`` records (``{}`` on a first build) each render is tracked; a page whose
    recorded inputs, templates and ``globals_key`` are all unchanged is reused instead of
    rendered again: its bytes from memory, or the file already in ``output`` if it is exactly
    as last written. ``digests`` remembers fingerprints across builds. ``before`` is the
    :attr:`RenderedPages.objects` of the render that made ``previous`` (objects that are the
    same need no fact looked at, see :class:`Comparison`). ``jobs`` processes share the pages
    to render when there are many (see :func:`render_pages`). With a ``spool``, each page rendered
    anew waits there, as a file, instead of in memory.
    """
    context = site_context(site, search)
    tracked = previous is not None
    compare = Comparison(site, context, template_hashes(env), globals_key, digests if digests is not None else {},
                         before) if tracked else None
    env.digests = digests
    result = RenderedPages(objects=compare.objects if compare is not None else {})
    reported: set[str] = set()
    plan: list[tuple[Page | Listing, bytes | Path | None, PageRecord | None]] = []  # (item, reused as, record)
    as_written: dict[str, tuple[bytes, Path]] = {}  # pages to render again whose file is as last written
    for item in site.renderables:
        kept = (previous or {}).get(item.output)
        target = output / item.output if output is not None else None
        if kept is not None and compare is not None and compare.unchanged(kept) \
                and (kept.data is not None or (kept := kept.on_disk(target)) is not None):
            plan.append((item, kept.data if kept.data is not None else target, kept))
            continue
        if kept is not None and kept.data is not None:
            result.replaced[item.output] = kept.data
        elif kept is not None and target is not None and (still := kept.on_disk(target)) is not None:
            as_written[item.output] = (still.digest, target)
        plan.append((item, None, None))
    made = iter(render_pages(env, [item for item, _, kept in plan if kept is None], context, templates_root,
                             compare is not None, jobs, spool, as_written))
    for item, reused, kept in plan:
        if kept is None:
            _record(item, next(made), compare, result, diagnostics, reported)
            continue
        result.reused += 1
        result.records[item.output] = kept
        assert reused is not None  # the record's bytes, or the file as it was written
        result.files[item.output] = reused
    return result


@dataclass(frozen=True)
class Made:
    """One page rendered: its bytes (or the spooled file holding them), its problems, what it read."""

    data: bytes | Path | None
    problems: tuple[Diagnostic, ...]
    reads: Reads | None
    digest: bytes = b""  # file_digest of the bytes, when they are spooled and the render was tracked


PARALLEL_PAGES = 64  # fewer pages than this per process are rendered here


def render_pages(env: TrackingEnvironment, items: list[Page | Listing], context: SiteContext, templates_root: Path,
                 tracked: bool, jobs: int = 1, spool: Spool | None = None,
                 as_written: Mapping[str, tuple[bytes, Path]] | None = None) -> list[Made]:
    """Each item's bytes (or problem) and, when ``tracked``, what its render read; on ``jobs``
    processes when there are enough pages and forking is safe (see chalk.render.parallel).
    A generated HTML or XML file loses any invalid character (with a warning) before it is
    kept: in memory, or as a file of the ``spool``; or, when a tracked page comes out as the
    bytes its output file already holds (``as_written``: output -> (digest, file)), as that file."""
    as_written = as_written or {}

    def one(item: Page | Listing) -> Made:
        env.reads = Reads() if tracked else None
        try:
            data, problem = render_item(env, item, context, templates_root)
        finally:
            reads, env.reads = env.reads, None
        if data is None:
            return Made(None, (problem,) if problem is not None else (), reads)
        found = Diagnostics()
        if item.output.endswith((".html", ".xml")):
            data = clean_output(item.output, data, found)
        problems, known = tuple(found.items), as_written.get(item.output)
        digest = file_digest(data) if tracked and (spool is not None or known is not None) else b""
        if known is not None and digest and known[0] == digest:  # a template edit that changes nothing in this page
            return Made(known[1], problems, reads, digest)
        if spool is None:
            return Made(data, problems, reads)
        return Made(spool.keep(data), problems, reads, digest)

    jobs = min(jobs, len(items) // PARALLEL_PAGES)
    if jobs > 1 and forking_possible():
        for name in sorted({item.template for item in items}):  # compiled once, before the fork
            try:
                env.get_template(name)
            except Exception:  # reported when a page renders with it
                pass
        return in_forks(one, items, jobs)
    return [one(item) for item in items]


def _record(item: Page | Listing, made: Made, compare: Comparison | None, result: RenderedPages,
            diagnostics: Diagnostics, reported: set[str]) -> None:
    result.rendered += 1
    result.fresh.add(item.output)
    for problem in made.problems:
        key = problem.location + problem.message.split(" (rendering")[0]
        if key not in reported:
            reported.add(key)
            diagnostics.add(problem)
    if made.data is None:
        return
    result.files[item.output] = made.data
    if made.reads is not None and compare is not None:
        used = {name: compare.templates.get(name, "") for name in made.reads.templates}
        data = made.data if isinstance(made.data, bytes) else None  # spooled: only its digest (see settle)
        result.records[item.output] = PageRecord(data, made.reads, used, compare.globals_key, digest=made.digest)


def settle(records: Mapping[str, PageRecord], output: Path) -> dict[str, PageRecord]:
    """After writing: forget the bytes, remember each file's size and mtime instead (also of a page
    that waited in a spool: its record holds only the digest)."""
    settled = {}
    for rel, record in records.items():
        spooled = record.data is None and record.written is None and bool(record.digest)
        if record.data is None and not spooled:
            settled[rel] = record
            continue
        try:
            stat = (output / rel).stat()
        except OSError:
            settled[rel] = record
            continue
        digest = record.digest if record.data is None else file_digest(record.data)
        settled[rel] = PageRecord(None, record.reads, record.templates, record.globals_key,
                                  (stat.st_size, stat.st_mtime_ns), digest)
    return settled


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

