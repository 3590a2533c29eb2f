"""Numbered figures, numbered equations and cross-references, per article.

* Diagram slots and captioned images are figures, numbered in order: the caption
  reads "Figure 1: Simplified GAN architecture". An image alone in its paragraph
  with a title becomes a figure: ``![alt](gan.png "Caption"){#gan}``.
* Labelled display equations (``$$ ... $$ {#eq:vae-loss}``, or ``\\label{vae-loss}`` inside) and
  the rows KaTeX numbers (``equation``, ``align``, ``gather``...) are numbered (1), (2)... in
  one sequence; a ``\\tag{3a}`` keeps its own text.
* ``[@fig:gan-architecture]`` becomes a link "Figure 1" to ``#gan-architecture``,
  ``[@eq:vae-loss]`` "Equation (2)" to ``#eq-vae-loss``, and ``[@sec:diffusion-models]``
  the section's title, linking to that heading's id. ``\\eqref{vae-loss}`` reads "(2)" and
  ``\\ref{vae-loss}`` "2", in prose or inside a formula. A reference may come before its
  target; an unknown id is an error at ``path:line``.

References are placeholders until the whole article has been rendered; a
postprocessor then numbers everything in document order and fills them in.
"""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from ..errors import error
from .context import DocumentContext
from .diagrams import WIDTHS
from .mathtex import equation_anchor

XREF_RE = r"\[@(fig|eq|sec):([A-Za-z0-9][\w.:-]*)\]"
_PLACEHOLDER = re.compile(r'<a data-xref="(fig|eq|sec|eqref|ref):([^"]+)"></a>')
_FIGURE = re.compile(r"<figure\b([^>]*)>(.*?)</figure>", re.S)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>")
_ID_ATTR = re.compile(r'\bid="([^"]*)"')
_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_EQ_NUMBER = re.compile(r'<span class="math-display__number" data-eq="(?P<span>[^"]+)"></span>'
                        r'|<mtext class="math-eqno" data-eq="(?P<row>[^"]*)"></mtext>'
                        r'| data-eq-tag="(?P<tagged>[^"]+)" data-tag="(?P<tag>[^"]*)"')
_MATH_REF = re.compile(r'<mtext class="math-eqref" data-eq="eq:([^"]+)" data-style="(eqref|ref)"></mtext>')
_HEADING = re.compile(r"<h([1-6])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Targets:
    """What an article's references can point at, by kind and id."""

    figures: dict[str, int] = field(default_factory=dict)  # element id -> number
    equations: dict[str, str] = field(default_factory=dict)  # eq:label -> its number ("2", or a \\tag's "3a")
    sections: dict[str, str] = field(default_factory=dict)  # heading id -> title (HTML)


def number_figures(html: str, targets: Targets) -> str:
    """Prefix each figure's caption with "Figure N:" (diagram slots get one even without a caption)."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        attrs, inner = match.group(1), match.group(2)
        css = _CLASS_ATTR.search(attrs)
        is_diagram = css is not None and "diagram" in css.group(1).split()
        caption = _FIGCAPTION.search(inner)
        if not is_diagram and caption is None:
            return match.group(0)
        count += 1
        found = _ID_ATTR.search(attrs)
        if found and found.group(1):
            targets.figures.setdefault(htmllib.unescape(found.group(1)), count)
        if caption is None:
            inner += f'<figcaption><span class="figure-number">Figure {count}</span></figcaption>'
        else:
            inner = (inner[:caption.end()] + f'<span class="figure-number">Figure {count}:</span> '
                     + inner[caption.end():])
        return f"<figure{attrs}>{inner}</figure>"

    return _FIGURE.sub(replace, html)


def number_equations(html: str, targets: Targets) -> tuple[str, list[str]]:
    """Fill in (1), (2)... for labelled equations and numbered rows, in document order; register
    ``\\tag``-ged labels with their tag. Returns the HTML and the labels used twice."""
    twice: list[str] = []
    count = 0

    def register(label: str, number: str) -> str:
        if label in targets.equations:
            twice.append(label)
            return targets.equations[label]
        targets.equations[label] = number
        return number

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group("tagged") is not None:
            register(htmllib.unescape(match.group("tagged")), htmllib.unescape(match.group("tag")))
            return ""
        label = htmllib.unescape(match.group("span") or match.group("row") or "")
        count += 1
        number = register(label, str(count)) if label else str(count)
        if match.group("span") is not None:
            return f'<span class="math-display__number">({number})</span>'
        return f'<mtext class="math-eqno">({number})</mtext>'

    return _EQ_NUMBER.sub(replace, html), twice


def collect_sections(html: str, targets: Targets) -> None:
    for match in _HEADING.finditer(html):
        title = " ".join(_TAG.sub("", _HEADERLINK.sub("", match.group(3))).split())
        targets.sections.setdefault(htmllib.unescape(match.group(2)), title)


def reference_html(kind: str, ident: str, targets: Targets) -> str | None:
    """The link a reference becomes, or None if its target does not exist."""
    if kind == "fig" and ident in targets.figures:
        href, text = ident, f"Figure&nbsp;{targets.figures[ident]}"
    elif kind in ("eq", "eqref", "ref") and f"eq:{ident}" in targets.equations:
        number = htmllib.escape(targets.equations[f"eq:{ident}"])
        text = {"eq": f"Equation&nbsp;({number})", "eqref": f"({number})", "ref": number}[kind]
        href, kind = equation_anchor(f"eq:{ident}"), "eq"
    elif kind == "sec" and ident in targets.sections:
        href, text = ident, targets.sections[ident]
    else:
        return None
    return f'<a class="xref xref--{kind}" href="#{htmllib.escape(href)}">{text}</a>'


class _XrefInline(InlineProcessor):
    needs = ("[@",)  # in every text it matches in (chalk.markdown.quick tries it only there)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int, int]:  # type: ignore[override]  # noqa: N802
        return etree.Element("a", {"data-xref": f"{m.group(1)}:{m.group(2)}"}), m.start(0), m.end(0)


class _FigureTreeprocessor(Treeprocessor):
    """``![alt](src "Caption")`` alone in a paragraph -> ``<figure><img><figcaption>Caption``."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                image = _lone_image(child)
                if image is None:
                    continue
                width = image.attrib.pop("width") if image.get("width") in WIDTHS[1:] else ""
                figure = etree.Element("figure", {"class": f"figure figure--{width}" if width else "figure"})
                if image.get("id"):
                    figure.set("id", image.attrib.pop("id"))
                caption = image.attrib.pop("title")
                figure.append(image)
                image.tail = None
                etree.SubElement(figure, "figcaption").text = caption
                figure.tail = child.tail
                parent.remove(child)
                parent.insert(index, figure)


def _lone_image(element: etree.Element) -> etree.Element | None:
    if element.tag != "p" or len(element) != 1 or (element.text or "").strip():
        return None
    image = element[0]
    if image.tag != "img" or (image.tail or "").strip() or not (image.get("title") or "").strip():
        return None
    return image


class _XrefPostprocessor(Postprocessor):
    def __init__(self, md: Markdown, context: DocumentContext):
        super().__init__(md)
        self.context = context

    def run(self, text: str) -> str:
        targets = Targets()
        text = number_figures(text, targets)
        text, twice = number_equations(text, targets)
        for label in dict.fromkeys(twice):
            self.context.diagnostics.append(error(
                f"math: equation label '{label}' is used twice in this article", self.context.path,
                self.context.line_of_nth("#" + label, 2), hint="each labelled equation needs its own label"))
        collect_sections(text, targets)
        reported: set[str] = set()

        def in_math(match: re.Match[str]) -> str:
            label, style = f"eq:{htmllib.unescape(match.group(1))}", match.group(2)
            number = targets.equations.get(label)
            if number is None:
                missing(f"\\{style}{{{label[3:]}}}", "eq", label[3:])
                number = "??"
            return f'<mtext class="math-eqref">{htmllib.escape("(" + number + ")" if style == "eqref" else number)}</mtext>'

        def missing(written: str, kind: str, ident: str) -> None:
            if written not in reported:
                reported.add(written)
                self.context.diagnostics.append(error(
                    f"reference {written}: no {_NAMES[kind]} with the id '{ident}' in this article",
                    self.context.path, self.context.line_of(written), hint=_hint(kind, targets)))

        def replace(match: re.Match[str]) -> str:
            kind, ident = match.group(1), htmllib.unescape(match.group(2))
            link = reference_html(kind, ident, targets)
            if link is not None:
                return link
            written = f"\\{kind}{{{ident}}}" if kind in ("eqref", "ref") else f"[@{kind}:{ident}]"
            missing(written, "eq" if kind in ("eqref", "ref") else kind, ident)
            return f'<span class="xref xref--missing">{htmllib.escape(written)}</span>'

        return _PLACEHOLDER.sub(replace, _MATH_REF.sub(in_math, text))


_NAMES = {"fig": "figure", "eq": "labelled equation", "sec": "section"}


def _hint(kind: str, targets: Targets) -> str:
    known = {"fig": list(targets.figures), "eq": [k[3:] for k in targets.equations], "sec": list(targets.sections)}
    names = known[kind]
    if not names:
        return {"fig": "figures are diagram slots and images with a title",
                "eq": "label an equation with $$ ... $$ {#eq:name}",
                "sec": "sections are headings; their ids are in the table of contents"}[kind]
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    return f"known: {shown}"


class XrefExtension(Extension):
    """Figures from titled images, reference placeholders, and the numbering postprocessor."""

    def __init__(self, context: DocumentContext, **kwargs: Any):
        self.context = context
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_XrefInline(XREF_RE, md), "chalk-xref", 172)
        md.treeprocessors.register(_FigureTreeprocessor(md), "chalk-figures", 7.5)
        md.postprocessors.register(_XrefPostprocessor(md, self.context), "chalk-xref", 5)
