"""Jupyter notebooks (``.ipynb``) as articles: the notebook as the text of a chalk article.

* Front matter: the first cell, if it is a Raw cell (or a Markdown cell) holding
  only a ``---`` YAML block, as Quarto reads it.
* Markdown cells: Markdown, through chalk's renderer like any article.
* Code cells: ```` ```{python} ```` cells; their stored outputs are shown unless
  the article has ``execute: true`` (:func:`stored_outputs`).

Notebooks saved by Jupyter put each source line on its own line of the JSON file;
the text is laid out so that a line of the text is the same line of the ``.ipynb``
file, so ``path:line`` in a message points into the notebook. (Front matter lines
are the exception: it has to come first.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

NOTEBOOK_SUFFIX = ".ipynb"
_SOURCE_KEY = re.compile(r'^\s*"source":\s*(\[|")')
_YAML_BLOCK = re.compile(r"^---[ \t]*\n.*?\n(---|\.\.\.)[ \t]*$", re.S)


class NotebookProblem(ValueError):
    """Not a notebook chalk can read; the message says why."""


@dataclass(frozen=True)
class NotebookCell:
    kind: str  # "markdown", "code" or "raw"
    source: str
    outputs: tuple[dict[str, Any], ...] = ()


def read_cells(text: str) -> list[NotebookCell]:
    """The cells of a notebook (nbformat 4); raises :class:`NotebookProblem`."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotebookProblem(f"not a notebook: invalid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookProblem("not a notebook: no list of cells")
    if data.get("nbformat") != 4:
        raise NotebookProblem(f"notebook format {data.get('nbformat')!r}: chalk reads format 4 "
                              "(save it with a current Jupyter, or `jupyter nbconvert --to notebook`)")
    cells = []
    for cell in data["cells"]:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        outputs = tuple(cell.get("outputs", ())) if cell.get("cell_type") == "code" else ()
        cells.append(NotebookCell(str(cell.get("cell_type", "")), source.replace("\r\n", "\n"), outputs))
    return cells


def notebook_text(text: str) -> str:
    """The notebook as an article: front matter, then its cells as Markdown and ``{python}`` cells."""
    cells = read_cells(text)
    front, rest = "", cells
    if cells and cells[0].kind in ("raw", "markdown") and _YAML_BLOCK.match(cells[0].source.strip()):
        front, rest = cells[0].source.strip(), cells[1:]
    else:
        raise NotebookProblem("front matter: expected the notebook's first cell to be a Raw cell with "
                              "---, title: ..., --- (a YAML block, as Quarto reads notebooks)")
    starts = _source_lines(text, len(cells))
    offset = len(cells) - len(rest)
    lines: list[str] = front.split("\n") if front else []
    for number, cell in enumerate(rest):
        block = _cell_text(cell)
        if not block:
            continue
        # the line the cell's first source line has in the file (a code cell's fence goes just before it)
        target = starts[number + offset] - (1 if cell.kind == "code" else 0) if starts else 0
        lines.extend([""] * max(1, target - 1 - len(lines)))
        lines.extend(block.split("\n"))
    return "\n".join(lines) + "\n"


def stored_outputs(text: str) -> list[tuple[str, tuple[dict[str, Any], ...]]]:
    """(source, outputs) of each code cell, in order."""
    return [(cell.source, cell.outputs) for cell in read_cells(text) if cell.kind == "code"]


def _cell_text(cell: NotebookCell) -> str:
    source = cell.source.rstrip("\n")
    if cell.kind == "markdown":
        return source
    if cell.kind == "code":
        fence = "`" * max(3, _longest_backticks(source) + 1)
        return f"{fence}{{python}}\n{source}\n{fence}"
    return ""  # raw cells other than the front matter are for other formats


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _source_lines(text: str, count: int) -> list[int]:
    """The file line of each cell's first source line, when the notebook is laid out one line per
    source line as Jupyter saves it; [] otherwise (the text then has lines of its own)."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _SOURCE_KEY.match(line)
        if match:
            found.append(number + 1 if match.group(1) == "[" else number)
    return found if len(found) == count else []
