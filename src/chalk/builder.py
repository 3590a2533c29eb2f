"""The stages run in order, each one timed: :meth:`Builder.load` is 1-5 and writes nothing;
:meth:`Builder.outputs` makes every output file in memory; :meth:`Builder.build` writes them.

    config (1) -> content (2-3) -> markdown (4) -> model (5) -> assets, render (6), search, check, strict
    -> output (7)

A Builder keeps an :class:`~chalk.incremental.State` between runs (the preview server keeps
one Builder; ``chalk build`` restores the state from ``.chalk-cache/``, see chalk.pipeline).
A fresh Builder is exactly a clean build; a reused one skips whatever the state's records
say is unchanged, and the output is the same bytes a clean build gives.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from .assets import PYGMENTS_CSS, content_hash, pygments_css, static_files
from .cache import CACHE_DIR, quick_salt
from .check import SourceText, check_pages, ids_in
from .config import Config, load_config, with_base_url
from .content import Source, files_under, sources_among, unreadable, unused_files_warning
from .drawing import Drawer, DrawingStore, Drawings, Drawn, standalone
from .errors import Diagnostic, Diagnostics, Severity
from .execute import ArticleCells, Executor, article_of
from .glossary import Glossary, load_glossary
from .images.publish import ImageWork, publish_images
from .incremental import ContentRecord, EnvironmentRecord, MarkdownRecord, SearchRecord, SourceRecord, State
from .markdown import MarkdownRenderer, Rendered, settings_key_for
from .markdown.diagrams import DiagramSlot
from .model import Content, Drawing, Site, build_site, fill_content, find_drawings
from .options import BuildOptions
from .output import WriteStats, check_output_dir, write_site
from .references import CitationStage, bibliography_files
from .render import RenderedPages, TrackingEnvironment, make_environment, render_all, settle, template_files
from .render.spool import Spool
from .report import SLOTS_LISTED, BuildSummary, SlotNote
from .search import index_site, pages_key, search_enabled

HASHED_SUFFIXES = (".css", ".js")
PARALLEL_MIN_PER_JOB = 8  # fewer texts than this per worker are rendered in-process


@dataclass(frozen=True)
class Walked:
    """One walk of content/ (kept by an incremental builder, see Builder.read_sources)."""

    root: Path
    content_dir: Path
    files: list[Path]
    problems: tuple[Diagnostic, ...]  # what the walk reported (unreadable folders, links out of the site)
    names: frozenset[str]  # the files as paths from the project
    sources: tuple[tuple[Path, str], ...]  # the content files among them: (path, path from the project)


@dataclass
class Timings:
    """Seconds spent per step."""

    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


@dataclass
class Loaded:
    """The checked site model, ready to render; nothing has been written."""

    config: Config
    site: Site
    diagnostics: Diagnostics
    timings: Timings
    texts: dict[str, SourceText] = field(default_factory=dict)
    drawn_files: dict[str, bytes] = field(default_factory=dict)  # standalone copies of drawings made from text
    engine_calls: dict[str, int] = field(default_factory=dict)  # diagram engine runs in this load, by engine
    images: ImageWork | None = None  # set by assets(): bundle files, variants and cards (chalk.images)


@dataclass
class BuildResult:
    loaded: Loaded
    output: Path
    files: dict[str, bytes | Path]
    stats: WriteStats

    @property
    def site(self) -> Site:
        return self.loaded.site

    @property
    def diagnostics(self) -> Diagnostics:
        return self.loaded.diagnostics

    @property
    def summary(self) -> BuildSummary:
        pending = [slot for slot in self.site.slots if not slot.filled]
        return BuildSummary(
            pages=sum(1 for rel in self.files if rel.endswith(".html")),
            written=self.stats.written, removed=self.stats.removed,
            warnings=tuple(self.diagnostics.warnings),
            pending_slots=tuple(SlotNote(slot.path, slot.line, slot.id, slot.caption)
                                for slot in pending[:SLOTS_LISTED]),
            pending_count=len(pending))


@dataclass(frozen=True)
class Assets:
    """Static files, the Pygments CSS, drawings and images, their content hashes, and a key of everything
    templates get."""

    files: dict[str, bytes | Path]
    hashes: dict[str, str]
    globals_key: str


def _render_in_worker(work: tuple[str, str, int, Glossary | None, dict[str, Any], ArticleCells | None]) -> Rendered:
    """Runs in a worker process; each worker keeps one renderer (process-local, built on first use)."""
    global _WORKER_RENDERER
    body, rel, line, glossary, macros, cells = work
    if _WORKER_RENDERER is None or _WORKER_RENDERER.settings_key() != settings_key_for(glossary, macros):
        _WORKER_RENDERER = MarkdownRenderer(glossary, macros)
    return _WORKER_RENDERER.render(body, rel, line, cells)


_WORKER_RENDERER: MarkdownRenderer | None = None


class Builder:
    """Runs the pipeline, keeping what it can between runs in :attr:`state`."""

    def __init__(self, root: Path, options: BuildOptions = BuildOptions(), incremental: bool = False,
                 state: State | None = None):
        self.root, self.options, self.incremental = root, options, incremental
        self.state = state if state is not None else State()
        self.renderer = MarkdownRenderer()
        self.glossary: Glossary | None = None
        self.math_macros: dict[str, Any] = {}
        self.last_render = RenderedPages()  # what the last render did (the preview server reports it)
        # chalk serve: the files to index in the background when the last build used the previous index
        self.search_pending: dict[str, bytes | Path] | None = None
        self.drawer = Drawer(DrawingStore(root / CACHE_DIR / "diagrams" if options.cache else None))
        self.citations = CitationStage()  # resolves citations after Markdown; in memory only
        self.executor = Executor(root, options.execute, options.preview, options.jobs)
        self.cells: dict[str, ArticleCells] = {}  # this load's executed cells, by source
        self.walked: Walked | None = None  # the last walk of content/ (kept by an incremental builder)
        self.trusted = False  # whether the last load took its list of changed files on trust

    # ----------------------------------------------------------------------- stages 1-5

    def load(self, changed: set[Path] | None = None) -> Loaded:
        """Stages 1-5. Raises :class:`BuildError` with every problem found.

        ``changed``: the files that changed since the last load, as a watcher saw them (chalk
        serve); then content/ is not walked again, nor every file in it looked at, when that list
        can be trusted (see :meth:`read_sources`; :meth:`sources_moved` checks it afterwards)."""
        diagnostics, timings = Diagnostics(), Timings()
        with timings.stage("config"):
            config = self.read_config(diagnostics)
        with timings.stage("content"):
            sources = self.read_sources(config, diagnostics, changed)
            self.use_glossary(load_glossary(config, diagnostics), config.math_macros)
        with timings.stage("execute"):
            self.cells = self.executor.prepare(config.execute, config.content_dir,
                                               [article_of(s) for s in sources], diagnostics)
        with timings.stage("markdown"):
            rendered = self.render_markdown(sources, diagnostics)
        with timings.stage("citations"):
            rendered = self.citations.resolve(config, rendered, diagnostics)
        self.stop_if_errors(diagnostics)
        drawings = find_drawings(config.static_dir)
        with timings.stage("diagrams"):
            calls_before = self.drawer.calls.copy()
            slots = [slot for _, result in rendered for slot in result.slots]
            drawn = self.drawer.draw_all(config.root, slots, set(drawings), diagnostics)
        self.stop_if_errors(diagnostics)
        with timings.stage("model"):
            site = self.make_model(config, rendered, drawings, drawn, diagnostics)
        self.stop_if_errors(diagnostics)
        texts = {source.rel: SourceText(source.body, source.body_line) for source, _ in rendered}
        return Loaded(config, site, diagnostics, timings, texts, _drawn_files(drawn, slots),
                      dict(self.drawer.calls - calls_before))

    def stop_if_errors(self, diagnostics: Diagnostics) -> None:
        """Raise :class:`BuildError` if there are errors (chalk check goes on; chalk serve lets
        recoverable ones, shown in the page, through)."""
        if not self.options.keep_going:
            diagnostics.raise_if_errors(self.options.preview)

    def read_config(self, diagnostics: Diagnostics) -> Config:
        """Stage 1: site.yaml (and --base-url)."""
        config = load_config(self.root, diagnostics)
        diagnostics.raise_if_errors(self.options.preview)
        assert config is not None
        return with_base_url(config, self.options.base_url) if self.options.base_url else config

    def read_sources(self, config: Config, diagnostics: Diagnostics,
                     changed: set[Path] | None = None) -> list[Source]:
        """Stages 2-3: every content file, parsed again only when its bytes or the time zone changed.

        With ``changed`` (see :meth:`load`) that name only files content/ held at the last walk,
        still there as files, the walk is not done again and only those files are looked at."""
        sources, records = [], {}
        looked_at = self._trusted_changes(config, changed)  # None unless a walk is kept (self.walked)
        self.trusted = looked_at is not None
        if looked_at is not None and self.walked is not None:
            walked = self.walked
            diagnostics.extend(list(walked.problems))
        else:
            walked = self.walk_content(config, diagnostics)  # walked once, for sources and unused files
        for path, rel in walked.sources:
            known = self.state.sources.get(rel) if self.incremental else None
            trusted = looked_at is not None and known is not None and known.zone == config.timezone \
                and rel not in looked_at  # the watcher saw no change to this file
            record = known if trusted else self._read_source(path, rel, known, config, diagnostics)
            if record is None:
                continue
            records[rel] = record
            diagnostics.extend(list(record.problems))
            if record.source is not None and (self.options.drafts or not record.source.meta.draft):
                sources.append(record.source)
        self.state.sources = records
        unused = unused_files_warning(config.content_dir, config.root, bibliography_files(config, sources),
                                      candidates=walked.files)
        if unused is not None:
            diagnostics.add(unused)
        return sources

    def _read_source(self, path: Path, rel: str, known: SourceRecord | None, config: Config,
                     diagnostics: Diagnostics) -> SourceRecord | None:
        """The record of one content file: ``known`` if the file is still what it read, else read again."""
        try:
            stat = path.stat()
        except OSError as exc:  # deleted since it was found
            diagnostics.add(unreadable(rel, exc))
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        record = known.still(path, stamp, config.timezone) if known is not None else None
        return record if record is not None else SourceRecord.read(path, rel, stamp, config, diagnostics)

    def walk_content(self, config: Config, diagnostics: Diagnostics) -> Walked:
        """Every file under content/ (see chalk.content.files_under); an incremental builder keeps the walk."""
        found = Diagnostics()
        files = files_under(config.content_dir, found)
        diagnostics.extend(list(found.items))
        root = config.root.as_posix().rstrip("/") + "/"
        def rel(path: Path) -> str:  # found under the project: a prefix removed is 20x cheaper than relative_to
            return path.as_posix().removeprefix(root)

        walked = Walked(config.root, config.content_dir, files, tuple(found.items), frozenset(map(rel, files)),
                        tuple((path, rel(path)) for path in sources_among(files)))
        if self.incremental:
            self.walked = walked
        return walked

    def _trusted_changes(self, config: Config, changed: set[Path] | None) -> set[str] | None:
        """The project-relative paths of the ``changed`` files under content/, when the last walk of
        content/ still holds for them: each one of its files, and still a file. None when content/
        must be walked again: a file added, removed or replaced by a folder, content/ itself, or a
        path that is not under the project as the walk named it (another spelling of it)."""
        walked = self.walked
        if changed is None or walked is None or not self.incremental \
                or (walked.root, walked.content_dir) != (config.root, config.content_dir):
            return None
        root, content = os.path.abspath(config.root) + os.sep, os.path.abspath(config.content_dir) + os.sep
        looked_at = set()
        for path in changed:
            full = os.path.abspath(path)
            if not full.startswith(root) or full + os.sep == content:
                return None
            if not full.startswith(content):
                continue  # templates/, static/, site.yaml: not content/'s files
            rel = full[len(root):].replace(os.sep, "/")
            if rel not in walked.names or not os.path.isfile(full):
                return None
            looked_at.add(rel)
        return looked_at

    def sources_moved(self) -> bool:
        """Whether content/ holds other files, or other versions of them, than the last load knew
        (content/ walked again and every file looked at): after a load that took the watcher's
        word for what changed, the check that it missed nothing."""
        walked = self.walked
        if walked is None:
            return True
        if files_under(walked.content_dir) != walked.files:
            return True
        for path, rel in walked.sources:
            known = self.state.sources.get(rel)
            if known is None:
                continue  # it could not be read: the load said so, and a fix of it is an event of its own
            try:
                stat = path.stat()
            except OSError:
                return True
            if (stat.st_mtime_ns, stat.st_size) != known.stamp:
                return True
        return False

    def use_glossary(self, glossary: Glossary | None, math_macros: dict[str, Any] | None = None) -> None:
        """Render Markdown with this glossary and site.yaml's math_macros from now on (a changed
        glossary or macro is a changed setting)."""
        if settings_key_for(glossary, math_macros) != self.renderer.settings_key():
            self.renderer = MarkdownRenderer(glossary, math_macros)
        self.glossary, self.math_macros = glossary, dict(math_macros or {})

    def render_markdown(self, sources: list[Source], diagnostics: Diagnostics) -> list[tuple[Source, Rendered]]:
        """Stage 4, skipping every text whose rendering is known from before (an article's executed
        cells count as a setting: new results are a new rendering)."""
        base = self.renderer.settings_key()
        settings = {s.rel: base + (self.cells[s.rel].digest if s.rel in self.cells else "") for s in sources}
        known = {s.rel: record for s in sources
                 if (record := self.state.markdown.get(s.rel)) is not None and record.matches(s, settings[s.rel])}
        fresh = self._render_texts([s for s in sources if s.rel not in known])
        records = {s.rel: known.get(s.rel)
                   or MarkdownRecord(s.body_line, s.body_digest, settings[s.rel], fresh[s.rel])
                   for s in sources}
        if self.incremental:
            self.state.markdown = records
        results = []
        for source in sources:
            rendered = records[source.rel].rendered
            diagnostics.extend(list(rendered.diagnostics))
            results.append((source, rendered))
        return results

    def _render_texts(self, sources: list[Source]) -> dict[str, Rendered]:
        """Render in worker processes when there is enough work, else here; same bytes either way."""
        jobs = self.options.jobs or os.cpu_count() or 1
        jobs = min(jobs, len(sources) // PARALLEL_MIN_PER_JOB) if jobs > 1 else 1
        if jobs <= 1:
            return {s.rel: self.renderer.render(s.body, s.rel, s.body_line, self.cells.get(s.rel)) for s in sources}
        work = [(s.body, s.rel, s.body_line, self.glossary, self.math_macros, self.cells.get(s.rel)) for s in sources]
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            rendered = list(pool.map(_render_in_worker, work, chunksize=max(1, len(work) // (jobs * 8))))
        return {s.rel: r for s, r in zip(sources, rendered)}

    def make_model(self, config: Config, rendered: list[tuple[Source, Rendered]], drawings: dict[str, Drawing],
                   drawn: dict[tuple[str, str], Drawn], diagnostics: Diagnostics) -> Site:
        """Stage 5: drawings into their slots (reused while nothing they depend on changed), then the model."""
        failed = tuple(sorted(drawn.failed.items())) if isinstance(drawn, Drawings) else ()
        key = (tuple(sorted(drawings.items())), config.base_path, tuple(sorted((k, d.key) for k, d in drawn.items())),
               failed)
        contents: dict[str, Content] = {}
        records: dict[str, ContentRecord] = {}
        for source, text in rendered:
            record = self.state.content.get(source.rel)
            if record is None or record.rendered is not text or record.key != key:
                record = ContentRecord(text, key, fill_content(text, drawings, config.base_path, drawn))
            records[source.rel], contents[source.rel] = record, record.content
        if self.incremental:
            self.state.content = records
        site = build_site(config, rendered, drawings, diagnostics, self.glossary, contents, drawn,
                          self.state.own if self.incremental else None)
        if self.incremental:
            self.state.own = site.own
        return site

    # ----------------------------------------------------------------------- stage 6 and the checks

    def outputs(self, loaded: Loaded, output: Path | None = None, spool: Spool | None = None) -> dict[str, bytes | Path]:
        """Every output file (pages reused as written in ``output``, or waiting in ``spool``, as
        paths; the rest in memory): a checklist."""
        config, options, step = loaded.config, self.options, loaded.timings.stage
        with step("assets"):
            assets = self.assets(loaded)
        self.stop_if_errors(loaded.diagnostics)
        with step("render"):
            files = {**assets.files, **self.render(loaded, assets, output, spool)}
        self.stop_if_errors(loaded.diagnostics)
        self.search_pending = None
        if config.search and options.search:
            with step("search"):
                files.update(self.search_index(config, files, loaded.diagnostics))
            loaded.diagnostics.raise_if_errors(options.preview)
        if options.check:
            with step("check"):
                loaded.diagnostics.extend(self.check(loaded, files))
        if options.strict:
            with step("strict"):
                loaded.diagnostics = strict(loaded.diagnostics, loaded.site)
            loaded.diagnostics.raise_if_errors(options.preview)
        return files

    def assets(self, loaded: Loaded) -> Assets:
        """Static files, the Pygments CSS, standalone drawings, images (variants and cards), and the
        hashes that bust browser caches."""
        config, diagnostics = loaded.config, loaded.diagnostics
        files: dict[str, bytes | Path] = dict(static_files(config, diagnostics))
        files[PYGMENTS_CSS] = pygments_css(config)
        files.update(loaded.drawn_files)
        loaded.images = publish_images(loaded.site, files, loaded.texts, diagnostics, self.options.jobs)
        files.update(loaded.images.files)
        hashes = asset_hashes(files, config.root, diagnostics)
        # not where the project lies: a checkout elsewhere (a CI runner's) renders the same pages
        where_free = dataclasses.replace(config, root=Path("."))
        return Assets(files, hashes, content_hash(repr((where_free, sorted(hashes.items()))).encode()))

    def environment(self, config: Config, assets: Assets) -> TrackingEnvironment:
        """The Jinja environment; templates compile once while their files and the globals stay the same."""
        key = assets.globals_key + repr(template_files(config))
        record = self.state.environment
        if record is None or record.key != key:
            record = self.state.environment = EnvironmentRecord(key, make_environment(config, assets.hashes,
                                                                                      self.compiled_templates()))
        assert isinstance(record.environment, TrackingEnvironment)
        return record.environment

    def compiled_templates(self) -> Path | None:
        """Where compiled templates are kept (per chalk and Jinja version), or None without the cache."""
        if not self.options.cache:
            return None
        folder = self.root / CACHE_DIR / "templates" / content_hash(quick_salt().encode())[:16]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return folder

    def render(self, loaded: Loaded, assets: Assets, output: Path | None = None,
               spool: Spool | None = None) -> dict[str, bytes | Path]:
        """Stage 6: every page, reusing those whose recorded inputs are unchanged."""
        config, diagnostics = loaded.config, loaded.diagnostics
        done = render_all(self.environment(config, assets), loaded.site, config.root, diagnostics,
                          search=search_enabled(config), previous=self.state.pages if self.incremental else None,
                          globals_key=assets.globals_key, output=output,
                          digests=self.state.digests if self.incremental else None,
                          jobs=1 if self.options.preview else self.options.jobs or os.cpu_count() or 1,
                          before=self.state.objects if self.incremental else None, spool=spool)
        if len(self.state.digests) > 64 * len(done.records) + 1024:  # bounded: let old values go now and then
            self.state.digests.clear()
        self.state.pages, self.state.objects, self.last_render = done.records, done.objects, done
        for rel in sorted(done.files.keys() & assets.files.keys()):
            diagnostics.add(Diagnostic(f"static/{rel} and a generated page both want {rel}", f"static/{rel}"))
        return done.files

    def search_index(self, config: Config, files: dict[str, bytes | Path],
                     diagnostics: Diagnostics) -> dict[str, bytes]:
        """The Pagefind index; made again only when some page's HTML changed since the last one.

        In ``chalk serve`` (``options.preview``) with an index made before, that index is used
        as it is and :attr:`search_pending` holds the files to index: the preview server has
        :meth:`index_now` make the new one in the background, so no save waits for Pagefind.
        """
        pages = tuple(sorted(rel for rel in files if rel.endswith(".html")))
        last = self.state.search
        if last is not None and last.pages == pages and self.incremental and not self.last_render.fresh:
            return last.bundle
        if last is not None and self.options.preview:
            self.search_pending = dict(files)
            return last.bundle
        return self.index_now(config, files, diagnostics)

    def index_now(self, config: Config, files: Mapping[str, bytes | Path],
                  diagnostics: Diagnostics) -> dict[str, bytes]:
        """Index these pages (unless the last index is of exactly these pages) and remember it."""
        pages = tuple(sorted(rel for rel in files if rel.endswith(".html")))
        last = self.state.search
        # the key only matters to a next build in this process (chalk serve's): "" matches no other
        key = pages_key(files) if last is not None or self.options.preview else ""
        if last is not None and last.key == key:  # the same pages (a stylesheet edit in chalk serve)
            return last.bundle
        shards = self.root / CACHE_DIR / "search" if self.options.cache else None
        bundle = index_site(files, config, diagnostics, shards)
        if not diagnostics.errors:
            self.state.search = SearchRecord(pages, key, bundle)
        return bundle

    def check(self, loaded: Loaded, files: dict[str, bytes | Path]) -> list[Diagnostic]:
        """The internal checks, as warnings; a page keeps its results while nothing it points to changed."""
        previous = self.state.checks if self.incremental and self.state.checked_outputs else None
        changed = None
        if previous is not None:  # a page rendered anew with the very same anchors leaves links to it as they were
            moved = {rel for rel in self.last_render.fresh
                     if not _same_anchors(self.last_render.replaced.get(rel), files.get(rel))}
            changed = moved | (set(files) ^ self.state.checked_outputs)
        checked = check_pages(loaded.site, files, loaded.texts, previous, changed)
        if self.incremental:
            self.state.checks, self.state.checked_outputs = checked.records, frozenset(files)
        return [dataclasses.replace(d, severity=Severity.WARNING) for d in checked.problems]

    # ----------------------------------------------------------------------- stage 7

    def build(self) -> BuildResult:
        """Load, make every file, and only then write. On any error nothing is written.

        Pages rendered anew wait in a spool beside the output folder until the write (not in
        chalk serve, which serves them from memory)."""
        loaded = self.load()
        target = output_dir(self.root, loaded.config, self.options)
        reuse = target if _output_key(target, self.root) == self.state.written_to else None
        spool = None if self.options.preview else Spool.beside(target)
        try:
            files = self.outputs(loaded, reuse, spool)
            loaded.diagnostics.raise_if_errors()  # even a preview never writes a page with an error box
            with loaded.timings.stage("write"):
                stats = write_site(target, files, spool.folder if spool is not None else None)
                if spool is not None:  # its files are in the output folder now (moved, or equal to those there)
                    files = {rel: target / rel if spool.holds(data) else data for rel, data in files.items()}
                if self.incremental:
                    self.state.pages = settle(self.state.pages, target)
                    self.state.written_to = _output_key(target, self.root)
        finally:
            if spool is not None:
                spool.remove()
        return BuildResult(loaded, target, files, stats)


def _output_key(target: Path, root: Path) -> str:
    """The output folder as the state remembers it: relative to the project when inside it (so a
    checkout elsewhere, with its public/ restored, still reuses the pages written there)."""
    try:
        return "./" + target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(target)


def _same_anchors(before: bytes | None, now: bytes | Path | None) -> bool:
    """Whether a page rendered anew still has exactly the ids it had (known only while its last
    bytes are in memory: chalk serve)."""
    return isinstance(before, bytes) and isinstance(now, bytes) and ids_in(before) == ids_in(now)


def _drawn_files(drawn: dict[tuple[str, str], Drawn], slots: list[DiagramSlot]) -> dict[str, bytes]:
    """Each drawing made from text as a file of its own, for feed readers (they get <img>, not inline SVG)."""
    if not drawn:
        return {}  # no slot drawn from text: none of the slots needs looking at
    alts = {(slot.path, slot.id): slot.alt for slot in slots}
    return {made.rel_url: standalone(made.svg, alts.get(where) or "Diagram") for where, made in sorted(drawn.items())}


def asset_hashes(files: dict[str, bytes | Path], root: Path, diagnostics: Diagnostics) -> dict[str, str]:
    """Content hashes of stylesheets and scripts; a file that cannot be read is an error naming it."""
    hashes = {}
    for rel, data in files.items():
        if rel.endswith(HASHED_SUFFIXES):
            try:
                hashes[rel] = content_hash(data if isinstance(data, bytes) else data.read_bytes())
            except OSError as exc:
                shown = data.relative_to(root).as_posix() if isinstance(data, Path) and data.is_relative_to(root) \
                    else str(data)
                diagnostics.add(Diagnostic(f"cannot read this file: {exc.strerror or exc}", shown))
    return hashes


def strict(diagnostics: Diagnostics, site: Site) -> Diagnostics:
    """--strict: every warning and every slot still awaiting its drawing is an error."""
    promoted = Diagnostics([dataclasses.replace(d, severity=Severity.ERROR) for d in diagnostics.items])
    for slot in site.slots:
        if not slot.filled:
            promoted.add(Diagnostic(f"diagram '{slot.id}' awaits a drawing (--strict)", slot.path, slot.line,
                                    hint=f"add static/diagrams/{slot.id}.svg"))
    return promoted


def output_dir(root: Path, config: Config, options: BuildOptions) -> Path:
    """The folder to write into, refused if writing there could destroy the project."""
    if options.output is not None:
        return check_output_dir(options.output, root, explicit=True)
    return check_output_dir(config.output_path, root, explicit=False)
