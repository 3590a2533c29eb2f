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
from .config import Config, load_config, with_base_url
from .content import Source, discover, read_source
from .diagrams import Drawing, find_drawings
from .errors import BuildError, Diagnostic, Diagnostics, Severity
from .markdown import MarkdownRenderer, Rendered
from .model import Site, build_site
from .output import WriteStats, check_output_dir, write_site
from .render import make_environment, render_all

HASHED_SUFFIXES = (".css", ".js")


@dataclass(frozen=True)
class BuildOptions:
    """What a command asks of the pipeline."""

    drafts: bool = False
    strict: bool = False
    output: Path | None = None  # set only when the writer named it with --output
    base_url: str | None = None


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


def load(root: Path, options: BuildOptions = BuildOptions(), renderer: MarkdownRenderer | None = None) -> Loaded:
    """Stages 1-5. Raises :class:`BuildError` with every problem found."""
    diagnostics, timings = Diagnostics(), Timings()
    with timings.stage("config"):
        config = load_config(root, diagnostics)
    diagnostics.raise_if_errors()
    assert config is not None
    if options.base_url:
        config = with_base_url(config, options.base_url)
    with timings.stage("content"):
        sources = load_sources(config, options.drafts, diagnostics)
    with timings.stage("markdown"):
        rendered = render_sources(sources, renderer or MarkdownRenderer(), diagnostics)
    diagnostics.raise_if_errors()
    with timings.stage("model"):
        drawings: dict[str, Drawing] = find_drawings(config.static_dir)
        site = build_site(config, rendered, drawings, diagnostics)
    if options.strict:
        diagnostics = strict(diagnostics, site)
    diagnostics.raise_if_errors()
    return Loaded(config, site, diagnostics, timings)


def load_sources(config: Config, drafts: bool, diagnostics: Diagnostics) -> list[Source]:
    sources = []
    for path in discover(config.content_dir):
        source = read_source(path, config.root, config.content_dir, config.tz, diagnostics)
        if source is not None and (drafts or not source.meta.draft):
            sources.append(source)
    return sources


def render_sources(sources: list[Source], renderer: MarkdownRenderer,
                   diagnostics: Diagnostics) -> list[tuple[Source, Rendered]]:
    results = []
    for source in sources:
        rendered = renderer.render(source.body, source.rel, source.body_line)
        diagnostics.extend(list(rendered.diagnostics))
        results.append((source, rendered))
    return results


def strict(diagnostics: Diagnostics, site: Site) -> Diagnostics:
    """--strict: every warning and every slot still awaiting its drawing is an error."""
    promoted = Diagnostics([dataclasses.replace(d, severity=Severity.ERROR) for d in diagnostics.items])
    for slot in site.slots:
        if not slot.filled:
            promoted.add(Diagnostic(f"diagram '{slot.id}' awaits a drawing (--strict)", slot.path, slot.line,
                                    hint=f"add static/diagrams/{slot.id}.svg"))
    return promoted


def render_site(loaded: Loaded) -> dict[str, bytes | Path]:
    """Stage 6: every output file in memory (static files as paths to copy)."""
    config, diagnostics = loaded.config, loaded.diagnostics
    with loaded.timings.stage("render"):
        files: dict[str, bytes | Path] = dict(static_files(config))
        files[PYGMENTS_CSS] = pygments_css(config)
        hashes = {rel: content_hash(data if isinstance(data, bytes) else data.read_bytes())
                  for rel, data in files.items() if rel.endswith(HASHED_SUFFIXES)}
        env = make_environment(config, hashes)
        pages = render_all(env, loaded.site, config.root, diagnostics)
        for rel in sorted(pages.keys() & files.keys()):
            diagnostics.add(Diagnostic(f"static/{rel} and a generated page both want {rel}", f"static/{rel}"))
        files.update(pages)
    diagnostics.raise_if_errors()
    return files


def output_dir(root: Path, config: Config, options: BuildOptions) -> Path:
    if options.output is not None:
        return check_output_dir(options.output, root, explicit=True)
    return check_output_dir(config.output_path, root, explicit=False)


def build(root: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Load, render, and only then write. On any error nothing is written."""
    loaded = load(root, options)
    target = output_dir(root, loaded.config, options)
    files = render_site(loaded)
    with loaded.timings.stage("write"):
        stats = write_site(target, files)
    return BuildResult(loaded, target, files, stats)


__all__ = ["BuildError", "BuildOptions", "BuildResult", "Loaded", "build", "load", "render_site"]
