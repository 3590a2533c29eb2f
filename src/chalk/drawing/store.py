"""Drawings kept between builds: one SVG file per drawing under ``.chalk-cache/diagrams/``.

A drawing's key is the digest of (engine, engine version, text, theme); the same key is
the same drawing, so the store never needs invalidating: a changed text, engine or theme is
a new key. Files are plain SVG (the cleaned drawing) with its size in the name, nothing
executable; a damaged or missing file is simply drawn again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .svg import CleanSvg

_NAME = re.compile(r"^([0-9a-f]{64})-(\d+)x(\d+)\.svg$")


def drawing_key(engine: str, version: str, text: str, theme: str) -> str:
    return hashlib.sha256(json.dumps([engine, version, text, theme]).encode()).hexdigest()


@dataclass
class DrawingStore:
    """In memory for a Builder's life (the preview server), on disk when ``folder`` is set."""

    folder: Path | None = None
    _memory: dict[str, CleanSvg] = field(default_factory=dict)
    _index: dict[str, Path] | None = None

    def get(self, key: str) -> CleanSvg | None:
        found = self._memory.get(key)
        if found is not None or self.folder is None:
            return found
        path = self._files().get(key)
        if path is None:
            return None
        try:
            markup = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        match = _NAME.match(path.name)
        assert match is not None
        found = self._memory[key] = CleanSvg(markup, int(match.group(2)), int(match.group(3)))
        return found

    def put(self, key: str, drawing: CleanSvg) -> None:
        self._memory[key] = drawing
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{key}-{drawing.width}x{drawing.height}.svg"
            partial = path.with_suffix(".svg.part")
            partial.write_text(drawing.markup, encoding="utf-8")
            os.replace(partial, path)
            self._files()[key] = path
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _files(self) -> dict[str, Path]:
        if self._index is None:
            self._index = {}
            if self.folder is not None and self.folder.is_dir():
                for path in self.folder.glob("*.svg"):
                    match = _NAME.match(path.name)
                    if match:
                        self._index[match.group(1)] = path
        return self._index
