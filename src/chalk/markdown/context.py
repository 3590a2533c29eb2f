"""Per-document state shared by chalk's own Markdown extensions.

One :class:`DocumentContext` belongs to one :class:`~chalk.markdown.MarkdownRenderer`
and is reset before each body is rendered; the extensions (math, cross-references,
sidenotes, glossary, code blocks) read the body from it to find the line a problem
stands on, and report their diagnostics into it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic


@dataclass
class DocumentContext:
    """What the extensions know about the body being rendered."""

    path: str = ""
    body: str = ""
    line_offset: int = 0  # the file line of the body's first line, minus one
    diagnostics: list[Diagnostic] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # glossary term slugs marked up, in order
    citations: list[Any] = field(default_factory=list)  # CitationGroup, in order (chalk.markdown.citations)
    _cursor: int = 0
    _line_starts: list[int] = field(default_factory=list)  # offsets of the body's newlines (for bisect)

    def reset(self, path: str, body: str, line_offset: int) -> None:
        self.path, self.body, self.line_offset = path, body, line_offset
        self.diagnostics, self.terms, self.citations, self._cursor = [], [], [], 0
        self._line_starts = _newlines(body)

    def _line_at(self, position: int) -> int:
        """The body line (0-based) of a character offset: a math-heavy page asks thousands of times."""
        if not self._line_starts and "\n" in self.body:  # body set without reset()
            self._line_starts = _newlines(self.body)
        return bisect_right(self._line_starts, position - 1)

    def line_of(self, needle: str) -> int:
        """The file line of ``needle`` in the body: the next occurrence after the last one found
        (extensions see the document in order), else the first one, else the body's first line."""
        position = self.body.find(needle, self._cursor) if needle else -1
        if position < 0:
            position = self.body.find(needle) if needle else -1
        if position < 0:
            return self.line_offset + 1
        self._cursor = position + len(needle)
        return self.line_offset + 1 + self._line_at(position)

    def line_of_nth(self, needle: str, n: int) -> int:
        """The file line of the ``n``-th (from 1) occurrence of ``needle``, or of the last one there is."""
        position, found = -1, -1
        for _ in range(max(1, n)):
            position = self.body.find(needle, position + 1)
            if position < 0:
                break
            found = position
        return self.line_offset + 1 + (self._line_at(found) if found >= 0 else 0)


_NEWLINE = re.compile("\n")


def _newlines(text: str) -> list[int]:
    """Offsets of the newlines in ``text`` (found by the regex engine: a long body has 100,000 characters)."""
    return [match.start() for match in _NEWLINE.finditer(text)]
