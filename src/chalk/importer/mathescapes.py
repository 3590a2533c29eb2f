"""Markdown escapes inside formulas, undone as the old engine undid them before MathJax saw the text.

Hugo's goldmark (without its passthrough extension) and kramdown outside ``$$`` treat a
formula as Markdown text: ``\\_`` became ``_``, ``\\\\`` became ``\\``, ``\\\\(`` became ``\\(``.
chalk reads formulas before Markdown does, so the importer undoes those escapes inside
them, and the formula renders as the old site showed it.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation
_OPENERS = re.compile(r"`+|\\\$|\$\$|\$|\\\\\(|\\\\\[")


def unescape_math(text: str, raw_display: bool) -> tuple[str, int]:
    """Undo Markdown escapes inside ``$…$``, ``\\\\(…\\\\)``, ``\\\\[…\\\\]`` (and ``$$…$$`` unless
    ``raw_display``: kramdown reads those itself); returns (text, escapes undone). Paragraph by paragraph."""
    total = 0
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    for index in range(0, len(paragraphs), 2):
        paragraphs[index], count = _paragraph(paragraphs[index], raw_display)
        total += count
    return "".join(paragraphs), total


def _paragraph(text: str, raw_display: bool) -> tuple[str, int]:
    out, position, count = [], 0, 0
    while (found := _OPENERS.search(text, position)) is not None:
        token, start = found.group(0), found.start()
        end = _closing(text, token, found.end())
        if end is None:
            out.append(text[position:found.end()])
            position = found.end()
            continue
        span = text[start:end]
        if token in ("$", "\\\\(", "\\\\[") or (token == "$$" and not raw_display):
            span, undone = _ESCAPE.subn(r"\1", span)
            count += undone
        out.append(text[position:start] + span)
        position = end
    out.append(text[position:])
    return "".join(out), count


def _closing(text: str, token: str, after: int) -> int | None:
    """The end of the span ``token`` opens at ``after`` (code spans count as spans), or None."""
    if token.startswith("`"):
        match = re.compile(rf"(?<!`){re.escape(token)}(?!`)").search(text, after)
        return match.end() if match else None
    if token == "\\$":
        return after
    if token == "$":
        if after >= len(text) or text[after].isspace():
            return None
        match = re.compile(r"(?<![\s\\])\$(?!\d)").search(text, after)
        return match.end() if match else None
    closing = {"$$": "$$", "\\\\(": "\\\\)", "\\\\[": "\\\\]"}[token]
    end = text.find(closing, after)
    return end + len(closing) if end >= 0 else None
