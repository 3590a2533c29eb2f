"""Stages 2-3: find the Markdown files under ``content/`` and validate their front matter.

``content/posts/**/*.md`` are posts (dated articles); every other ``*.md`` under
``content/`` is a plain page (``.markdown`` is the same as ``.md``). Each file becomes a
:class:`Source` whose :class:`FrontMatter` is typed and checked, with ``path:line`` errors.

What chalk uses under ``content/`` is declared here, in :data:`CONTENT_SUFFIXES` (texts) and
:data:`USED_FILES` (files other stages read); :func:`unused_files` names everything else, so
nothing there is skipped without a word. A feature that reads more files (page-bundle images,
notebooks) declares them in these two constants.

Jekyll's and Hugo's conventions hold as their users expect: a ``YYYY-MM-DD-`` file-name prefix
is the date (the slug drops it), ``published: false`` is a draft, ``tags: a b c`` is three tags,
``excerpt`` is the summary, ``url``/``permalink`` set the URL and ``aliases`` keep old URLs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import unquote

from . import byline
from .digest import text_digest
from .errors import Diagnostic, Diagnostics, error, warning
from .notebook import NOTEBOOK_SUFFIX, NotebookProblem, notebook_text
from .textclean import clean_mapping, clean_text
from .walk import walk_files
from .yamlsource import YamlMapping, YamlProblem, parse_mapping

POSTS_DIR = "posts"
FENCE = "---"
BOM = b"\xef\xbb\xbf"
KNOWN_FIELDS = ("title", "date", "updated", "summary", "tags", "draft", "slug", "author", "toc", "template",
                "series", "series_part", "authors", "updates", "bibliography", "published", "excerpt", "categories",
                "url", "permalink", "aliases", "image", "image_alt")
CONTENT_SUFFIXES = (".md", ".markdown", NOTEBOOK_SUFFIX)  # the texts chalk renders
USED_FILES = ("glossary.yaml",)  # other files under content/ that chalk reads (relative to content/)
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")  # Jekyll's 2019-04-25-title.md
#: Fields read by a later stage, kept in ``extra`` without a warning: ``execute`` (chalk.execute)
#: and jupytext's ``jupyter`` block (its notebooks are articles).
STAGE_FIELDS = ("execute", "jupyter")
BUNDLE_INDEX = "index.md"  # content/posts/<slug>/index.md: a page bundle, its files published beside the page


@dataclass(frozen=True)
class FrontMatter:
    """The validated front matter of one content file."""

    title: str
    date: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    slug: str = ""
    author: str | None = None
    toc: bool = True
    template: str | None = None
    series: str | None = None  # the name of the series this article is a part of
    series_part: int | None = None  # its place in the series, from 1
    authors: tuple[byline.Author, ...] = ()  # `authors:`; see chalk.byline
    updates: tuple[byline.Update, ...] = ()  # `updates:`, oldest first
    bibliography: tuple[str, ...] = ()  # BibTeX files, relative to this file
    categories: tuple[str, ...] = ()  # Jekyll/Hugo categories, for templates (page.categories)
    url: str | None = None  # the page's own URL path under base_url: "2019/04/x/" or "old/x.html"
    aliases: tuple[str, ...] = ()  # old URL paths (same form as url) that redirect to the page
    image: str | None = None  # the social image (relative to the file, or /path under static/)
    image_alt: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One content file, split into validated front matter and a Markdown body."""

    path: Path
    rel: str
    kind: str  # "post" or "page"
    meta: FrontMatter
    body: str
    body_line: int  # line number of the body's first line in the file
    body_digest: bytes  # text_digest(body), worked out once, when the file is read


def discover(content_dir: Path, diagnostics: Diagnostics | None = None) -> list[Path]:
    """Every content file (Markdown, notebooks) under ``content_dir``, sorted, skipping hidden and
    editor temp files. Folders that cannot be read are errors, links out of the site warnings (see chalk.walk).
    """
    return sources_among(files_under(content_dir, diagnostics))


def sources_among(files: list[Path]) -> list[Path]:
    """The content files (Markdown, notebooks) among ``files`` (as :func:`files_under` found them)."""
    return [path for path in files if path.suffix.lower() in CONTENT_SUFFIXES]


def files_under(content_dir: Path, diagnostics: Diagnostics | None = None) -> list[Path]:
    """Every file under ``content_dir``, sorted, hidden and editor temp files aside (see :func:`discover`)."""
    return walk_files(content_dir, content_dir.parent, diagnostics, _hidden)


def unused_files(content_dir: Path, also_used: Iterable[Path] = (),
                 candidates: list[Path] | None = None) -> list[Path]:
    """Files under ``content_dir`` that chalk neither renders nor reads (hidden and temp files aside);
    ``also_used`` names files a later stage reads (bibliographies); ``candidates``: every file under ``content_dir``, if :func:`files_under` was asked already."""
    candidates = files_under(content_dir) if candidates is None else candidates
    used = {content_dir / name for name in USED_FILES} | {path.resolve() for path in also_used}
    used.update(file for path in candidates if path.name == BUNDLE_INDEX for file in bundle_resources(path, content_dir))
    return [path for path in candidates
            if path.suffix.lower() not in CONTENT_SUFFIXES and path not in used and path.resolve() not in used]


def unused_files_warning(content_dir: Path, root: Path, also_used: Iterable[Path] = (),
                         most: int = 20, candidates: list[Path] | None = None) -> Diagnostic | None:
    """One warning naming every unused file under content/ (None when there is none)."""
    unused = unused_files(content_dir, also_used, candidates)
    if not unused:
        return None
    names = [path.relative_to(root).as_posix() for path in unused]
    shown = ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")
    return warning(f"{len(names)} file{'s' * (len(names) != 1)} under content/ "
                   f"{'are' if len(names) != 1 else 'is'} not used and not published: {shown}",
                   content_dir.relative_to(root).as_posix(),
                   hint="content/ holds .md, .markdown and .ipynb files and the files of page bundles (a folder with an index.md); "
                        "put other files in static/ or in the folder of the post that uses them, as its index.md")


def _hidden(parts: tuple[str, ...]) -> bool:
    return parts[-1].startswith((".", "_")) or parts[-1].endswith("~")


def file_name_date(stem: str) -> tuple[date | None, str]:
    """Jekyll's convention: ``2019-04-25-title`` -> (2019-04-25, 'title'); otherwise (None, stem)."""
    match = _FILE_DATE.match(stem)
    if match is None:
        return None, stem
    try:
        return date.fromisoformat(match.group(1)), match.group(2)
    except ValueError:
        return None, stem


def bundle_resources(source: Path, content_dir: Path) -> list[Path]:
    """The files of a page bundle (``.../<slug>/index.md``): everything else in its folder and
    below, except Markdown, hidden or ``_`` files, and folders that are bundles of their own."""
    if source.name != BUNDLE_INDEX or source.parent == content_dir:
        return []
    folder, found = source.parent, []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or path.suffix == ".md" or any(p.startswith((".", "_")) or p.endswith("~")
                                                              for p in rel.parts):
            continue
        if any((folder / Path(*rel.parts[:i]) / BUNDLE_INDEX).is_file() for i in range(1, len(rel.parts))):
            continue  # inside a nested bundle
        if not path.resolve().is_relative_to(folder.resolve()):
            continue  # a symlink to elsewhere on the disk is never published
        found.append(path)
    return found


def kind_of(path: Path, content_dir: Path) -> str:
    parts = path.relative_to(content_dir).parts
    return "post" if len(parts) > 1 and parts[0] == POSTS_DIR else "page"


def read_source(path: Path, root: Path, content_dir: Path, tz: tzinfo, diagnostics: Diagnostics,
                data: bytes | None = None) -> Source | None:
    """Read (unless its bytes are given) and validate one file; problems go to ``diagnostics``;
    None if it has errors."""
    rel = path.relative_to(root).as_posix()
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.add(unreadable(rel, exc))
            return None
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(BOM) if data.startswith(BOM) else 0)  # utf-8-sig counts after the BOM
        diagnostics.add(error(f"not UTF-8 text: undecodable byte at offset {offset}", rel,
                              data[:offset].count(b"\n") + 1, hint="save the file as UTF-8"))
        return None
    if path.suffix == NOTEBOOK_SUFFIX:
        try:
            text = notebook_text(text)
        except NotebookProblem as exc:
            diagnostics.add(error(str(exc), rel, 1))
            return None
    kind = kind_of(path, content_dir)
    text = clean_text(text, rel, diagnostics)
    split = split_front_matter(text, rel, diagnostics)
    if split is None:
        return None
    mapping, body, body_line = split
    mapping = clean_mapping(mapping, rel, diagnostics)
    stem = path.parent.name if path.name == BUNDLE_INDEX and path.parent != content_dir else path.stem
    meta = validate_front_matter(mapping, kind, stem, rel, tz, diagnostics)
    if meta is None:
        return None
    return Source(path, rel, kind, meta, body, body_line, text_digest(body))


def unreadable(rel: str, exc: OSError) -> Diagnostic:
    """The error for a source file that cannot be read (permissions, deleted while building...)."""
    if isinstance(exc, FileNotFoundError):
        return error("this file disappeared while the site was being built", rel,
                     hint="it was deleted or renamed during the build; build again")
    return error(f"cannot read this file: {exc.strerror or exc}", rel,
                 hint="it would be missing from the site; fix its permissions")


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is allowed) with every line ending turned into '\\n'."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, rel: str, diagnostics: Diagnostics) -> tuple[YamlMapping, str, int] | None:
    """Split ``---`` fenced YAML from the body; returns (mapping, body, body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        diagnostics.add(error("front matter: expected a '---' line at the top of the file", rel, 1,
                              hint="did you forget to add ---, title: ..., --- before the text?"))
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in (FENCE, "..."):
            break
    else:
        diagnostics.add(error("front matter: the '---' on line 1 is never closed", rel, 1,
                              hint="add a line with --- after the last field"))
        return None
    try:
        mapping = parse_mapping("\n".join(lines[1:index]), first_line=2)
    except YamlProblem as exc:
        diagnostics.add(error(f"front matter: {exc.message}", rel, exc.line))
        return None
    return mapping, "\n".join(lines[index + 1:]), index + 2


def validate_front_matter(mapping: YamlMapping, kind: str, stem: str, rel: str, tz: tzinfo,
                          diagnostics: Diagnostics) -> FrontMatter | None:
    """Check every field's type and value; unknown fields are kept in ``extra`` with a warning."""
    data, problems = mapping.data, Diagnostics()

    def field_value(name: str, parse: Callable[[Any], Any], expected: str) -> Any:
        value = data.get(name)
        if value is None:
            return None
        try:
            return parse(value)
        except (TypeError, ValueError):
            problems.add(error(f"{name}: expected {expected}, got {_shown(value)}", rel, mapping.line_of(name)))
            return None

    title = field_value("title", _text, "text")
    if not (title or "").strip() and not problems.errors:  # missing, empty or `title:` with no value
        problems.add(error("title: required, expected text", rel, mapping.line_of("title"),
                           hint="add a line like title: My article"))
    named_date, stem = file_name_date(stem)
    published = field_value("date", lambda v: _datetime(v, tz), _DATE_EXPECTED)
    if published is None and named_date is not None and data.get("date") is None:
        published = _datetime(named_date, tz)  # the date in the file name, when front matter has none
    if published is None and kind == "post" and data.get("date") is None:  # missing, or `date:` with no value
        problems.add(error(f"date: required for posts, expected {_DATE_EXPECTED}", rel, mapping.line_of("date"),
                           hint="add date: 2024-05-14, or start the file name with the date: 2024-05-14-title.md"))
    url = field_value("url", url_path, _URL_EXPECTED)
    permalink = field_value("permalink", url_path, _URL_EXPECTED)
    if url is not None and permalink is not None and url != permalink:
        problems.add(error(f"permalink: {permalink!r} disagrees with url: {url!r}", rel, mapping.line_of("permalink"),
                           hint="keep one of them"))
    meta = {
        "date": published,
        "updated": field_value("updated", lambda v: _datetime(v, tz), _DATE_EXPECTED),
        "summary": _first(field_value("summary", _text, "text"), field_value("excerpt", _text, "text")),
        "tags": field_value("tags", _tags, "a list of tags like [gan, vae]") or (),
        "categories": field_value("categories", _tags, "a list of categories like [ml, math]") or (),
        "url": url if url is not None else permalink,
        "aliases": field_value("aliases", _aliases, f"a list of old URL paths, each {_URL_EXPECTED}") or (),
        "draft": bool(field_value("draft", _flag, "true or false"))
                 or field_value("published", _flag, "true or false") is False,
        "author": field_value("author", _text, "text"),
        "toc": field_value("toc", _flag, "true or false"),
        "template": field_value("template", _template, "a template file name like post.html"),
        "series": field_value("series", _series, "a series name like Generative models"),
        "series_part": field_value("series_part", _part, "a whole number of at least 1, like 2"),
        "authors": field_value("authors", byline.parse_authors, byline.AUTHORS_EXPECTED) or (),
        "updates": field_value("updates", lambda v: byline.parse_updates(v, lambda d: _datetime(d, tz)),
                               byline.UPDATES_EXPECTED) or (),
        "bibliography": field_value("bibliography", byline.parse_bibliography, byline.BIBLIOGRAPHY_EXPECTED) or (),
        "image": field_value("image", _text, "an image file like cover.jpg"),
        "image_alt": field_value("image_alt", _text, "text describing the image"),
    }
    slug_source = data.get("slug") if data.get("slug") is not None else stem
    slug = slugify(str(slug_source))
    segment_problem = slug_segment_problem(str(slug_source)) if "slug" in data else None
    if segment_problem:
        problems.add(error(f"slug: expected a single URL segment like my-article, got {_shown(slug_source)} "
                           f"({segment_problem})", rel, mapping.line_of("slug"),
                           hint="a slug names one page; to place a page elsewhere, move its file"))
    elif not slug:
        where = "slug" if "slug" in data else "file name"
        problems.add(error(f"{where}: expected letters or digits to make a URL from, got {_shown(slug_source)}",
                           rel, mapping.line_of("slug")))
    extra = {key: value for key, value in data.items() if key not in KNOWN_FIELDS}
    for key in (key for key in extra if key not in STAGE_FIELDS):
        problems.add(warning(f"unknown front matter field '{key}' (available to templates as page.extra.{key})",
                             rel, mapping.line_of(key)))
    diagnostics.extend(problems)
    if problems.errors:
        return None
    return FrontMatter(
        title=title, slug=slug, extra=extra, lines=dict(mapping.lines),
        **{**meta, "toc": meta["toc"] if meta["toc"] is not None else kind == "post"},
    )


_DATE_EXPECTED = "a date like 2024-05-14 or 2024-05-14T09:30:00+02:00"
_URL_EXPECTED = "a URL path like /2019/04/my-post/ or /old/my-post.html"


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(value)


def _tags(value: Any) -> tuple[str, ...]:
    items = value.split() if isinstance(value, str) else value  # Jekyll: "a b c" is three tags
    if not isinstance(items, list):
        raise TypeError(value)
    tags = tuple(_text(item).strip() for item in items)
    if not all(tags):
        raise ValueError(value)
    return tags


def url_path(value: Any) -> str:
    """A URL path inside the site, as the part after base_url: '/2019/04/x/' -> '2019/04/x/'.

    Only a last segment ending in .html or .htm is a file; anything else is a folder (``/about`` -> ``about/``)."""
    text = unquote(_text(value).strip())
    if "://" in text or text.startswith("//") or any(ch in text for ch in '?#\\"<>') or \
            any(ord(ch) < 32 for ch in text):
        raise ValueError(value)
    parts = [part for part in text.split("/") if part]
    if not parts or any(part in (".", "..") for part in parts):
        raise ValueError(value)
    path = "/".join(parts)
    return path if parts[-1].lower().endswith((".html", ".htm")) and not text.endswith("/") else path + "/"


def _aliases(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise TypeError(value)
    return tuple(url_path(item) for item in items)


def _series(value: Any) -> str:
    name = _text(value).strip()
    if not slugify(name):
        raise ValueError(value)
    return name


def _part(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValueError(value)


def _template(value: Any) -> str:
    name = _text(value)
    if ".." in name.split("/") or name.startswith("/"):
        raise ValueError(value)
    return name


def _datetime(value: Any, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str):
        text = value.strip()
        parsed = datetime.combine(date.fromisoformat(text), time()) if len(text) == 10 else \
            datetime.fromisoformat(text.replace(" ", "T", 1))
    else:
        raise TypeError(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


MAX_SLUG_BYTES = 200  # file names are limited to 255 bytes; leave room for the rest of the URL


def slug_segment_problem(value: str) -> str | None:
    """Why ``value`` is not one URL segment (a slug is never a path), or None."""
    decoded = unquote(value)
    if decoded != value and any(mark in decoded for mark in ("/", "\\", "..", "\0")):
        return "percent-encoded path characters"
    if value.startswith("/"):
        return "it starts with /"
    if "/" in value or "\\" in value:
        return "it contains a /"
    if ".." in value:
        return "it contains .."
    if len(slugify(value).encode("utf-8")) > MAX_SLUG_BYTES:
        return f"longer than {MAX_SLUG_BYTES} bytes, more than a file name can hold"
    return None


def slugify(text: str) -> str:
    """A URL-safe slug: lower case, unicode letters and digits kept, anything else becomes '-'."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-")
