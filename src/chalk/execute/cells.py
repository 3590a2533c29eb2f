"""Executable cells in an article's text: ```` ```{python} ```` fences and their ``#|`` options.

Quarto's syntax: a fence whose info string is ``{python}`` is a cell (a plain
```` ```python ```` fence stays a listing); option lines at the top of the cell
are YAML written as ``#| key: value``. In a jupytext Markdown notebook (front
matter with a ``jupyter:`` block) every ```` ```python ```` fence is a cell, as
jupytext writes them.

This module only reads text: it is used before execution (what to run) and
during Markdown rendering (what to show), so both see the same cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, error, warning
from ..yamlsource import YamlProblem, parse_mapping

CELL_INFO = re.compile(r"^\{\s*python3?\s*\}$")
JUPYTEXT_INFO = re.compile(r"^python3?$")
_OPEN = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_OPTION = re.compile(r"^#\|[ ]?(?P<yaml>.*)$")
FIGURE_WIDTHS = ("body", "wide", "page", "margin")
#: Cell options chalk understands, with their defaults (Quarto's names).
DEFAULTS: dict[str, Any] = {"echo": True, "eval": True, "output": True, "error": False, "include": True,
                            "warning": True, "label": None, "fig-cap": None, "fig-alt": None, "width": None}
_FLAGS = ("echo", "eval", "output", "error", "include", "warning")


@dataclass(frozen=True)
class CellOptions:
    """The ``#|`` options of one cell, checked."""

    echo: bool = True
    eval: bool = True
    output: bool = True
    error: bool = False
    include: bool = True  # false: run, show nothing (Quarto's include)
    warning: bool = True  # false: hide what the cell wrote to stderr (warnings)
    label: str | None = None
    fig_cap: str | None = None
    fig_alt: str | None = None
    width: str | None = None

    @property
    def figure_id(self) -> str | None:
        """``label: fig-schedule`` makes the figure ``schedule``, referenced as ``[@fig:schedule]``."""
        if self.label and self.label.startswith("fig-") and len(self.label) > 4:
            return self.label[4:]
        return None


@dataclass(frozen=True)
class Cell:
    """One executable cell: where its fence opens and what it holds."""

    index: int  # 1-based among the article's cells
    line: int  # file line of the opening fence
    fence_line: int  # 1-based line of the opening fence within the body
    source: str  # everything between the fences, option lines included
    code: str  # the source without its option lines: what runs and what is shown
    code_line: int = 0  # file line of the code's first line
    options: CellOptions = CellOptions()
    problems: tuple[Diagnostic, ...] = field(default=(), compare=False)


def find_cells(body: str, body_line: int = 1, path: str = "", jupytext: bool = False,
               defaults: dict[str, Any] | None = None) -> list[Cell]:
    """Every cell of ``body`` in order; fences inside other fences are not cells."""
    if not jupytext and not _may_hold_cells(body):
        return []
    lines, index = body.split("\n"), 0
    cells: list[Cell] = []
    while index < len(lines):
        match = _OPEN.match(lines[index])
        if not match:
            index += 1
            continue
        fence, info = match.group("fence"), match.group("info").strip()
        closing = re.compile(rf"^[ ]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), len(lines))
        if CELL_INFO.match(info) or (jupytext and JUPYTEXT_INFO.match(info)):
            source = "\n".join(lines[index + 1:end])
            cells.append(make_cell(len(cells) + 1, body_line + index, index + 1, source, path, defaults))
        index = end + 1
    return cells


def _may_hold_cells(body: str) -> bool:
    """Whether some fence is followed by ``{`` (a fast test with str.find: most articles hold no cell)."""
    for marker in ("```", "~~~"):
        index = body.find(marker)
        while index >= 0:
            rest = body[index:index + 40].lstrip(marker[0]).lstrip(" \t")
            if rest.startswith("{"):
                return True
            index = body.find(marker, index + 3)
    return False


def is_cell_fence(info: str, jupytext: bool) -> bool:
    """Whether a fence with this info string is a cell."""
    info = info.strip()
    return bool(CELL_INFO.match(info) or (jupytext and JUPYTEXT_INFO.match(info)))


def make_cell(index: int, line: int, fence_line: int, source: str, path: str = "",
              defaults: dict[str, Any] | None = None) -> Cell:
    """A cell from its source: the leading ``#|`` lines are its options."""
    source_lines = source.split("\n")
    count = 0
    while count < len(source_lines) and _OPTION.match(source_lines[count]):
        count += 1
    yaml_text = "\n".join(_OPTION.match(text).group("yaml") for text in source_lines[:count])  # type: ignore[union-attr]
    rest = source_lines[count:]
    blank = next((number for number, text in enumerate(rest) if text.strip()), 0)
    code = "\n".join(rest).strip("\n")
    options, problems = parse_options(yaml_text, path, line + 1, index, defaults or {})
    return Cell(index, line, fence_line, source, code, line + 1 + count + blank, options, tuple(problems))


def parse_options(text: str, path: str, first_line: int, index: int,
                  defaults: dict[str, Any]) -> tuple[CellOptions, list[Diagnostic]]:
    """Check the options of cell ``index`` (``first_line`` is the file line of its first option)."""
    values = {key: defaults.get(key, value) for key, value in DEFAULTS.items()}
    if not text.strip():
        return _options(values), []
    where = f"cell {index}"
    try:
        mapping = parse_mapping(text, first_line=first_line)
    except YamlProblem as exc:
        return _options(values), [error(f"{where}: #| options: {exc.message}", path, exc.line,
                                        hint="write options as #| key: value")]
    problems: list[Diagnostic] = []
    for key, value in mapping.data.items():
        line = mapping.line_of(key)
        if key not in DEFAULTS:
            problems.append(warning(f"{where}: unknown option '{key}' is ignored", path, line,
                                    hint="chalk knows " + ", ".join(DEFAULTS)))
        elif key in _FLAGS and not isinstance(value, bool):
            problems.append(error(f"{where}: {key}: expected true or false, got {value!r}", path, line))
        elif key == "width" and value not in FIGURE_WIDTHS:
            problems.append(error(f"{where}: width: expected one of {', '.join(FIGURE_WIDTHS)}, got {value!r}",
                                  path, line))
        elif key not in _FLAGS and not isinstance(value, str):
            problems.append(error(f"{where}: {key}: expected text, got {value!r}", path, line))
        elif key == "label" and not re.match(r"^[A-Za-z][\w-]*$", value):
            problems.append(error(f"{where}: label: expected a name like fig-noise-schedule, got {value!r}",
                                  path, line))
        else:
            values[key] = value
    return _options(values), problems


def _options(values: dict[str, Any]) -> CellOptions:
    return CellOptions(echo=values["echo"], eval=values["eval"], output=values["output"], error=values["error"],
                       include=values["include"], warning=values["warning"],
                       label=values["label"], fig_cap=values["fig-cap"], fig_alt=values["fig-alt"],
                       width=values["width"])
