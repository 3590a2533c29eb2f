"""The build pipeline: ``load()`` gathers and checks everything and writes nothing;
``build()`` is ``load()`` plus rendering and writing, each stage timed.

    config (1) -> content (2-3) -> markdown (4) -> model (5) -> render (6) -> output (7)
"""

from __future__ import annotations

import dataclasses
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .assets import PYGMENTS_CSS, content_hash, pygments_css, static_files
from .check import SourceText, check_site
from .config import Config, load_config, with_base_url
from .content import Source, discover, read_source
from .diagrams import Drawing, find_drawings
from .errors import BuildError, Diagnostic, Diagnostics, Severity
from .markdown import MarkdownRenderer, Rendered
from .model import Site, build_site
from .output import WriteStats, check_output_dir, write_site
from .render import RenderMemo, make_environment, render_all

HASHED_SUFFIXES = (".css", ".js")
CACHE_DIR = ".chalk-cache"  # at the project root; safe to delete


@dataclass(frozen=True)
class BuildOptions:
    """What a command asks of the pipeline."""

    drafts: bool = False
    strict: bool = False
    output: Path | None = None  # set only when the writer named it with --output
    base_url: str | None = None
    check: bool = True  # run the internal link/alt/heading checks (as warnings) after rendering


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

    @property
    def total(self) -> float:
        return sum(self.stages.values())


@dataclass
class Loaded:
    """The checked site model, ready to render; nothing has been written."""

    config: Config
    site: Site
    diagnostics: Diagnostics
    timings: Timings
    texts: dict[str, SourceText] = field(default_factory=dict)


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
        self.incremental = incremental
        self._sources: dict[Path, tuple[tuple[int, int], Source | None, list[Diagnostic]]] = {}
        self._rendered: dict[str, tuple[int, str, Rendered]] = {}
        self.memo = RenderMemo() if incremental else None

    def load(self) -> Loaded:
        """Stages 1-5. Raises :class:`BuildError` with every problem found."""
        diagnostics, timings = Diagnostics(), Timings()
        with timings.stage("config"):
            config = load_config(self.root, diagnostics)
        diagnostics.raise_if_errors()
        assert config is not None
        if self.options.base_url:
            config = with_base_url(config, self.options.base_url)
        with timings.stage("content"):
            sources = self.load_sources(config, diagnostics)
        with timings.stage("markdown"):
            rendered = self.render_sources(sources, diagnostics)
        diagnostics.raise_if_errors()
        with timings.stage("model"):
            drawings: dict[str, Drawing] = find_drawings(config.static_dir)
            site = build_site(config, rendered, drawings, diagnostics)
        diagnostics.raise_if_errors()
        texts = {source.rel: SourceText(source.body, source.body_line) for source, _ in rendered}
        return Loaded(config, site, diagnostics, timings, texts)

    def load_sources(self, config: Config, diagnostics: Diagnostics) -> list[Source]:
        sources, seen = [], {}
        for path in discover(config.content_dir):
            stat = path.stat()
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
        return sources

    def render_sources(self, sources: list[Source], diagnostics: Diagnostics) -> list[tuple[Source, Rendered]]:
        results, kept = [], {}
        for source in sources:
            cached = self._rendered.get(source.rel)
            if cached is not None and cached[0] == source.body_line and cached[1] == source.body:
                rendered = cached[2]
            else:
                rendered = self.renderer.render(source.body, source.rel, source.body_line)
            if self.incremental:
                kept[source.rel] = (source.body_line, source.body, rendered)
            diagnostics.extend(list(rendered.diagnostics))
            results.append((source, rendered))
        self._rendered = kept
        return results

    def render(self, loaded: Loaded) -> dict[str, bytes | Path]:
        """Stage 6: every output file in memory (static files as paths to copy)."""
        config, diagnostics = loaded.config, loaded.diagnostics
        with loaded.timings.stage("render"):
            files: dict[str, bytes | Path] = dict(static_files(config))
            files[PYGMENTS_CSS] = pygments_css(config)
            hashes = {rel: content_hash(data if isinstance(data, bytes) else data.read_bytes())
                      for rel, data in files.items() if rel.endswith(HASHED_SUFFIXES)}
            env = make_environment(config, hashes)
            globals_key = content_hash(repr((config, sorted(hashes.items()))).encode())
            pages = render_all(env, loaded.site, config.root, diagnostics, self.memo, globals_key)
            for rel in sorted(pages.keys() & files.keys()):
                diagnostics.add(Diagnostic(f"static/{rel} and a generated page both want {rel}", f"static/{rel}"))
            files.update(pages)
        diagnostics.raise_if_errors()
        if self.options.check:
            with loaded.timings.stage("check"):
                found = check_site(loaded.site, files, loaded.texts, slots=False)
            diagnostics.extend([dataclasses.replace(d, severity=Severity.WARNING) for d in found])
        if self.options.strict:
            loaded.diagnostics = diagnostics = strict(diagnostics, loaded.site)
            diagnostics.raise_if_errors()
        return files

    def build(self) -> "BuildResult":
        """Load, render, and only then write. On any error nothing is written."""
        loaded = self.load()
        target = output_dir(self.root, loaded.config, self.options)
        files = self.render(loaded)
        with loaded.timings.stage("write"):
            stats = write_site(target, files)
        return BuildResult(loaded, target, files, stats)


def load(root: Path, options: BuildOptions = BuildOptions()) -> Loaded:
    """Stages 1-5 of a clean build; writes nothing."""
    return Builder(root, options).load()


def build(root: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """A clean build: load, render, and only then write."""
    return Builder(root, options).build()


def strict(diagnostics: Diagnostics, site: Site) -> Diagnostics:
    """--strict: every warning and every slot still awaiting its drawing is an error."""
    promoted = Diagnostics([dataclasses.replace(d, severity=Severity.ERROR) for d in diagnostics.items])
    for slot in site.slots:
        if not slot.filled:
            promoted.add(Diagnostic(f"diagram '{slot.id}' awaits a drawing (--strict)", slot.path, slot.line,
                                    hint=f"add static/diagrams/{slot.id}.svg"))
    return promoted


def output_dir(root: Path, config: Config, options: BuildOptions) -> Path:
    if options.output is not None:
        return check_output_dir(options.output, root, explicit=True)
    return check_output_dir(config.output_path, root, explicit=False)


__all__ = ["BuildError", "BuildOptions", "BuildResult", "Builder", "Loaded", "build", "load"]
