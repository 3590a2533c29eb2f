"""Executable cells in Markdown: ```` ```{python} ```` fences with their code and outputs.

A preprocessor renames the fences :func:`chalk.execute.cells.find_cells` calls cells
(so SuperFences hands them to :class:`CellFence`, and only them); the formatter shows
the code (``echo``), then the outputs the article's :class:`~chalk.execute.results.ArticleCells`
holds for it (``output``). ``#| label: fig-name`` with ``fig-cap`` makes the outputs a
numbered figure (``[@fig:name]``, numbered by :mod:`chalk.markdown.xref`); ``width``
places it on the figure grid (``figure--wide`` ...).
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pymdownx.highlight import Highlight

from ..errors import Diagnostic, warning
from ..execute.cells import Cell, find_cells
from ..execute.results import ArticleCells, CellResult
from .math import INLINE_MATH_RE, MathError, tex_to_mathml
from .outputs import OutputContext, is_image, outputs_html

FENCE_NAME = "chalk-cell"
_OPEN = re.compile(r"^(?P<lead>[ ]{0,3}(?:`{3,}|~{3,}))[ \t]*(?P<info>.*?)[ \t]*$")


@dataclass
class CellFence:
    """Per-document state: the article's cells, their results, and what went wrong showing them."""

    path: str = ""
    cells: list[Cell] = field(default_factory=list)
    article: ArticleCells | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _used: set[int] = field(default_factory=set)
    _no_alt: list[Cell] = field(default_factory=list)

    def reset(self, path: str, body: str, body_line: int, article: ArticleCells | None) -> None:
        jupytext = article.jupytext if article is not None else False
        defaults = dict(article.defaults) if article is not None else {}
        self.path, self.article, self._used, self._no_alt = path, article, set(), []
        self.cells = find_cells(body, body_line, path, jupytext, defaults)
        self.diagnostics = [problem for cell in self.cells for problem in cell.problems]

    def format(self, source: str, language: str, css_class: str, options: dict, md: Markdown,
               **kwargs: Any) -> str:
        wanted = _normal(source)
        cell = next((c for c in self.cells if c.index not in self._used and _normal(c.source) == wanted), None)
        if cell is None:  # not one of ours after all: show it as Python
            return str(Highlight(md, guess_lang=False, use_pygments=True).highlight(source, "python"))
        self._used.add(cell.index)
        result = self.article.result(cell.index) if self.article is not None else None
        return self.cell_html(cell, result, md)

    def cell_html(self, cell: Cell, result: CellResult | None, md: Markdown) -> str:
        """The code (echo), then the outputs; a figure cell's images go in the figure, the rest before it."""
        options = cell.options
        if not options.include:
            return ""
        parts = []
        if options.echo and cell.code.strip():
            parts.append(Highlight(md, guess_lang=False, use_pygments=True).highlight(cell.code, "python"))
        figure = bool(options.figure_id or options.fig_cap)
        text, images = "", ""
        if result is not None and options.output and options.eval:
            context = OutputContext(self.path, cell.line, cell.index, options.fig_alt or options.fig_cap or "")
            for output in result.outputs:
                if not options.warning and output.get("output_type") == "stream" and output.get("name") == "stderr":
                    continue
                shown = outputs_html((output,), context)
                if figure and is_image(output):
                    images += shown
                else:
                    text += shown
            self.diagnostics.extend(context.diagnostics)
            if context.missing_alt:
                self._no_alt.append(cell)
            text += self._status(cell, result)
        ident = f' id="{htmllib.escape(options.label)}"' if options.label and not options.figure_id else ""
        if text:
            parts.append(f'<div class="cell-outputs">{text}</div>')
        if figure:
            parts.append(self._figure(cell, images, ran=result is not None and result.ran and options.eval))
        return f'<div class="cell"{ident} data-cell="{cell.index}">{"".join(parts)}</div>'

    def problems(self) -> list[Diagnostic]:
        """What went wrong showing this document's cells; images without alt text as one warning."""
        if not self._no_alt:
            return list(self.diagnostics)
        names = ", ".join(str(cell.index) for cell in self._no_alt)
        what = f"cell {names}: an image output has" if len(self._no_alt) == 1 else f"cells {names}: image outputs have"
        return [*self.diagnostics, warning(f"{what} no alt text", self.path, self._no_alt[0].line,
                                           hint="describe each with #| fig-alt: ...")]

    def _status(self, cell: Cell, result: CellResult) -> str:
        failed = self.article.failed_cell if self.article is not None else None
        if failed == cell.index:
            return '<p class="cell-output cell-output--failed" role="alert">This cell raised an error.</p>'
        if not result.ran and failed:
            return f'<p class="cell-output cell-output--skipped">Not run: cell {failed} raised an error.</p>'
        return ""

    def _figure(self, cell: Cell, shown: str, ran: bool) -> str:
        options = cell.options
        ident = f' id="{htmllib.escape(options.figure_id)}"' if options.figure_id else ""
        width = f" figure--{options.width}" if options.width and options.width != "body" else ""
        caption = f"<figcaption>{self._caption(options.fig_cap or '', cell)}</figcaption>"
        if not shown and ran and options.output:
            self.diagnostics.append(warning(f"cell {cell.index}: figure '{options.label}' has no output to show",
                                            self.path, cell.line, hint="does the cell draw a plot?"))
        return f'<figure class="figure cell-figure{width}"{ident}>{shown}{caption}</figure>'

    def _caption(self, text: str, cell: Cell) -> str:
        """The caption: text with inline ``$math$``."""
        parts, last = [], 0
        for match in re.finditer(INLINE_MATH_RE, text):
            parts.append(htmllib.escape(text[last:match.start()]))
            try:
                parts.append(tex_to_mathml(match.group(1)))
            except MathError as exc:
                self.diagnostics.append(warning(f"cell {cell.index}: fig-cap: cannot convert ${match.group(1)}$: "
                                                f"{exc}", self.path, cell.line))
                parts.append(htmllib.escape(match.group(0)))
            last = match.end()
        parts.append(htmllib.escape(text[last:]))
        return "".join(parts)


def _normal(source: str) -> str:
    """A cell's source as compared with what SuperFences hands over (which drops trailing blanks)."""
    return "\n".join(line.rstrip() for line in source.strip("\n").split("\n")).strip("\n")


class _RenameCellFences(Preprocessor):
    """```` ```{python} ```` (a cell) -> ```` ```chalk-cell ````, which SuperFences sends to :class:`CellFence`."""

    def __init__(self, md: Markdown, state: CellFence):
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        if not self.state.cells:
            return lines
        lines = list(lines)
        for cell in self.state.cells:
            index = cell.fence_line - 1
            match = _OPEN.match(lines[index]) if index < len(lines) else None
            if match:
                lines[index] = f"{match.group('lead')}{FENCE_NAME}"
        return lines


class CellExtension(Extension):
    """Registers the fence renaming (before SuperFences reads fences)."""

    def __init__(self, state: CellFence, **kwargs: Any):
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.preprocessors.register(_RenameCellFences(md, self.state), "chalk-cells", 32)


def custom_fence(state: CellFence) -> dict[str, Any]:
    """The SuperFences ``custom_fences`` entry for cells."""
    return {"name": FENCE_NAME, "class": "cell", "format": state.format}
