"""What a build keeps for the next one: one typed record per stage, keyed on what, invalidated by what.

=========  =======================  ==================================  ====================================
stage      record                   keyed on                            stale when
=========  =======================  ==================================  ====================================
2-3 read   :class:`SourceRecord`    the file (``content/x.md``)         its bytes (unchanged while its
                                                                        (mtime, size) stamp is) or the zone
4 Markdown :class:`MarkdownRecord`  the source (``content/x.md``)       its body, first body line or the
                                                                        renderer's settings (glossary) change
5 model    :class:`ContentRecord`   the source                          its rendered Markdown (the very
                                                                        object), the drawings or base path
6 pages    :class:`PageRecord`      the output path (``x/index.html``)  any model fact or template its last
                                                                        render read, or the globals, changes
  check    :class:`CheckRecord`     the output path                     its content, first body line, or an
                                                                        output it links to changes
  search   :class:`SearchRecord`    the set of pages                    any page is rendered anew
  env      :class:`EnvironmentRecord`  the template files and globals   any of them changes
=========  =======================  ==================================  ====================================

A :class:`State` holds all of them. A fresh one is exactly a clean build; the preview server
keeps one in memory, ``chalk build`` and ``chalk deploy`` restore one from ``.chalk-cache/``
(:func:`restore`, :func:`persist`; the stages marked *memory only* below are rebuilt cheaply
and never stored). The stages never see this module's bookkeeping: each gets the previous
records it may reuse and hands back the new ones.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from .cache import Stamp, Store
from .config import Config
from .content import Source, read_source, unreadable
from .digest import file_digest, holds
from .errors import Diagnostic, Diagnostics
from .markdown import Rendered
from .model import Content

Fact = tuple[str, str]  # (model object key, attribute name), e.g. ("page:content/x.md", "title")


@dataclass(frozen=True)
class SourceRecord:
    """Stage 2-3: a content file read and validated (None if it had errors), with its problems."""

    stamp: Stamp
    source: Source | None
    problems: tuple[Diagnostic, ...]
    zone: str = ""  # site.yaml's timezone, which dates without a zone were read in
    digest: bytes = b""  # file_digest of the file's bytes

    @classmethod
    def read(cls, path: Path, rel: str, stamp: Stamp, config: Config,
             diagnostics: Diagnostics) -> "SourceRecord | None":
        """The file read and validated, with its problems; None (and the error) if it cannot be read
        (then nothing is remembered: the next build tries again)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.add(unreadable(rel, exc))
            return None
        found = Diagnostics()
        source = read_source(path, config.root, config.content_dir, config.tz, found, data)
        return cls(stamp, source, tuple(found.items), config.timezone, file_digest(data))

    def still(self, path: Path, stamp: Stamp, zone: str) -> "SourceRecord | None":
        """This record if ``path`` still holds the file it was read from and dates are read in the
        same ``zone``: known by the stamp, or else by the content (a checkout restored from a CI
        cache has new times, and may lie elsewhere); restamped and moved as needed; else None."""
        if zone != self.zone:
            return None
        if stamp != self.stamp and (stamp[1] != self.stamp[1] or not holds(path, self.digest)):
            return None
        if stamp == self.stamp and (self.source is None or self.source.path == path):
            return self
        source = self.source if self.source is None else dataclasses.replace(self.source, path=path)
        return dataclasses.replace(self, stamp=stamp, source=source)


@dataclass(frozen=True)
class MarkdownRecord:
    """Stage 4: a body rendered to HTML."""

    body_line: int
    body_digest: bytes
    settings: str  # MarkdownRenderer.settings_key() it was rendered with
    rendered: Rendered

    def matches(self, source: Source, settings: str) -> bool:
        return (self.body_line, self.settings) == (source.body_line, settings) and \
            self.body_digest == source.body_digest


@dataclass(frozen=True)
class ContentRecord:
    """Stage 5 (memory only): reusable while ``rendered`` is the same object and ``key`` is equal."""

    rendered: Rendered
    key: Any  # drawings and base path
    content: Content


@dataclass
class Reads:
    """What one page's rendering read: model facts with a fingerprint of the value seen, and templates."""

    facts: dict[Fact, bytes] = field(default_factory=dict)
    templates: set[str] = field(default_factory=set)

    @cached_property
    def objects(self) -> frozenset[str]:
        """The model objects read (asked once the render is over: the facts never change after it;
        remembered in memory only, as it is no field)."""
        return frozenset(key for key, _ in self.facts)


@dataclass(frozen=True)
class PageRecord:
    """Stage 6: one rendered page and everything its render read."""

    data: bytes | None  # None once written: the output file itself then holds the bytes
    reads: Reads
    templates: dict[str, str]  # name -> source hash, of the templates this page used
    globals_key: str
    written: tuple[int, int] | None = None  # (size, mtime_ns) of the output file as written
    digest: bytes = b""  # of the bytes written (file_digest): a copy with new times is still this page

    def on_disk(self, target: Path | None) -> "PageRecord | None":
        """This record if ``target`` is still exactly the file it wrote (by its stamp, or else by its
        content: a checkout restored from a CI cache has new times), restamped; else None."""
        if target is None or self.written is None:
            return None
        try:
            stat = target.stat()
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns) == self.written:
            return self
        if stat.st_size != self.written[0] or not holds(target, self.digest):
            return None
        return dataclasses.replace(self, written=(stat.st_size, stat.st_mtime_ns))


@dataclass(frozen=True)
class CheckRecord:
    """The internal checks of one page: reusable while its content and line are the same and no
    output it points to was rendered anew, added or removed."""

    content_digest: bytes
    body_line: int
    targets: frozenset[str]
    problems: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class SearchRecord:
    """The search bundle (memory only): reusable for the same pages, none rendered anew, or the same bytes."""

    pages: tuple[str, ...]
    key: str  # search.pages_key() of the pages it indexed
    bundle: dict[str, bytes]


@dataclass(frozen=True)
class EnvironmentRecord:
    """The Jinja environment (memory only): templates compile once while their files and globals stay."""

    key: str
    environment: jinja2.Environment


@dataclass
class State:
    """Everything one build hands to the next."""

    sources: dict[str, SourceRecord] = field(default_factory=dict)  # by the file's path from the project
    markdown: dict[str, MarkdownRecord] = field(default_factory=dict)  # by source rel
    content: dict[str, ContentRecord] = field(default_factory=dict)  # by source rel; memory only
    pages: dict[str, PageRecord] = field(default_factory=dict)  # by output path
    checks: dict[str, CheckRecord] = field(default_factory=dict)  # by output path
    checked_outputs: frozenset[str] = frozenset()  # every output of the last checked build
    written_to: str = ""  # the output folder the page records' files were written to
    search: SearchRecord | None = None
    environment: EnvironmentRecord | None = None
    digests: dict[object, tuple[Any, bytes]] = field(default_factory=dict)  # memory only: see render.fact_fingerprint
    # memory only: the model objects the page records were last checked against (see render.Comparison)
    objects: dict[str, Any] = field(default_factory=dict)
    own: dict[str, Any] = field(default_factory=dict)  # memory only: chalk.model.build.OwnFields by source


PERSISTED = ("sources", "markdown", "pages", "checks")


def restore(store: Store) -> State:
    """The state saved in ``store`` (records of the wrong type are dropped: they are just work to redo)."""
    tables = {name: store.table(name) for name in PERSISTED}
    kinds: dict[str, type] = {"sources": SourceRecord, "markdown": MarkdownRecord, "pages": PageRecord,
                              "checks": CheckRecord}
    clean: dict[str, Any] = {name: {k: v for k, v in rows.items() if isinstance(v, kinds[name])}
                             for name, rows in tables.items()}
    build = store.table("build")
    written, checked = build.get("written_to", ""), build.get("checked_outputs", frozenset())
    return State(sources=clean["sources"], markdown=clean["markdown"], pages=clean["pages"], checks=clean["checks"],
                 written_to=written if isinstance(written, str) else "",
                 checked_outputs=checked if isinstance(checked, frozenset) else frozenset())


def persist(store: Store, state: State) -> None:
    """Save ``state`` into ``store``; only records that changed since :func:`restore` are written."""
    store.save({"sources": state.sources, "markdown": state.markdown, "pages": state.pages,
                "checks": state.checks,
                "build": {"written_to": state.written_to, "checked_outputs": state.checked_outputs}})
