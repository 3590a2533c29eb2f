"""Bounds on what one Markdown text can make Python-Markdown do.

Python-Markdown's time grows with the square (or worse) of two things writers never
need in bulk: nesting depth (lists and blockquotes hundreds of levels deep take
minutes, then overflow the stack) and unmatched ``[`` or ``](`` (each one makes the
link pattern scan to the end of its paragraph). :func:`bound` rewrites just those
lines, keeping every line where it was, and says what it capped at ``path:line``:

- a blockquote nested deeper than :data:`MAX_DEPTH` levels keeps :data:`MAX_DEPTH`;
- a line indented more than :data:`MAX_INDENT` columns (a list deeper than about
  :data:`MAX_DEPTH` levels) is indented :data:`MAX_INDENT` columns;
- a paragraph with more than :data:`MAX_UNMATCHED` unmatched ``[`` or ``(``, or more than
  :data:`MAX_MARKUP` markup characters, is shown as plain text, not parsed (it is
  replaced by a marker word before parsing and put back, escaped, afterwards).

Fenced code is left alone.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field

from ..errors import Diagnostic, warning

MAX_DEPTH = 32
MAX_INDENT = 4 * MAX_DEPTH
MAX_UNMATCHED = 100
MAX_MARKUP = 10000  # inline markup characters in one paragraph (each match costs a copy of the paragraph)
MARKUP = "[]()*_`&<\\"
MARKER = "chalkplaintext{}x"
_QUOTES = re.compile(r"^((?:[ ]{0,3}>)+)")
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")


@dataclass
class Bounded:
    """A body ready for Python-Markdown: the text, what was capped, and the paragraphs to put back."""

    body: str
    problems: list[Diagnostic] = field(default_factory=list)
    plain: dict[str, str] = field(default_factory=dict)  # marker word -> the paragraph's text

    def restore(self, html: str) -> str:
        for marker, text in self.plain.items():
            html = html.replace(marker, htmllib.escape(text, quote=False))
        return html


def bound(body: str, path: str, body_line: int) -> Bounded:
    """``body`` with its pathological parts capped (same number of lines), and a warning per cap."""
    lines = body.split("\n")
    result = Bounded(body)
    problems = result.problems
    block: list[int] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            _plain(lines, block, path, body_line, result)
            block = []
            continue
        lines[index] = _depth(line, path, body_line + index, problems)
        if line.strip():
            block.append(index)
        else:
            _plain(lines, block, path, body_line, result)
            block = []
    _plain(lines, block, path, body_line, result)
    result.body = "\n".join(lines)
    return result


def _depth(line: str, path: str, number: int, problems: list[Diagnostic]) -> str:
    quotes = _QUOTES.match(line)
    if quotes and quotes.group(1).count(">") > MAX_DEPTH:
        depth = quotes.group(1).count(">")
        problems.append(warning(f"markdown: blockquote nested {depth} levels deep, shown {MAX_DEPTH} deep",
                                path, number, hint=f"chalk renders at most {MAX_DEPTH} levels"))
        line = ">" * MAX_DEPTH + " " + line[quotes.end():].lstrip()
    stripped = line.lstrip(" \t")
    indent = len(line[: len(line) - len(stripped)].expandtabs(4))
    if indent > MAX_INDENT and stripped:
        problems.append(warning(f"markdown: line indented {indent} columns (nested too deep), "
                                f"shown indented {MAX_INDENT}", path, number,
                                hint=f"chalk renders lists at most about {MAX_DEPTH} levels deep"))
        line = " " * MAX_INDENT + stripped
    return line


def _plain(lines: list[str], block: list[int], path: str, body_line: int, result: Bounded) -> None:
    """Show the paragraph as plain text when parsing it would take minutes."""
    if not block:
        return
    text = "\n".join(lines[i] for i in block)
    markup = sum(text.count(char) for char in MARKUP)
    if markup <= MAX_MARKUP and text.count("[") <= MAX_UNMATCHED and text.count("(") <= MAX_UNMATCHED:
        return  # the common case, counted in C
    brackets, parens = _count_unmatched(text)
    if max(brackets, parens) <= MAX_UNMATCHED and markup <= MAX_MARKUP:
        return
    marker = MARKER.format(len(result.plain))
    first = lines[block[0]]
    result.plain[marker] = text.strip()
    lines[block[0]] = first[: len(first) - len(first.lstrip())] + marker
    for index in block[1:]:
        lines[index] = ""
    what = (f"{brackets} unmatched '['" if brackets > MAX_UNMATCHED else f"{parens} unmatched '('"
            if parens > MAX_UNMATCHED else f"{markup} markup characters")
    result.problems.append(warning(f"markdown: {what} in this paragraph; it is shown as plain text, not parsed",
                                   path, body_line + block[0],
                                   hint="parsing it would take minutes; escape literal brackets as \\["))


def _count_unmatched(text: str) -> tuple[int, int]:
    brackets = parens = 0
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets:
            brackets -= 1
        elif char == "(":
            parens += 1
        elif char == ")" and parens:
            parens -= 1
    return brackets, parens
