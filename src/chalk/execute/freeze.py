"""The freeze: each executed article's cell outputs, kept in ``_freeze/`` to be committed.

Quarto's idea, with the part Quarto misses: an entry is valid for exactly one
:func:`freeze_key`, a hash of the article's cell sources in order, the contents of
the files its ``execute: {depends: [...]}`` names, the kernel's name and chalk's
version. So an unchanged article is never re-run, an edited cell re-runs its
article, and an edited data file re-runs the articles that read it. Prose edits
change nothing here. ``content/posts/x.md`` is frozen in ``_freeze/posts/x.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .. import __version__
from .cells import Cell
from .results import CellResult

FREEZE_DIR = "_freeze"
FORMAT = 1


def freeze_key(cells: list[Cell], depends: list[tuple[str, bytes]], kernel: str) -> str:
    """What a frozen result is valid for (see the module docstring)."""
    digest = hashlib.sha256()
    for part in (f"chalk {__version__}", f"format {FORMAT}", f"kernel {kernel}"):
        digest.update(part.encode() + b"\0")
    for cell in cells:
        digest.update(b"cell\0" + cell.source.encode() + b"\0")
    for name, data in depends:
        digest.update(b"file\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def freeze_path(root: Path, content_rel: str) -> Path:
    """``posts/x.md`` (relative to content/) -> ``root/_freeze/posts/x.json``."""
    return root / FREEZE_DIR / Path(content_rel).with_suffix(".json")


def read_frozen(path: Path, key: str) -> tuple[CellResult, ...] | None:
    """The frozen results at ``path`` if they were made for ``key``; None if missing or stale."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("cells"), list):
        return None
    return tuple(CellResult.from_json(cell) for cell in data["cells"])


def write_frozen(path: Path, key: str, source: str, kernel: str, results: tuple[CellResult, ...]) -> None:
    """Store results atomically, in a stable form that diffs well in git."""
    data: dict[str, Any] = {"format": FORMAT, "source": source, "kernel": kernel, "chalk": __version__,
                            "key": key, "cells": [result.to_json(lines=True) for result in results]}
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
