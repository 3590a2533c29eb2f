"""The build pipeline: ``load()`` gathers and checks everything and writes nothing;
``build()`` is ``load()`` plus rendering and writing, each stage timed.

    config (1) -> content (2-3) -> markdown (4) -> model (5) -> render (6) -> output (7)
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
from typing import Any, Iterator

from .assets import PYGMENTS_CSS, content_hash, pygments_css, static_files
from .cache import CACHE_DIR, BuildState, load_state, save_state
from .check import CheckMemo, SourceText, check_site
from .config import Config, load_config, with_base_url
from .content import Source, discover, read_source, unreadable, unused_files_warning
from .references import bibliography_files
from .drawing import Drawer, DrawingStore, Drawn, standalone
from .model.drawings import Drawing, find_drawings
from .glossary import Glossary, load_glossary
from .errors import BuildError, Diagnostic, Diagnostics, Severity
from .execute import ArticleCells, Executor, article_of
from .images.publish import ImageWork, publish_images
from .markdown import MarkdownRenderer, Rendered, settings_key_for
from .model import ContentMemo, Site, build_site
from .output import WriteStats, check_output_dir, write_site
from .references import CitationStage
from .report import BuildSummary, SlotNote
from .search import index_site
from .textclean import clean_output
from .render import RenderMemo, TrackingEnvironment, make_environment, render_all, template_files

HASHED_SUFFIXES = (".css", ".js")


@dataclass(frozen=True)
class BuildOptions:
    """What a command asks of the pipeline."""

    drafts: bool = False
    strict: bool = False
    output: Path | None = None  # set only when the writer named it with --output
    base_url: str | None = None
    check: bool = True  # run the internal link/alt/heading checks (as warnings) after rendering
    cache: bool = True  # use the persistent render cache in .chalk-cache/
    jobs: int | None = None  # worker processes for Markdown; None = one per CPU core, 1 = in-process
    search: bool = True  # build the Pagefind index when site.yaml asks for search (chalk check does not)
    keep_going: bool = False  # chalk check: after content errors, go on with everything that loaded
    execute: bool = True  # run stale {python} cells; False (--no-execute): publish from _freeze/ only
    preview: bool = False  # chalk serve: recoverable errors (a formula in an error box, a failing cell) still render


@dataclass
class Timings:
    """Seconds spent per stage."""

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
    images: ImageWork | None = None  # set by render(): bundle files, variants and cards (chalk.images)


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
        return BuildSummary(
            pages=sum(1 for rel in self.files if rel.endswith(".html")),
            written=self.stats.written, removed=self.stats.removed,
            warnings=tuple(self.diagnostics.warnings),
            pending_slots=tuple(SlotNote(slot.path, slot.line, slot.id, slot.caption)
                                for slot in self.site.slots if not slot.filled))


PARALLEL_MIN_PER_JOB = 8  # fewer texts than this per worker are rendered in-process


def _render_in_worker(work: tuple[str, str, int, Glossary | None, dict[str, Any], ArticleCells | None]) -> Rendered:
    """Runs in a worker process; each worker keeps one renderer (process-local, built on first use)."""
    global _WORKER_RENDERER
    body, rel, line, glossary, macros, cells = work
    if _WORKER_RENDERER is None or _WORKER_RENDERER.settings_key() != settings_key_for(glossary, macros):
        _WORKER_RENDERER = MarkdownRenderer(glossary, macros)
    return _WORKER_RENDERER.render(body, rel, line, cells)


_WORKER_RENDERER: MarkdownRenderer | None = None


class Builder:
    """Runs the pipeline, keeping what it can between runs (used as-is by the preview server).

    A fresh Builder is exactly a clean build. A reused one skips re-reading files whose
    size and mtime are unchanged, re-rendering Markdown whose text is unchanged, and
    re-rendering pages whose recorded template inputs are unchanged; the output is
    the same bytes a clean build gives.
    """

    def __init__(self, root: Path, options: BuildOptions = BuildOptions(), incremental: bool = False):
        self.root, self.options = root, options
        self.renderer = MarkdownRenderer()
        self.drawer = Drawer(DrawingStore(root / CACHE_DIR / "diagrams" if options.cache else None))
        self.incremental = incremental
        self._sources: dict[Path, tuple[tuple[int, int], Source | None, list[Diagnostic]]] = {}
        self._rendered: dict[str, tuple[int, str, str, Rendered]] = {}  # rel -> (line, body, key, result)
        self.glossary: Glossary | None = None
        self.math_macros: dict[str, Any] = {}
        self.memo = RenderMemo() if incremental else None
        self.check_memo = CheckMemo() if incremental else None
        self.content_memo = ContentMemo() if incremental else None  # in memory only, not persisted
        self.citations = CitationStage()  # resolves citations after Markdown; in memory only
        self._written_to = ""  # the output folder the memo's files were last written to
        self._env: tuple[str, TrackingEnvironment] | None = None
        self._search: tuple[tuple[str, ...], dict[str, bytes]] | None = None
        self.executor = Executor(root, options.execute, options.preview, options.jobs)
        self._cells: dict[str, ArticleCells] = {}

    def load(self) -> Loaded:
        """Stages 1-5. Raises :class:`BuildError` with every problem found."""
        diagnostics, timings = Diagnostics(), Timings()
        with timings.stage("config"):
            config = load_config(self.root, diagnostics)
        diagnostics.raise_if_errors(self.options.preview)
        assert config is not None
        if self.options.base_url:
            config = with_base_url(config, self.options.base_url)
        with timings.stage("content"):
            sources = self.load_sources(config, diagnostics)
            self.use_glossary(load_glossary(config, diagnostics), config.math_macros)
        with timings.stage("execute"):
            self._cells = self.executor.prepare(config.execute, config.content_dir,
                                                [article_of(s) for s in sources], diagnostics)
        with timings.stage("markdown"):
            rendered = self.render_sources(sources, diagnostics)
        with timings.stage("citations"):
            rendered = self.citations.resolve(config, rendered, diagnostics)
        self._stop_if_errors(diagnostics)
        drawings: dict[str, Drawing] = find_drawings(config.static_dir)
        with timings.stage("diagrams"):
            calls_before = self.drawer.calls.copy()
            slots = [slot for _, result in rendered for slot in result.slots]
            drawn = self.drawer.draw_all(config.root, slots, set(drawings), diagnostics)
        self._stop_if_errors(diagnostics)
        with timings.stage("model"):
            site = build_site(config, rendered, drawings, diagnostics, self.glossary, self.content_memo, drawn)
        self._stop_if_errors(diagnostics)
        texts = {source.rel: SourceText(source.body, source.body_line) for source, _ in rendered}
        return Loaded(config, site, diagnostics, timings, texts, _drawn_files(drawn, slots),
                      dict(self.drawer.calls - calls_before))

    def _stop_if_errors(self, diagnostics: Diagnostics) -> None:
        if not self.options.keep_going:
            diagnostics.raise_if_errors(self.options.preview)

    def use_glossary(self, glossary: Glossary | None, math_macros: dict[str, Any] | None = None) -> None:
        """Render Markdown with this glossary and site.yaml's math_macros from now on (a changed
        glossary or macro is a changed setting)."""
        if settings_key_for(glossary, math_macros) != self.renderer.settings_key():
            self.renderer = MarkdownRenderer(glossary, math_macros)
        self.glossary, self.math_macros = glossary, dict(math_macros or {})

    def load_sources(self, config: Config, diagnostics: Diagnostics) -> list[Source]:
        sources, seen = [], {}
        for path in discover(config.content_dir, diagnostics):
            try:
                stat = path.stat()
            except OSError as exc:  # deleted since it was found
                diagnostics.add(unreadable(path.relative_to(config.root).as_posix(), exc))
                continue
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = self._sources.get(path)
            if cached is None or cached[0] != stamp or not self.incremental:
                found = Diagnostics()
                source = read_source(path, config.root, config.content_dir, config.tz, found)
                cached = (stamp, source, found.items)
            seen[path] = cached
            source, problems = cached[1], cached[2]
            diagnostics.extend(problems)
            if source is not None and (self.options.drafts or not source.meta.draft):
                sources.append(source)
        self._sources = seen
        unused = unused_files_warning(config.content_dir, config.root, bibliography_files(config, sources))
        if unused is not None:
            diagnostics.add(unused)
        return sources

    def render_sources(self, sources: list[Source], diagnostics: Diagnostics) -> list[tuple[Source, Rendered]]:
        """Stage 4, skipping every text whose rendering is known from before."""
        done: dict[str, Rendered] = {}
        settings = self.renderer.settings_key()
        keys = {s.rel: settings + (self._cells[s.rel].digest if s.rel in self._cells else "") for s in sources}
        for source in sources:
            cached = self._rendered.get(source.rel)
            if cached is not None and cached[:3] == (source.body_line, source.body, keys[source.rel]):
                done[source.rel] = cached[3]
        fresh = self._render_markdown([s for s in sources if s.rel not in done])
        done.update(fresh)
        if self.incremental:
            self._rendered = {s.rel: (s.body_line, s.body, keys[s.rel], done[s.rel]) for s in sources}
        results = []
        for source in sources:
            diagnostics.extend(list(done[source.rel].diagnostics))
            results.append((source, done[source.rel]))
        return results

    def _render_markdown(self, sources: list[Source]) -> dict[str, Rendered]:
        """Render in worker processes when there is enough work, else here; same bytes either way."""
        jobs = self.options.jobs or os.cpu_count() or 1
        jobs = min(jobs, len(sources) // PARALLEL_MIN_PER_JOB) if jobs > 1 else 1
        if jobs <= 1:
            return {s.rel: self.renderer.render(s.body, s.rel, s.body_line, self._cells.get(s.rel)) for s in sources}
        work = [(s.body, s.rel, s.body_line, self.glossary, self.math_macros, self._cells.get(s.rel)) for s in sources]
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            rendered = list(pool.map(_render_in_worker, work, chunksize=max(1, len(work) // (jobs * 8))))
        return {s.rel: r for s, r in zip(sources, rendered)}

    def render(self, loaded: Loaded, output: Path | None = None) -> dict[str, bytes | Path]:
        """Stage 6: every output file in memory (static files, and pages reused as written in
        ``output``, as paths)."""
        config, diagnostics = loaded.config, loaded.diagnostics
        with loaded.timings.stage("render"):
            files: dict[str, bytes | Path] = dict(static_files(config, diagnostics))
            files[PYGMENTS_CSS] = pygments_css(config)
            files.update(loaded.drawn_files)
            loaded.images = publish_images(loaded.site, files, loaded.texts, diagnostics, self.options.jobs)
            files.update(loaded.images.files)
            hashes = asset_hashes(files, config.root, diagnostics)
            self._stop_if_errors(diagnostics)
            globals_key = content_hash(repr((config, sorted(hashes.items()))).encode())
            env_key = globals_key + repr(template_files(config))
            if self._env is None or self._env[0] != env_key:  # templates compile once per Builder
                self._env = (env_key, make_environment(config, hashes))
            env = self._env[1]
            pages = render_all(env, loaded.site, config.root, diagnostics, self.memo, globals_key, output)
            for rel in sorted(pages.keys() & files.keys()):
                diagnostics.add(Diagnostic(f"static/{rel} and a generated page both want {rel}", f"static/{rel}"))
            files.update(pages)
            for rel, data in pages.items():
                if isinstance(data, bytes) and rel.endswith((".html", ".xml")):
                    files[rel] = clean_output(rel, data, diagnostics)
        self._stop_if_errors(diagnostics)
        if config.search and self.options.search:
            with loaded.timings.stage("search"):
                files.update(self._search_index(files, config, diagnostics))
            diagnostics.raise_if_errors(self.options.preview)
        if self.options.check:
            with loaded.timings.stage("check"):
                found = check_site(loaded.site, files, loaded.texts, slots=False, memo=self.check_memo,
                                   rendered=self.memo.fresh if self.memo is not None else None)
            diagnostics.extend([dataclasses.replace(d, severity=Severity.WARNING) for d in found])
        if self.options.strict:
            loaded.diagnostics = diagnostics = strict(diagnostics, loaded.site)
            diagnostics.raise_if_errors(self.options.preview)
        return files

    def _search_index(self, files: dict[str, bytes | Path], config: Config,
                      diagnostics: Diagnostics) -> dict[str, bytes]:
        """The Pagefind index; rebuilt only when some page's HTML changed since the last one."""
        pages = tuple(sorted(rel for rel in files if rel.endswith(".html")))
        if self._search is not None and self._search[0] == pages and self.memo is not None and not self.memo.fresh:
            return self._search[1]
        index = index_site(files, config, diagnostics)
        self._search = (pages, index)
        return index

    def build(self) -> "BuildResult":
        """Load, render, and only then write. On any error nothing is written."""
        loaded = self.load()
        target = output_dir(self.root, loaded.config, self.options)
        files = self.render(loaded, target if str(target) == self._written_to else None)
        loaded.diagnostics.raise_if_errors()  # even a preview never writes a page with an error box
        with loaded.timings.stage("write"):
            stats = write_site(target, files)
            if self.memo is not None:
                self.memo.settle(target)
                self._written_to = str(target)
        return BuildResult(loaded, target, files, stats)

    def state(self) -> BuildState:
        """What the next build can start from (see chalk.cache)."""
        entries = self.memo.entries if self.memo is not None else {}
        return BuildState(self._sources, self._rendered, entries, self._written_to, self.check_memo)

    def restore(self, state: BuildState) -> None:
        self._sources, self._rendered = state.sources, state.rendered
        if self.memo is not None:
            self.memo.entries = state.memo_entries
        if state.check_memo is not None:
            self.check_memo = state.check_memo
        self._written_to = state.output


def _drawn_files(drawn: dict[tuple[str, str], Drawn], slots: list) -> dict[str, bytes]:
    """Each drawing made from text as a file of its own, for feed readers (they get <img>, not inline SVG)."""
    alts = {(slot.path, slot.id): slot.alt for slot in slots}
    return {made.rel_url: standalone(made.svg, alts.get(where) or "Diagram") for where, made in sorted(drawn.items())}


def load(root: Path, options: BuildOptions = BuildOptions()) -> Loaded:
    """Stages 1-5 of a clean build; writes nothing."""
    return Builder(root, options).load()


def build(root: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Load, render, and only then write; with options.cache, start from and update .chalk-cache/."""
    if not options.cache:
        return Builder(root, options).build()
    folder = root / CACHE_DIR
    builder = Builder(root, options, incremental=True)
    state = load_state(folder)
    if state is not None:
        builder.restore(state)
    result = builder.build()
    save_state(folder, builder.state())
    return result


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


__all__ = ["BuildError", "BuildOptions", "BuildResult", "Builder", "Loaded", "build", "load"]
