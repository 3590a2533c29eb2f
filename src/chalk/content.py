"""Stages 2-3: find the Markdown files under ``content/`` and validate their front matter.

``content/posts/**/*.md`` are posts (dated articles); every other ``*.md`` under
``content/`` is a plain page. Each file becomes a :class:`Source` whose
:class:`FrontMatter` is typed and checked, with ``path:line`` errors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, Callable

from .errors import Diagnostics, error, warning
from .yamlsource import YamlMapping, YamlProblem, parse_mapping

POSTS_DIR = "posts"
FENCE = "---"
BOM = b"\xef\xbb\xbf"
KNOWN_FIELDS = ("title", "date", "updated", "summary", "tags", "draft", "slug", "author", "toc", "template",
                "series", "series_part", "image", "image_alt")
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


def discover(content_dir: Path) -> list[Path]:
    """Every Markdown file under ``content_dir``, sorted, skipping hidden and editor temp files."""
    if not content_dir.is_dir():
        return []
    return sorted(
        path for path in content_dir.rglob("*.md")
        if path.is_file() and not any(part.startswith((".", "_")) or part.endswith("~")
                                      for part in path.relative_to(content_dir).parts)
    )


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


def read_source(path: Path, root: Path, content_dir: Path, tz: tzinfo, diagnostics: Diagnostics) -> Source | None:
    """Read and validate one file; problems go to ``diagnostics``; None if it has errors."""
    rel = path.relative_to(root).as_posix()
    data = path.read_bytes()
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(BOM) if data.startswith(BOM) else 0)  # utf-8-sig counts after the BOM
        diagnostics.add(error(f"not UTF-8 text: undecodable byte at offset {offset}", rel,
                              data[:offset].count(b"\n") + 1, hint="save the file as UTF-8"))
        return None
    kind = kind_of(path, content_dir)
    split = split_front_matter(text, rel, diagnostics)
    if split is None:
        return None
    mapping, body, body_line = split
    stem = path.parent.name if path.name == BUNDLE_INDEX and path.parent != content_dir else path.stem
    meta = validate_front_matter(mapping, kind, stem, rel, tz, diagnostics)
    if meta is None:
        return None
    return Source(path, rel, kind, meta, body, body_line)


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
    published = field_value("date", lambda v: _datetime(v, tz), _DATE_EXPECTED)
    if published is None and kind == "post" and data.get("date") is None:  # missing, or `date:` with no value
        problems.add(error(f"date: required for posts, expected {_DATE_EXPECTED}", rel, mapping.line_of("date")))
    meta = {
        "date": published,
        "updated": field_value("updated", lambda v: _datetime(v, tz), _DATE_EXPECTED),
        "summary": field_value("summary", _text, "text"),
        "tags": field_value("tags", _tags, "a list of tags like [gan, vae]") or (),
        "draft": bool(field_value("draft", _flag, "true or false")),
        "author": field_value("author", _text, "text"),
        "toc": field_value("toc", _flag, "true or false"),
        "template": field_value("template", _template, "a template file name like post.html"),
        "series": field_value("series", _series, "a series name like Generative models"),
        "series_part": field_value("series_part", _part, "a whole number of at least 1, like 2"),
        "image": field_value("image", _text, "an image file like cover.jpg"),
        "image_alt": field_value("image_alt", _text, "text describing the image"),
    }
    slug_source = data.get("slug") if data.get("slug") is not None else stem
    slug = slugify(str(slug_source))
    if not slug:
        where = "slug" if "slug" in data else "file name"
        problems.add(error(f"{where}: expected letters or digits to make a URL from, got {_shown(slug_source)}",
                           rel, mapping.line_of("slug")))
    extra = {key: value for key, value in data.items() if key not in KNOWN_FIELDS}
    for key in extra:
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
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise TypeError(value)
    tags = tuple(_text(item).strip() for item in items)
    if not all(tags):
        raise ValueError(value)
    return tags


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


def slugify(text: str) -> str:
    """A URL-safe slug: lower case, unicode letters and digits kept, anything else becomes '-'."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-")
