"""The execution step, between reading sources (2-3) and rendering Markdown (4).

For each article with cells it decides where their outputs come from: a notebook's
stored outputs, the freeze, or a fresh run; runs what must run (one kernel per
article, in worker processes, several articles at once); freezes what ran; and
hands Markdown rendering one :class:`ArticleCells` per article, as data.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, Diagnostics, error, warning
from ..notebook import NOTEBOOK_SUFFIX, NotebookProblem, stored_outputs
from .cells import Cell, find_cells
from .freeze import FREEZE_DIR, freeze_key, freeze_path, read_frozen, write_frozen
from .kernel import EXTRA_HINT, Job, KernelMissing, Outcome, check_kernel, run_job
from .results import ArticleCells, CellResult
from .settings import ExecuteSettings, parse_execute


_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


@dataclass(frozen=True)
class Article:
    """What the step needs to know of one source (a :class:`chalk.content.Source`)."""

    rel: str  # relative to the site's folder: content/posts/x.md
    path: Path
    body: str
    body_line: int
    execute: Any  # the front matter's `execute:` value
    execute_line: int | None
    jupytext: bool


@dataclass(frozen=True)
class _Plan:
    article: Article
    cells: list[Cell]
    settings: ExecuteSettings
    key: str
    freeze: Path


@dataclass
class Executor:
    """Runs cells for a builder; remembers results by freeze key (so ``chalk serve`` re-runs only
    what changed, failures included)."""

    root: Path
    run: bool = True  # False: --no-execute, publish from the freeze only
    preview: bool = False  # chalk serve: a failing cell is shown on the page, not a failed build
    jobs: int | None = None
    kernels_started: int = 0
    failures: list[Diagnostic] = field(default_factory=list)  # this build's cell errors (for the overlay)
    _memory: dict[str, tuple[str, ArticleCells, tuple[Diagnostic, ...]]] = field(default_factory=dict)
    _without: dict[str, str] = field(default_factory=dict)  # rel -> the body (the same object) that has no cell

    def prepare(self, site_execute: Any, content_dir: Path, articles: list[Article],
                diagnostics: Diagnostics) -> dict[str, ArticleCells]:
        """Every article's cells, by ``rel``; problems go to ``diagnostics``."""
        self.failures = []
        site = parse_execute(site_execute, self.root, "site.yaml", None, diagnostics)
        found: dict[str, ArticleCells] = {}
        stale: list[_Plan] = []
        without: dict[str, str] = {}
        for article in articles:
            if self._without.get(article.rel) is article.body:  # an unchanged text known to hold no cell
                without[article.rel] = article.body
                continue
            settings = parse_execute(article.execute, article.path.parent, article.rel, article.execute_line,
                                     diagnostics, site)
            cells = find_cells(article.body, article.body_line, article.rel, article.jupytext,
                               dict(settings.defaults))
            if not cells:
                if article.execute is None:
                    without[article.rel] = article.body
                continue
            if not settings.enabled:
                found[article.rel] = self._not_executed(article, cells, settings, diagnostics)
                continue
            plan = self._plan(article, cells, settings, content_dir)
            self._check_watched(article, settings, content_dir, diagnostics)
            known = self._memory.get(article.rel)
            if known is not None and known[0] == plan.key:
                found[article.rel] = known[1]
                self._report(known[2], diagnostics)
                continue
            frozen = read_frozen(plan.freeze, plan.key)
            if frozen is not None and len(frozen) == len(cells):
                found[article.rel] = self._remember(plan, ArticleCells(frozen, article.jupytext, "freeze",
                                                                       defaults=settings.defaults), ())
            else:
                stale.append(plan)
        if stale and not self.run:
            for plan in stale:
                diagnostics.add(error(
                    f"execute: no frozen result for this article's {len(plan.cells)} cell(s) (--no-execute)",
                    plan.article.rel,
                    plan.cells[0].line, hint=f"run `chalk build` where Jupyter is installed and commit "
                                             f"{plan.freeze.relative_to(self.root).as_posix()}"))
        elif stale:
            found.update(self._run(stale, diagnostics))
        self._without = without
        return found

    def _not_executed(self, article: Article, cells: list[Cell], settings: ExecuteSettings,
                      diagnostics: Diagnostics) -> ArticleCells:
        if article.path.suffix == NOTEBOOK_SUFFIX:
            return ArticleCells(_stored(article, cells), False, "notebook", defaults=settings.defaults)
        if not article.jupytext and any(cell.options.eval for cell in cells):
            diagnostics.add(warning(f"{len(cells)} {{python}} cell(s) not run: execution is off", article.rel,
                                    cells[0].line, hint="add execute: true to the front matter or to site.yaml"))
        return ArticleCells((), article.jupytext, "none", defaults=settings.defaults)

    def _plan(self, article: Article, cells: list[Cell], settings: ExecuteSettings, content_dir: Path) -> _Plan:
        depends = []
        for file in settings.depends:
            try:
                name = file.relative_to(self.root).as_posix()
            except ValueError:
                name = file.as_posix()
            depends.append((name, file.read_bytes()))
        key = freeze_key(cells, depends, settings.kernel)
        return _Plan(article, cells, settings, key, freeze_path(self.root, _content_rel(article.path, content_dir)))

    def _check_watched(self, article: Article, settings: ExecuteSettings, content_dir: Path,
                       diagnostics: Diagnostics) -> None:
        """A depends file outside content/ and data/ is not watched by chalk serve (nor by the
        up-to-date check of chalk build): say so."""
        watched = (content_dir.resolve(), (self.root / "data").resolve())
        for file in settings.depends:
            if not any(file.is_relative_to(folder) for folder in watched):
                diagnostics.add(warning(f"execute: depends: {file} is outside content/ and data/, so chalk serve "
                                        "does not notice when it changes", article.rel, article.execute_line,
                                        hint="move it under content/ or into the site's data/ folder"))

    def _run(self, plans: list[_Plan], diagnostics: Diagnostics) -> dict[str, ArticleCells]:
        for kernel in sorted({plan.settings.kernel for plan in plans}):
            try:
                check_kernel(kernel)
            except KernelMissing as exc:
                names = ", ".join(plan.article.rel for plan in plans)
                first = plans[0]
                diagnostics.add(error(f"execute: {exc}; these articles have cells to run: {names}",
                                      first.article.rel, first.cells[0].line, hint=EXTRA_HINT))
                return {}
        jobs = [Job(plan.article.rel, str(plan.article.path.parent),
                    tuple((c.index, c.code, c.options.eval, c.options.error) for c in plan.cells),
                    plan.settings.kernel, plan.settings.timeout) for plan in plans]
        outcomes = self._outcomes(jobs)
        self.kernels_started += len(jobs)
        found = {}
        for plan, outcome in zip(plans, outcomes):
            if isinstance(outcome, str):
                diagnostics.add(error(f"execute: could not run this article's cells: {outcome}", plan.article.rel,
                                      plan.cells[0].line, hint=f"start the kernel by hand to see what it says: jupyter kernel "
                                      f"--kernel {plan.settings.kernel}"))
                continue
            problems = self._problems(plan, outcome)
            cells = ArticleCells(outcome.results, plan.article.jupytext, "run", outcome.failed_cell,
                                 plan.settings.defaults)
            if outcome.failed_cell is None:
                write_frozen(plan.freeze, plan.key, plan.article.rel, plan.settings.kernel, outcome.results)
            found[plan.article.rel] = self._remember(plan, cells, problems)
            self._report(problems, diagnostics)
        return found

    def _outcomes(self, jobs: list[Job]) -> list[Outcome | str]:
        """Run jobs: in worker processes when there are several, each starting its own kernel."""
        if len(jobs) == 1:
            return [_guarded(jobs[0])]
        workers = min(len(jobs), self.jobs or os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            return list(pool.map(_guarded, jobs))

    def _problems(self, plan: _Plan, outcome: Outcome) -> tuple[Diagnostic, ...]:
        if outcome.failed_cell is None:
            return ()
        cell = plan.cells[outcome.failed_cell - 1]
        lines = [_CELL_LINE.sub(lambda m: f"{plan.article.rel}:{cell.code_line + int(m.group(1)) - 1}", line)
                 for line in outcome.traceback]
        if lines and lines[-1].strip() == outcome.message.strip():
            lines.pop()  # the message says it already
        make = warning if self.preview else error
        trace = "".join(f"\n    {line}" for line in lines)
        return (make(f"cell {cell.index}: {outcome.message}{trace}", plan.article.rel, cell.line),)

    def _report(self, problems: tuple[Diagnostic, ...], diagnostics: Diagnostics) -> None:
        diagnostics.extend(list(problems))
        self.failures.extend(problems)

    def _remember(self, plan: _Plan, cells: ArticleCells, problems: tuple[Diagnostic, ...]) -> ArticleCells:
        self._memory[plan.article.rel] = (plan.key, cells, problems)
        return cells


def _guarded(job: Job) -> Outcome | str:
    """run_job, with whatever Jupyter raises (kernel would not start...) as a message."""
    try:
        return run_job(job)
    except Exception as exc:  # noqa: BLE001 - a worker must report, never crash the build
        return f"{type(exc).__name__}: {exc}"


def _stored(article: Article, cells: list[Cell]) -> tuple[CellResult, ...]:
    """A notebook's own outputs, matched to its cells by source."""
    try:
        stored = stored_outputs(article.path.read_text(encoding="utf-8-sig"))
    except (OSError, NotebookProblem):
        return ()
    results, position = [], 0
    for cell in cells:
        match = next((i for i in range(position, len(stored)) if stored[i][0].strip("\n") == cell.source.strip("\n")),
                     None)
        if match is None:
            results.append(CellResult((), ran=False))
            continue
        position = match + 1
        results.append(CellResult(tuple(stored[match][1])))
    return tuple(results)


def _content_rel(path: Path, content_dir: Path) -> str:
    try:
        return path.relative_to(content_dir).as_posix()
    except ValueError:
        return path.name


__all__ = ["Article", "Executor", "FREEZE_DIR"]
