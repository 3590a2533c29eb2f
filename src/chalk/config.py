"""Stage 1: ``site.yaml`` -> a frozen, validated :class:`Config`.

The schema documents itself: one :class:`Option` per key, with its type, its
default and a one-line description (``chalk build --help`` and the README list
the same keys). All problems are collected before the build stops.

:class:`Config` is flat: one field per top-level key, a typed section (a frozen
dataclass from :mod:`chalk.sections`, such as ``Deploy``) where a key holds a mapping, and
``lines``, the line of every key (nested keys by dotted path, ``deploy.branch``),
so any stage can point at ``site.yaml:LINE`` without reading the file again
(:meth:`Config.line_of`). To add a setting: a field here and an :class:`Option` in
:data:`OPTIONS`; for a section, its dataclass in :mod:`chalk.sections` and ``make``
(a checked mapping -> the section) or ``parse`` (a section with its own rules).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pygments.styles import get_all_styles

from .errors import Diagnostics, UsageError, error, warning
from .images.settings import ImageSettings, check_images, image_settings
from .sections import CONFIG_FILE, Deploy, SeriesInfo, check_series, make_series, parse_deploy
from .yamlsource import YamlProblem, parse_mapping



@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str


@dataclass(frozen=True)
class Config:
    """The site's settings; paths are absolute."""

    root: Path
    title: str
    base_url: str
    description: str = ""
    author: str = ""
    language: str = "en"
    timezone: str = "UTC"
    posts_per_page: int = 10
    output_dir: str = "public"
    menu: tuple[MenuItem, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    pygments_style: str = "xcode"  # passes WCAG AA contrast on the theme's code background
    pygments_style_dark: str = "github-dark"
    search: bool = False  # full-text search with Pagefind (the `search` extra); see chalk.search
    bibliography: str | list[str] | None = None  # BibTeX file(s), relative to the site; see chalk.references
    citation_style: str | None = None  # a CSL style name or .csl file; see chalk.citeformat
    math_macros: dict[str, Any] = field(default_factory=dict)  # \\name -> TeX, for every formula; see chalk.markdown.katex
    execute: bool | dict[str, Any] = False  # run {python} cells (the `exec` extra); see chalk.execute
    images: ImageSettings = ImageSettings()  # responsive variants and social cards; see chalk.images
    deploy: Deploy = field(default_factory=Deploy)  # where chalk deploy publishes; see chalk.sections
    series: dict[str, SeriesInfo] = field(default_factory=dict)  # key as written -> its entry; see model.series
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # key path -> line in site.yaml

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` (``search``, ``deploy.branch``) in site.yaml, or None if it is not there."""
        return self.lines.get(key)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def output_path(self) -> Path:
        return (self.root / self.output_dir).resolve()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Option:
    """One key of site.yaml: its type, whether it is required, and what it does."""

    name: str
    kind: type | tuple[type, ...]
    doc: str
    required: bool = False
    check: Callable[[Any], str | None] | None = None  # returns what was expected, or None if fine
    make: Callable[[Any], Any] | None = None  # the checked value -> the Config field's value (a typed section)
    #: a section with its own rules: (value, diagnostics, line_of) -> the field's value, or None on errors
    parse: Callable[[Any, Diagnostics, Callable[[str], int | None]], Any] | None = None


def _check_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    return "an absolute http(s) URL like https://example.org/blog/"


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "a time zone name like UTC or Europe/Berlin"
    return None


def _check_positive(value: int) -> str | None:
    return None if value >= 1 else "a whole number of at least 1"


def _check_style(value: str) -> str | None:
    return None if value in set(get_all_styles()) else "a Pygments style name like default or github-dark"


def _check_output_dir(value: str) -> str | None:
    return None if value.strip() else "a folder name like public"


def _check_menu(value: list) -> str | None:
    for item in value:
        if not (isinstance(item, dict) and isinstance(item.get("title"), str) and isinstance(item.get("url"), str)):
            return "a list of entries like {title: About, url: /about/}"
        if _script_url(item["url"]):
            return "links to pages (http(s), mailto: or a path like /about/), not javascript: or data: URLs"
    return None


def _check_bibliography(value: str | list) -> str | None:
    names = [value] if isinstance(value, str) else value
    return None if names and all(isinstance(n, str) and n.strip() for n in names) else \
        "a BibTeX file name like references.bib, or a list of them"


def _script_url(url: str) -> bool:
    """Whether a URL would run script or embed a document (browsers ignore tabs, newlines and case)."""
    plain = "".join(ch for ch in url if ch > " " and ch != "\x7f").lower()
    return plain.startswith(("javascript:", "data:", "vbscript:"))


def _check_language(value: str) -> str | None:
    """A language tag like en or pt-BR (BCP 47): a long or odd one makes Pagefind's indexer fail."""
    if len(value) <= 35 and re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", value):
        return None
    return "a language tag like en, de or pt-BR"


def _check_macros(value: dict) -> str | None:
    for name, definition in value.items():
        if not re.fullmatch(r"\\?[A-Za-z]+", str(name)):
            return f"command names like \\R or R, got {name!r}"
        if not (isinstance(definition, str) or (isinstance(definition, list) and definition
                                                  and isinstance(definition[0], str))):
            return "a mapping of command -> TeX, like {R: '\\mathbb{R}', mat: ['\\mathbb{#1}', 1]}"
    return None


OPTIONS: tuple[Option, ...] = (
    Option("title", str, "The site's name, shown in the header, feed and <title>.", required=True),
    Option("base_url", str, "Absolute URL the site is served from; may contain a path (https://example.org/blog/).",
           required=True, check=_check_url),
    Option("description", str, "One sentence about the site: home page meta description and feed subtitle."),
    Option("author", str, "Default author of every post (front matter `author` overrides it)."),
    Option("language", str, "Language code for <html lang> and the feed (default: en).", check=_check_language),
    Option("timezone", str, "Time zone for dates without one (default: UTC).", check=_check_timezone),
    Option("posts_per_page", int, "Posts per home page before paginating to /page/2/ (default: 10).",
           check=_check_positive),
    Option("output_dir", str, "Folder the site is written to, relative to the project (default: public).",
           check=_check_output_dir),
    Option("menu", list, "Header links: a list of {title, url}; relative urls get the base path.", check=_check_menu),
    Option("params", dict, "Free-form values for your templates, available as site.params."),
    Option("pygments_style", str, "Pygments style for code in light mode (default: xcode).", check=_check_style),
    Option("pygments_style_dark", str, "Pygments style for code in dark mode (default: github-dark).",
           check=_check_style),
    Option("bibliography", (str, list), "BibTeX file(s) citations are resolved against, relative to the site "
           "(front matter `bibliography` adds an article's own; needs `pip install chalk-ssg[cite]`).",
           check=_check_bibliography),
    Option("citation_style", str, "CSL style of citations and references: a style name like apa, ieee or nature, "
           "or a .csl file (default: chicago-author-date)."),
    Option("math_macros", dict, "TeX macros every formula knows, as MathJax's TeX.Macros: name -> definition "
           "(`R: \\mathbb{R}`, or `mat: ['\\mathbb{#1}', 1]` with arguments)", check=_check_macros),
    Option("deploy", dict, "Settings of `chalk deploy` (remote, branch, message, cname).", parse=parse_deploy),
    Option("series", dict, "Titles and descriptions of series: slug -> {title, description}.", check=check_series,
           make=make_series),
    Option("search", bool, "Full-text search with Pagefind: a search box in the header and an index built after "
           "each build (default: false; needs `pip install chalk-ssg[search]`)."),
    Option("images", (dict, bool), "Responsive images and social cards: {widths, formats, quality, max_kb, sizes, "
           "cards}, or false to copy images as they are (needs `pip install 'chalk-ssg[images]'`).",
           check=check_images),
    Option("execute", (bool, dict), "Run the {python} cells of every article at build time and freeze their results in "
           "_freeze/ (default: false; needs `pip install chalk-ssg[exec]`); a mapping sets depends, timeout, "
           "kernel and cell defaults."),
)

_TYPE_NAMES: dict[Any, str] = {(str, list): "a file name or a list of them", str: "text", int: "a whole number",
                               list: "a list", dict: "a mapping", bool: "true or false",
                               (bool, dict): "true, false or a mapping",
                               (dict, bool): "a mapping or false"}


def _type_name(kind: type | tuple[type, ...]) -> str:
    if kind in _TYPE_NAMES:
        return _TYPE_NAMES[kind]
    return " or ".join(_TYPE_NAMES[k] for k in kind) if isinstance(kind, tuple) else str(kind)


def load_config(root: Path, diagnostics: Diagnostics) -> Config | None:
    """Read ``root/site.yaml``; report every problem into ``diagnostics``.

    Returns None when there were errors.
    """
    path = root / CONFIG_FILE
    if not path.is_file():
        diagnostics.add(error(f"no {CONFIG_FILE} here", CONFIG_FILE,
                              hint="run chalk in your site's folder, or create one with `chalk init DIR`"))
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        diagnostics.add(error(f"cannot read {CONFIG_FILE}: {exc.strerror or exc}", CONFIG_FILE,
                              hint="fix its permissions"))
        return None
    except UnicodeDecodeError as exc:
        diagnostics.add(error(f"not UTF-8 text (byte {exc.start})", CONFIG_FILE, 1))
        return None
    try:
        mapping = parse_mapping(text.replace("\r\n", "\n"))
    except YamlProblem as exc:
        diagnostics.add(error(exc.message, CONFIG_FILE, exc.line))
        return None
    values = _validate(mapping.data, mapping.line_of, diagnostics)
    if any(d.is_error for d in diagnostics.items):
        return None
    return _make_config(root, values, mapping.lines)


def _validate(data: dict[str, Any], line_of: Callable[[str], int], diagnostics: Diagnostics) -> dict[str, Any]:
    known = {option.name: option for option in OPTIONS}
    values: dict[str, Any] = {}
    for key in data:
        if key not in known:
            diagnostics.add(warning(f"unknown key '{key}' is ignored", CONFIG_FILE, line_of(key),
                                    hint="put your own values under params:"))
    for option in OPTIONS:
        if option.name not in data or data[option.name] is None:
            if option.required:
                diagnostics.add(error(f"{option.name}: required, expected {_type_name(option.kind)}",
                                      CONFIG_FILE, 1, hint=option.doc))
            continue
        value = data[option.name]
        if not isinstance(value, option.kind) or isinstance(value, bool) and bool not in _kinds(option.kind):
            diagnostics.add(error(f"{option.name}: expected {_type_name(option.kind)}, got {value!r}",
                                  CONFIG_FILE, line_of(option.name)))
            continue
        if option.parse is not None:
            section = option.parse(value, diagnostics, lambda key: line_of(key))
            if section is not None:
                values[option.name] = section
            continue
        expected = option.check(value) if option.check else None
        if expected:
            diagnostics.add(error(f"{option.name}: expected {expected}, got {value!r}", CONFIG_FILE,
                                  line_of(option.name)))
            continue
        values[option.name] = option.make(value) if option.make else value
    return values


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _make_config(root: Path, values: dict[str, Any], lines: dict[str, int]) -> Config:
    base_url = values["base_url"]
    if not base_url.endswith("/"):
        base_url += "/"
    values = dict(values, base_url=base_url, images=image_settings(values.get("images")))
    config = Config(root=root.resolve(), lines=dict(lines), **{k: v for k, v in values.items() if k != "menu"})
    menu = tuple(MenuItem(str(item["title"]), _menu_url(config, str(item["url"]))) for item in values.get("menu", []))
    return dataclasses.replace(config, menu=menu)


def _menu_url(config: Config, url: str) -> str:
    if urlsplit(url).scheme or url.startswith("//"):
        return url
    return config.base_path + url.lstrip("/")


def with_base_url(config: Config, base_url: str) -> Config:
    """The same settings served from another address (--base-url, the preview server's)."""
    expected = _check_url(base_url)
    if expected:
        raise UsageError(f"--base-url: expected {expected}, got {base_url!r}")
    if not base_url.endswith("/"):
        base_url += "/"
    old_path = config.base_path
    new = dataclasses.replace(config, base_url=base_url)
    menu = tuple(
        MenuItem(item.title, new.base_path + item.url[len(old_path):] if item.url.startswith(old_path) else item.url)
        for item in config.menu
    )
    return dataclasses.replace(new, menu=menu)
