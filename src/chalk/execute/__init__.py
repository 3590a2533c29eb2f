"""Executable explainers: run an article's Python cells at build time and freeze the results.

    cells.py     the ```{python} cells of a text and their #| options
    settings.py  `execute:` in site.yaml and front matter
    kernel.py    one article's cells in one Jupyter kernel (the `exec` extra)
    freeze.py    _freeze/: results keyed on cells, depends files, kernel and chalk version
    results.py   the outputs as data, handed to Markdown rendering
    run.py       the step itself: freeze or run, in worker processes, diagnostics
"""

from __future__ import annotations

from ..content import Source
from .freeze import FREEZE_DIR
from .results import ArticleCells
from .run import Article, Executor


def article_of(source: Source) -> Article:
    """What the execution step reads of a source."""
    extra = source.meta.extra
    return Article(source.rel, source.path, source.body, source.body_line, extra.get("execute"),
                   source.meta.lines.get("execute"), isinstance(extra.get("jupyter"), dict))


__all__ = ["Article", "ArticleCells", "Executor", "FREEZE_DIR", "article_of"]
