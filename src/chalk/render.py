"""Stage 6: the site model -> page bytes, through one Jinja2 environment.

Autoescape is on for HTML and XML templates (feeds and the sitemap are
templates too) and undefined names are errors, reported as
``templates/x.html:LINE: message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

import jinja2

from . import __version__
from .config import Config, builtin_theme_dir
from .errors import Diagnostic, Diagnostics, error
from .model import Listing, Page, Site, absolute


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


def make_environment(config: Config, asset_hashes: dict[str, str]) -> jinja2.Environment:
    """One environment per build: the site's templates first, then chalk's built-in theme."""
    folders = [config.templates_dir, builtin_theme_dir() / "templates"]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders if f.is_dir()]),
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
        generator=f"chalk {__version__}",
    )


def render_item(env: jinja2.Environment, item: Page | Listing, site: SiteContext,
                templates_root: Path) -> tuple[bytes | None, Diagnostic | None]:
    """Render one page; a template problem comes back as a diagnostic naming the template line."""
    context: dict[str, Any] = {"site": site, "page": item}
    if isinstance(item, Listing):
        context.update(paginator=item.paginator, tag=item.tag)
    try:
        text = env.get_template(item.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        return None, error(f"template: {exc.message}", _template_path(exc.filename, templates_root), exc.lineno)
    except jinja2.TemplateNotFound as exc:
        where = item.source if isinstance(item, Page) else ""
        return None, error(f"template: {exc.name} not found in templates/", where,
                           hint="check the template: field or create the file")
    except Exception as exc:  # any error raised while a template runs is the template's problem
        path, line = _template_frame(exc.__traceback__, templates_root)
        return None, error(f"template: {type(exc).__name__}: {exc} (rendering {_describe(item)})", path, line)
    return text.encode("utf-8"), None


def render_all(env: jinja2.Environment, site: Site, templates_root: Path,
               diagnostics: Diagnostics) -> dict[str, bytes]:
    """Render every page of the site; each distinct template error is reported once."""
    context = site_context(site)
    outputs: dict[str, bytes] = {}
    seen: set[str] = set()
    for item in site.renderables:
        data, problem = render_item(env, item, context, templates_root)
        if problem is not None:
            key = problem.location + problem.message.split(" (rendering")[0]
            if key not in seen:
                seen.add(key)
                diagnostics.add(problem)
        elif data is not None:
            outputs[item.output] = data
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

