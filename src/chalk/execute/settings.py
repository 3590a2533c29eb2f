"""``execute:`` in site.yaml and in front matter: whether and how an article's cells run.

    execute: true
    execute: {depends: [data/schedule.csv], timeout: 120, echo: false}

A mapping turns execution on unless it says ``enabled: false``. The article's
value overrides the site's, key by key. ``depends`` paths are relative to the
file that names them (site.yaml: the site's folder; an article: its own folder).
``echo``, ``eval``, ``output``, ``error``, ``include`` and ``warning`` are defaults for every
cell, as in Quarto.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Diagnostics, error

CELL_FLAGS = ("echo", "eval", "output", "error", "include", "warning")
KEYS = ("enabled", "depends", "timeout", "kernel", *CELL_FLAGS)
EXPECTED = "true, false or a mapping like {depends: [data.csv], timeout: 60}"


@dataclass(frozen=True)
class ExecuteSettings:
    """How one article's cells run."""

    enabled: bool = False
    depends: tuple[Path, ...] = ()  # absolute paths
    timeout: int = 60  # seconds per cell
    kernel: str = "python3"
    defaults: tuple[tuple[str, bool], ...] = ()  # cell option defaults: (name, value)


def parse_execute(value: Any, base: Path, path: str, line: int | None, diagnostics: Diagnostics,
                  inherited: ExecuteSettings = ExecuteSettings()) -> ExecuteSettings:
    """``value`` of an ``execute:`` key (written in ``path`` at ``line``), on top of ``inherited``."""
    if value is None:
        return inherited
    if isinstance(value, bool):
        return ExecuteSettings(value, inherited.depends, inherited.timeout, inherited.kernel, inherited.defaults)
    if not isinstance(value, dict):
        diagnostics.add(error(f"execute: expected {EXPECTED}, got {value!r}", path, line))
        return inherited
    enabled, depends = True, list(inherited.depends)
    timeout, kernel, defaults = inherited.timeout, inherited.kernel, dict(inherited.defaults)
    for key, item in value.items():
        where = f"execute: {key}"
        if key not in KEYS:
            diagnostics.add(error(f"execute: unknown key '{key}'", path, line, hint="known: " + ", ".join(KEYS)))
        elif key in ("enabled", *CELL_FLAGS) and not isinstance(item, bool):
            diagnostics.add(error(f"{where}: expected true or false, got {item!r}", path, line))
        elif key == "enabled":
            enabled = item
        elif key in CELL_FLAGS:
            defaults[key] = item
        elif key == "timeout":
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                diagnostics.add(error(f"{where}: expected a number of seconds like 60, got {item!r}", path, line))
            else:
                timeout = item
        elif key == "kernel":
            if not isinstance(item, str) or not item.strip():
                diagnostics.add(error(f"{where}: expected a kernel name like python3, got {item!r}", path, line))
            else:
                kernel = item.strip()
        elif key == "depends":
            depends.extend(_depends(item, base, path, line, diagnostics))
    return ExecuteSettings(enabled, tuple(dict.fromkeys(depends)), timeout, kernel, tuple(sorted(defaults.items())))


def _depends(value: Any, base: Path, path: str, line: int | None, diagnostics: Diagnostics) -> list[Path]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
        diagnostics.add(error(f"execute: depends: expected a list of files like [data/schedule.csv], got {value!r}",
                              path, line))
        return []
    found = []
    for item in items:
        file = (base / item).resolve()
        if not file.is_file():
            diagnostics.add(error(f"execute: depends: no file {item} (looked for {file})", path, line,
                                  hint="paths are relative to the file that names them"))
        else:
            found.append(file)
    return found
