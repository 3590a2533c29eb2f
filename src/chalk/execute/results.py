"""What running an article's cells produced, as plain data handed to Markdown rendering.

Outputs are kept in Jupyter's own form (nbformat v4 output dicts: ``stream``,
``display_data``, ``execute_result``, ``error``), so a frozen result, a fresh run and
a notebook's stored outputs are the same thing. :attr:`ArticleCells.digest` is part
of the Markdown cache key, so rendering stays a pure function of its inputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

Output = dict[str, Any]  # one nbformat v4 output


@dataclass(frozen=True)
class CellResult:
    """The outputs of one cell, or why there are none."""

    outputs: tuple[Output, ...] = ()
    ran: bool = True  # False: not run (eval: false, or an earlier cell failed)

    def to_json(self, lines: bool = False) -> dict[str, Any]:
        """As JSON; with ``lines``, texts as lists of lines as nbformat writes them (they diff well)."""
        outputs = [_texts(output, _split) for output in self.outputs] if lines else list(self.outputs)
        return {"outputs": outputs, "ran": self.ran}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CellResult":
        return cls(tuple(_texts(output, _join) for output in data.get("outputs", ())), bool(data.get("ran", True)))


def _split(text: Any) -> Any:
    return text.splitlines(keepends=True) if isinstance(text, str) and "\n" in text else text


def _join(text: Any) -> Any:
    return "".join(text) if isinstance(text, list) and all(isinstance(t, str) for t in text) else text


def _texts(output: Output, convert: Any) -> Output:
    """``output`` with its ``text`` and its ``data`` values passed through ``convert``."""
    changed = dict(output)
    if "text" in changed:
        changed["text"] = convert(changed["text"])
    if isinstance(changed.get("data"), dict):
        changed["data"] = {mime: convert(value) for mime, value in changed["data"].items()}
    if isinstance(changed.get("traceback"), list):
        changed["traceback"] = list(changed["traceback"])
    return changed


@dataclass(frozen=True)
class ArticleCells:
    """How to show an article's cells: their results (by cell index) and where they came from."""

    results: tuple[CellResult, ...] = ()  # results[i] belongs to cell i + 1
    jupytext: bool = False  # ```python fences are cells too
    origin: str = "none"  # "run", "freeze", "notebook" (stored outputs) or "none" (not executed)
    failed_cell: int | None = None  # the cell whose exception stopped the run (shown, build fails)
    defaults: tuple[tuple[str, Any], ...] = ()  # cell option defaults from `execute:` (echo, eval...)

    def result(self, index: int) -> CellResult | None:
        return self.results[index - 1] if 0 < index <= len(self.results) else None

    @property
    def digest(self) -> str:
        """A stable fingerprint of everything here (a part of the rendered Markdown's cache key)."""
        data = {"results": [r.to_json() for r in self.results], "jupytext": self.jupytext,
                "origin": self.origin, "failed": self.failed_cell, "defaults": list(self.defaults)}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


NO_CELLS = ArticleCells()
