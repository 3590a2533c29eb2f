"""Fenced code highlighted once: pymdown-extensions' Highlight, remembering the blocks it drew.

In ``chalk serve`` every save renders the edited article again, and Pygments redoes every
code block of it though usually only prose changed (about half of the Markdown time of a
code-heavy explainer). SuperFences asks the Highlight extension for its highlighter class
(``get_pymdownx_highlighter``, its documented hook); :class:`RememberingHighlightExtension`
hands it one whose results are kept in a :class:`HighlightMemory`, by everything that shapes
them: the code, the language, every option of the block and every setting of the highlighter.
Pygments is deterministic, so a block found there is the block it would draw.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from pymdownx.highlight import Highlight, HighlightExtension

BLOCKS_KEPT = 512  # a few long articles' worth of blocks; the oldest go first


class HighlightMemory:
    """Highlighted blocks by key, the least recently used dropped beyond ``size`` (one per renderer)."""

    def __init__(self, size: int = BLOCKS_KEPT) -> None:
        self.size = size
        self._blocks: OrderedDict[str, Any] = OrderedDict()
        self.hits = 0

    def get(self, key: str) -> Any:
        found = self._blocks.get(key)
        if found is not None:
            self._blocks.move_to_end(key)
            self.hits += 1
        return found

    def put(self, key: str, html: Any) -> None:
        self._blocks[key] = html
        if len(self._blocks) > self.size:
            self._blocks.popitem(last=False)

    def __len__(self) -> int:
        return len(self._blocks)


class _RememberingHighlight(Highlight):
    """A Highlight that looks a block up in the memory before drawing it."""

    def __init__(self, memory: HighlightMemory, md: Any, **settings: Any) -> None:
        super().__init__(md, **settings)
        self._memory, self._settings = memory, settings

    def highlight(self, src: str, language: str, *args: Any, **options: Any) -> Any:
        if options.get("inline") or (options.get("title") and self.title_mode == "html"):
            return super().highlight(src, language, *args, **options)  # an element, or a stashed title
        key = repr((src, language, args, sorted(options.items()), sorted(self._settings.items())))
        found = self._memory.get(key)
        if found is None:
            found = super().highlight(src, language, *args, **options)
            if isinstance(found, str):
                self._memory.put(key, found)
        return found


class RememberingHighlightExtension(HighlightExtension):
    """``pymdownx.highlight`` with the same settings, its fenced blocks kept in ``memory``."""

    def __init__(self, memory: HighlightMemory, **settings: Any) -> None:
        super().__init__(**settings)
        self.memory = memory

    def get_pymdownx_highlighter(self) -> Any:
        memory = self.memory

        def highlighter(md: Any, **settings: Any) -> _RememberingHighlight:
            return _RememberingHighlight(memory, md, **settings)

        return highlighter


__all__ = ["BLOCKS_KEPT", "HighlightMemory", "RememberingHighlightExtension"]
