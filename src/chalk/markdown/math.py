"""Math at build time: TeX between the delimiters writers use -> MathML (by KaTeX, see :mod:`.katex`).

Delimiters, as Pandoc, kramdown and MathJax read them:

* ``$x$`` is inline math when the opening ``$`` has a non-space right after it, the
  closing ``$`` has a non-space right before it and is not followed by a digit
  ("$5 and $10" is text); ``\\$`` is a literal dollar.
* ``$$…$$`` alone in its paragraph is a display equation; inside a sentence it is inline
  (kramdown's rule); on lines of its own inside a paragraph it is displayed there.
* ``\\(…\\)`` is inline and ``\\[…\\]`` display, also spelled ``\\\\(`` and ``\\\\[`` (MathJax's
  delimiters as Markdown sources often write them).
* ``\\begin{equation|align|gather|multline|…}…\\end{…}`` standing alone is display math.
* ```` ```math ```` fences are display equations.
* No formula crosses a blank line: an opener left open at the end of its paragraph is
  a warning and stays text. Code spans and code blocks are never math.

``$$ … $$ {#eq:name}`` (and ``\\label{name}`` inside) labels an equation; see
:mod:`.mathtex` and :mod:`.xref` for numbers, ``\\tag``, ``\\eqref`` and ``[@eq:name]``.
A formula KaTeX cannot convert is an error at ``path:line`` with KaTeX's message and a
fitting hint, and the page shows it in a visible error box (``chalk serve`` keeps going).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from ..errors import Diagnostic, Severity, error, warning
from .context import DocumentContext
from .katex import KatexEngine, MathError
from .mathtex import equation_anchor, hint_for, mathjax_compatible, number_rows, only_reference, prepare

__all__ = ["MathError", "MathExtension", "MathFence", "equation_anchor", "tex_to_mathml"]

#: Environments that are display math when they stand alone (as MathJax treats them).
DISPLAY_ENVIRONMENTS = ("equation", "equation*", "align", "align*", "alignat", "alignat*", "gather", "gather*",
                        "multline", "multline*", "flalign", "flalign*", "eqnarray", "eqnarray*", "CD", "split",
                        "darray", "dcases", "drcases")
_ENV = "|".join(re.escape(name) for name in DISPLAY_ENVIRONMENTS)
_LABEL = r"(?:[ \t]*\{[ \t]*#(?P<label>[^\s}]+)[ \t]*\})?[ \t]*"
#: A whole block that is one display formula, with an optional ``{#eq:name}`` after it.
DISPLAY_BLOCK = re.compile(
    r"^[ ]{0,3}(?:\$\$(?P<dollars>(?:(?!\$\$).)+?)(?<!\\)\$\$"
    r"|\\\\?\[(?P<brackets>(?:(?!\\\]).)+?)\\\\?\]"
    rf"|(?P<env>\\begin\{{(?P<name>{_ENV})\}}.*?\\end\{{(?P=name)\}}))" + _LABEL + "$", re.S)
_OPENERS = re.compile(rf"^[ ]{{0,3}}(\$\$|\\\\?\[|\\begin\{{(?:{_ENV})\}})")
LABEL = re.compile(r"^eq:[A-Za-z0-9][\w.:-]*$")

#: ``$$…$$`` inside a paragraph (a non-empty formula without ``$$`` in it).
DOLLARS_RE = r"(?<![\\$])\$\$(?!\$)((?:\\.|[^\\$]|\$(?!\$))+?)(?<!\\)\$\$(?!\$)"
#: ``\[…\]`` or ``\\[…\\]`` inside a paragraph.
BRACKETS_RE = r"(?<!\\)\\\\?\[(.+?)\\\\?\]"
#: ``\(…\)`` or ``\\(…\\)``.
PARENS_RE = r"(?<!\\)\\\\?\((.+?)\\\\?\)"
#: ``$…$``: no space after the opening dollar, none before the closing one, no digit after it.
INLINE_MATH_RE = r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$])+?)(?<!\s)\$(?![\d$])"
#: ``\begin{align}…\end{align}`` starting a line inside a paragraph.
ENVIRONMENT_RE = rf"(?m:^)[ \t]*(\\begin\{{({_ENV})\}}.*?\\end\{{\2\}})"
#: ``\eqref{x}`` or ``\ref{x}`` in prose, as MathJax reads it.
PROSE_REF_RE = r"(?<!\\)\\(eqref|ref)\{([^{}\s]+)\}"
_IN_LINK_TARGET = re.compile(r"\]\([^()\s]*$|<[A-Za-z][\w-]*\s[^<>]*=\s*[\"'][^\"'<>]*$|<https?://[^<>\s]*$")


def tex_to_mathml(tex: str, display: bool = False, engine: KatexEngine | None = None) -> str:
    """A ``<math>`` element for ``tex``; raises :class:`MathError` when KaTeX cannot convert it."""
    return (engine or KatexEngine()).render(prepare(tex.strip()).tex, display)


def display_html(mathml: str, label: str | None, element: str = "div") -> str:
    """A display equation block; a labelled one gets an id and an empty number slot filled in by
    :mod:`chalk.markdown.xref` once every equation of the article is known. Wide equations scroll
    sideways, so the block is focusable (keyboard users can scroll it too)."""
    if not label:
        return f'<{element} class="math-display" tabindex="0">{mathml}</{element}>'
    return (f'<{element} class="math-display math-display--numbered" id="{escape(equation_anchor(label))}" '
            f'tabindex="0">{mathml}<span class="math-display__number" data-eq="{escape(label)}"></span></{element}>')


def error_html(shown: str, reason: str, display: bool, element: str = "div") -> str:
    """A visible box in place of a formula that could not be converted."""
    message = f"math error: {reason}"
    if display and element == "div":
        return (f'<div class="math-error math-error--display" role="note"><pre>{escape(shown)}</pre>'
                f'<p class="math-error__message">{escape(message)}</p></div>')
    return f'<span class="math-error" role="note" title="{escape(message)}">{escape(shown)}</span>'


@dataclass
class _Converter:
    """Converts one formula of the current document, reporting failures with their line."""

    context: DocumentContext
    engine: KatexEngine

    def __call__(self, tex: str, display: bool, shown: str, line: int | None = None,
                 label: str | None = None, element: str = "div") -> str:
        """The HTML of one formula: MathML, or an error box (and an error diagnostic)."""
        line = line if line is not None else self.context.line_of(tex.strip())
        if not display and (reference := only_reference(tex)) is not None:
            return f'<a data-xref="{reference[0]}:{escape(reference[1][3:])}"></a>'
        prepared = prepare(tex.strip())
        for name in prepared.bad_labels:
            self._report(error(f"math: \\label{{{name}}}: a label is letters, digits, '-', '_', '.' or ':'",
                               self.context.path, line, hint="e.g. \\label{vae-loss}, referenced as [@eq:vae-loss]"))
        try:
            mathml, display = self._render(prepared.tex, display)
        except MathError as exc:
            self._report(error(f"math: cannot convert {shown}: {exc.reason}", self.context.path, line,
                               hint=hint_for(exc.reason, tex)), recoverable=True)
            return error_html(shown, exc.reason, display, element)
        numbered = number_rows(mathml, prepared, label if display else None)
        if not display:
            return f'<span class="math-inline">{numbered.mathml}</span>'
        whole = None if numbered.numbered_rows else (label or numbered.whole_label)
        return display_html(numbered.mathml, whole, element)

    def _render(self, tex: str, display: bool) -> tuple[str, bool]:
        """KaTeX's MathML; what KaTeX refuses but MathJax accepts is retried as MathJax reads it
        (see :func:`mathtex.mathjax_compatible`), and an environment that needs display mode gets it.
        Raises the first :class:`MathError` if nothing works."""
        first: MathError | None = None
        for _ in range(4):
            try:
                return self.engine.render(tex, display), display
            except MathError as exc:
                first = first or exc
                if "only in display mode" in exc.reason and not display:
                    display = True
                    continue
                fixed = mathjax_compatible(exc.reason, tex)
                if fixed is None:
                    break
                tex = fixed
        assert first is not None
        raise first

    def _report(self, diagnostic: Diagnostic, recoverable: bool = False) -> None:
        if recoverable:  # the page can be shown with the error box: chalk serve keeps serving it
            diagnostic = Diagnostic(diagnostic.message, diagnostic.path, diagnostic.line, diagnostic.hint,
                                    Severity.ERROR, recoverable=True)
        self.context.diagnostics.append(diagnostic)

    def check_label(self, label: str | None, line: int) -> str | None:
        if label is None or LABEL.match(label):
            return label
        self.context.diagnostics.append(error(
            f"math: equation label '{label}' must look like eq:name", self.context.path, line,
            hint="e.g. $$ ... $$ {#eq:vae-loss}"))
        return None


class _InlineMath(InlineProcessor):
    """One kind of delimiter inside a paragraph; ``display`` None means "display when on lines of its own"."""

    def __init__(self, pattern: str, md: Markdown, convert_: _Converter, display: bool | None, needs: str):
        super().__init__(pattern, md)
        self.convert, self.display = convert_, display
        self.needs = (needs,)  # in every text it matches in (chalk.markdown.quick tries it only there)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:  # type: ignore[override]  # noqa: E501,N802
        if _IN_LINK_TARGET.search(data[:m.start(0)]):
            return None, None, None  # inside a link target or an HTML attribute: not math
        tex, end = m.group(1), m.end(0)
        if m.group(0)[:2] in ("\\(", "\\[") and not _looks_like_tex(tex, m.group(0)[1]):
            return None, None, None  # "\[sic\]", "a\[0\]", "\(see above\)": Markdown's escaped brackets
        if _depth(tex) > 0 and m.group(0).startswith("$"):  # $\text{$f$ is…}$: the closing $ is after the braces
            end = _balanced_close(data, m.start(1), "$$" if m.group(0).startswith("$$") else "$")
            if end < 0:
                end = m.end(0)
            else:
                tex = data[m.start(1):end - (2 if m.group(0).startswith("$$") else 1)]
        own_lines = _on_lines_of_its_own(data, m.start(0), end)
        display = own_lines if self.display is None else self.display
        shown = data[m.start(0):end].strip()
        html = self.convert(tex, display, shown, element="span")
        if not own_lines:
            html = html.replace('class="math-display', 'class="math-display math-display--in-text', 1)
        return self.md.htmlStash.store(html), m.start(0), end


_TEX_SIGNS = re.compile(r"[\\^_=+\-*/<>{}|]")


def _looks_like_tex(tex: str, bracket: str) -> bool:
    """Whether a single-backslash ``\\(…\\)``/``\\[…\\]`` holds math rather than escaped brackets:
    TeX signs, or (in parentheses) a lone symbol such as ``\\(x\\)``."""
    return bool(_TEX_SIGNS.search(tex)) or (bracket == "(" and bool(re.fullmatch(r"\s*[A-Za-z]\w?\s*", tex)))


def _depth(tex: str) -> int:
    """Unescaped ``{`` minus unescaped ``}``."""
    plain = re.sub(r"\\.", "", tex)
    return plain.count("{") - plain.count("}")


def _balanced_close(data: str, start: int, closer: str) -> int:
    """The end of the first ``closer`` after ``start`` outside braces (MathJax matches braces), or -1."""
    depth, index = 0, start
    while index < len(data):
        char = data[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and data.startswith(closer, index) and not data[index - 1].isspace():
            return index + len(closer)
        index += 1
    return -1


class _ProseReference(InlineProcessor):
    """``\\eqref{x}`` / ``\\ref{x}`` outside math: a cross-reference, as MathJax makes it."""

    needs = ("ref{",)  # in every text it matches in (chalk.markdown.quick tries it only there)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int, int]:  # type: ignore[override]  # noqa: N802
        name = m.group(2).removeprefix("eq:")
        return etree.Element("a", {"data-xref": f"{m.group(1)}:{name}"}), m.start(0), m.end(0)


def _on_lines_of_its_own(data: str, start: int, end: int) -> bool:
    before = data[:start].rsplit("\n", 1)[-1]
    after = data[end:].split("\n", 1)[0]
    return not before.strip() and not after.strip()


class _DisplayMath(BlockProcessor):
    """A paragraph that is one display formula (``$$``, ``\\[``, ``\\begin{align}``…), never more than one block."""

    def __init__(self, parser: Any, convert_: _Converter):
        super().__init__(parser)
        self.convert = convert_

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(_OPENERS.match(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        block = blocks[0]
        match = DISPLAY_BLOCK.match(block)
        context = self.convert.context
        if match is None:
            opener = _OPENERS.match(block)
            if opener and not _closed_in(block, opener.group(1)):
                context.diagnostics.append(warning(
                    f"math: {opener.group(1)} is not closed in its paragraph, shown as text",
                    context.path, _line_of_block(context, block),
                    hint="a formula cannot span a blank line: remove the blank lines inside it"))
            return False  # an ordinary paragraph (inline patterns find any math in it)
        blocks.pop(0)
        tex = match.group("dollars") or match.group("brackets") or match.group("env") or ""
        line = _line_of_block(context, block)
        label = self.convert.check_label(match.group("label"), line)
        html = self.convert(tex, True, block.strip(), line, label)
        placeholder = etree.SubElement(parent, "p")
        placeholder.text = self.parser.md.htmlStash.store(html)
        return True


def _line_of_block(context: DocumentContext, block: str) -> int:
    """The file line where ``block`` (a paragraph, so it starts a line) begins."""
    text = block.strip()
    if ("\n" + text) in context.body and not context.body.startswith(text):
        return context.line_of("\n" + text) + 1
    return context.line_of(text)


def _closed_in(block: str, opener: str) -> bool:
    if opener == "$$":
        return block.count("$$") % 2 == 0
    if opener.endswith("["):
        return "\\]" in block
    return opener.replace("\\begin", "\\end") in block


@dataclass
class MathFence:
    """The SuperFences formatter of ```` ```math ```` blocks (``{#eq:name}`` labels them)."""

    context: DocumentContext
    engine: KatexEngine

    def format(self, source: str, language: str, css_class: str, options: dict, md: Any, **kwargs: Any) -> str:
        convert_ = _Converter(self.context, self.engine)
        first = next((line.strip() for line in source.split("\n") if line.strip()), "```math")
        line = self.context.line_of(first)
        label = convert_.check_label(kwargs.get("id_value") or None, line)
        return convert_(source, True, source.strip(), line, label)


class MathExtension(Extension):
    """Registers the delimiters above and ``\\$`` as an escape (fences go through SuperFences)."""

    def __init__(self, context: DocumentContext, engine: KatexEngine, **kwargs: Any):
        self.context, self.engine = context, engine
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")
        convert_ = _Converter(self.context, self.engine)
        # after code spans (190), before escapes (180): the TeX is seen exactly as written
        patterns = [
            (_InlineMath(DOLLARS_RE, md, convert_, None, "$$"), "chalk-math-dollars", 189),
            (_InlineMath(ENVIRONMENT_RE, md, convert_, True, "\\begin{"), "chalk-math-environment", 188),
            (_InlineMath(BRACKETS_RE, md, convert_, True, "\\["), "chalk-math-brackets", 187),
            (_InlineMath(PARENS_RE, md, convert_, False, "\\("), "chalk-math-parens", 186),
            (_InlineMath(INLINE_MATH_RE, md, convert_, False, "$"), "chalk-math", 185),
            (_ProseReference(PROSE_REF_RE, md), "chalk-math-prose-ref", 184),
        ]
        for pattern, name, priority in patterns:
            md.inlinePatterns.register(pattern, name, priority)
        md.parser.blockprocessors.register(_DisplayMath(md.parser, convert_), "chalk-math-block", 65)
