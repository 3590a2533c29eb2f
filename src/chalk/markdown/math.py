"""Math at build time: ``$...$``, ``$$...$$`` and ```` ```math ```` fences -> MathML.

latex2mathml (pure Python) does the conversion, so pages need no JavaScript and no
CDN. The Markdown side follows Pandoc's rules for dollars, so prices stay prose:

* ``$x$`` is inline math when the opening ``$`` has a non-space right after it, the
  closing ``$`` has a non-space right before it and is not followed by a digit
  ("$5 and $10" is text); ``\\$`` is a literal dollar; code spans and blocks are
  never touched.
* ``$$...$$`` alone in its paragraph (over one or more lines) is a display equation;
  ``$$ ... $$ {#eq:name}`` labels it, numbers it and makes it referencable as
  ``[@eq:name]`` (see :mod:`chalk.xref`). ```` ```math {#eq:name} ```` does the same.
* A formula that cannot be converted is an error at ``path:line`` quoting it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from html import escape
from typing import Any

from latex2mathml.converter import convert
from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import INLINE_PLACEHOLDER_RE, AtomicString

from ..errors import error
from .context import DocumentContext

#: ``$$...$$`` inside a paragraph (display style, no label).
INLINE_DISPLAY_RE = r"(?<![\\$])\$\$(?!\$)((?:\\.|[^\\$])+?)\$\$"
#: ``$...$``: no space after the opening dollar, none before the closing one, no digit after it.
INLINE_MATH_RE = r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$])+?)(?<!\s)\$(?![\d$])"
#: A display block, possibly labelled: ``$$ tex $$ {#eq:name}``.
DISPLAY_BLOCK = re.compile(
    r"^[ ]{0,3}\$\$(?P<tex>.*?)(?<!\\)\$\$[ \t]*(?:\{[ \t]*#(?P<label>[^\s}]+)[ \t]*\})?[ \t]*$", re.S)
DISPLAY_START = re.compile(r"^[ ]{0,3}\$\$")
LABEL = re.compile(r"^eq:[A-Za-z0-9][\w.-]*$")
_ESCAPED = re.compile("\x02(\\d+)\x03")  # Python-Markdown's placeholder for a backslash-escaped character
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")
_BARE_AMP = re.compile(r"&(?!#x?[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'
_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z])")


class MathError(ValueError):
    """latex2mathml could not convert a formula; the message says why."""


def equation_anchor(label: str) -> str:
    """The HTML id of a labelled equation: ``eq:vae-loss`` -> ``eq-vae-loss``."""
    return label.replace(":", "-", 1)


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """A ``<math>`` element for ``tex``; raises :class:`MathError` when latex2mathml cannot convert it."""
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own errors, and IndexError/KeyError on some input
        reason = str(exc).strip() or " ".join(_WORDS.split(type(exc).__name__.removesuffix("Error"))).lower()
        raise MathError(reason) from None
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise MathError(f"unknown command {unknown.group(1)}")
    return _BARE_AMP.sub("&amp;", mathml.replace(_XMLNS, "", 1))


def display_html(mathml: str, label: str | None) -> str:
    """A display equation block; a labelled one gets an id and an empty number slot filled in by
    :mod:`chalk.xref` once every equation of the article is known. Wide equations scroll sideways,
    so the block is focusable (keyboard users can scroll it too)."""
    if not label:
        return f'<div class="math-display" tabindex="0">{mathml}</div>'
    return (f'<div class="math-display math-display--numbered" id="{escape(equation_anchor(label))}" tabindex="0">'
            f'{mathml}<span class="math-display__number" data-eq="{escape(label)}"></span></div>')


@dataclass
class _Converter:
    """Converts one formula for the current document, reporting failures with their line."""

    context: DocumentContext

    def __call__(self, tex: str, display: bool, shown: str, line: int | None = None) -> str | None:
        try:
            return tex_to_mathml(tex, display)
        except MathError as exc:
            hint = ("label an equation with {#eq:name} after its closing $$" if "\\label" in str(exc)
                    else "check the LaTeX; write \\$ for a literal dollar sign")
            self.context.diagnostics.append(error(
                f"math: cannot convert {shown}: {exc}", self.context.path,
                line if line is not None else self.context.line_of(tex.strip()), hint=hint))
            return None

    def check_label(self, label: str | None, line: int) -> str | None:
        if label is None or LABEL.match(label):
            return label
        self.context.diagnostics.append(error(
            f"math: equation label '{label}' must look like eq:name", self.context.path, line,
            hint="e.g. $$ ... $$ {#eq:vae-loss}"))
        return None


class _InlineMath(InlineProcessor):
    def __init__(self, pattern: str, md: Markdown, convert_: _Converter, display: bool):
        super().__init__(pattern, md)
        self.convert, self.display = convert_, display

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:  # type: ignore[override]  # noqa: N802,E501
        tex = self._source(m.group(1))
        if tex is None:  # a code span or other inline element inside: not math
            return None, None, None
        fence = "$$" if self.display else "$"
        mathml = self.convert(tex, self.display, f"{fence}{tex}{fence}")
        if mathml is None:
            span = etree.Element("span", {"class": "math-error"})
            span.text = AtomicString(f"{fence}{tex}{fence}")
            return span, m.start(0), m.end(0)
        html = (f'<span class="math-inline math-inline--display" tabindex="0">{mathml}</span>' if self.display
                else f'<span class="math-inline">{mathml}</span>')
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


    def _source(self, raw: str) -> str | None:
        """The TeX as written: escapes (``\\{``, ``\\$``...) that Markdown already took apart are put back."""
        try:
            stash = self.md.treeprocessors["inline"].stashed_nodes  # type: ignore[attr-defined]
        except KeyError:
            stash = {}
        pieces, position = [], 0
        for found in INLINE_PLACEHOLDER_RE.finditer(raw):
            value = stash.get(found.group(1))
            escaped = _ESCAPED.fullmatch(value) if isinstance(value, str) else None
            if escaped is None:
                return None
            pieces += [raw[position:found.start()], "\\" + chr(int(escaped.group(1)))]
            position = found.end()
        tex = "".join(pieces) + raw[position:]
        return None if "\x02" in tex else tex


class _DisplayMath(BlockProcessor):
    """``$$ ... $$`` (optionally ``{#eq:label}``) alone in its paragraph, possibly over several blocks."""

    def __init__(self, parser: Any, convert_: _Converter):
        super().__init__(parser)
        self.convert = convert_

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(DISPLAY_START.match(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        for count in range(1, len(blocks) + 1):
            match = DISPLAY_BLOCK.match("\n\n".join(blocks[:count]))
            if match:
                break
        else:
            return False  # no closing $$: an ordinary paragraph
        del blocks[:count]
        tex, label = match.group("tex"), match.group("label")
        line = self.convert.context.line_of(tex.strip().split("\n", 1)[0]) if tex.strip() else \
            self.convert.context.line_of("$$")
        label = self.convert.check_label(label, line)
        mathml = self.convert(tex, True, f"$${tex.strip()}$$", line)
        html = display_html(mathml, label) if mathml is not None else \
            f'<pre class="math-error">{escape(tex.strip())}</pre>'
        placeholder = etree.SubElement(parent, "p")
        placeholder.text = self.parser.md.htmlStash.store(html)
        return True


@dataclass
class MathFence:
    """The SuperFences formatter of ```` ```math ```` blocks (``{#eq:name}`` labels them)."""

    context: DocumentContext

    def format(self, source: str, language: str, css_class: str, options: dict, md: Any, **kwargs: Any) -> str:
        convert_ = _Converter(self.context)
        first = next((line.strip() for line in source.split("\n") if line.strip()), "```math")
        line = self.context.line_of(first)
        label = convert_.check_label(kwargs.get("id_value") or None, line)
        mathml = convert_(source, True, source.strip(), line)
        if mathml is None:
            return f'<pre class="math-error">{escape(source)}</pre>'
        return display_html(mathml, label)


class MathExtension(Extension):
    """Registers inline math, display math and ``\\$`` as an escape (fences go through SuperFences)."""

    def __init__(self, context: DocumentContext, **kwargs: Any):
        self.context = context
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")
        convert_ = _Converter(self.context)
        # below escapes (180) and links (160): code spans, \$ and link targets are settled first
        md.inlinePatterns.register(_InlineMath(INLINE_DISPLAY_RE, md, convert_, True), "chalk-math-display", 156)
        md.inlinePatterns.register(_InlineMath(INLINE_MATH_RE, md, convert_, False), "chalk-math", 155)
        md.parser.blockprocessors.register(_DisplayMath(md.parser, convert_), "chalk-math-block", 65)
