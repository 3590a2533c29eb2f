"""The Markdown renderer: one body -> HTML, table of contents, diagram slots and text statistics.

Python-Markdown does the parsing; pymdown-extensions' SuperFences and Highlight
do fenced code with Pygments (titles, line numbers, highlighted lines). chalk's
own extensions (the sibling modules of this package) add math, numbered figures and
cross-references, sidenotes, line anchors and, given a glossary, term markup. The result depends only on the text, :data:`SETTINGS` and
:meth:`MarkdownRenderer.settings_key`, so it can be cached and computed in worker
processes.
"""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import markdown as pymarkdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

from ..digest import text_digest
from ..errors import Diagnostic, error, warning
from ..execute.results import ArticleCells
from ..glossary import Glossary
from .cells import CellExtension, CellFence, custom_fence
from .citations import CitationExtension, CitationGroup
from .codeblocks import CodeBlockExtension
from .context import DocumentContext
from .diagrams import ENGINES, DiagramSlot, fence_slot, parse_slot, slot_html
from .glossary import GlossaryExtension
from .highlight import HighlightMemory, RememberingHighlightExtension
from .katex import KatexEngine, katex_macros
from .limits import bound
from .math import MathExtension, MathFence
from .quick import SmartySkipExtension, freeze_inline_patterns
from .sidenotes import SidenoteExtension
from .text import WORDS_PER_MINUTE, count_words, reading_text, summarize, summary_before_more
from .xref import XrefExtension

EXTENSIONS = [  # and pymdownx.highlight, as chalk.markdown.highlight's RememberingHighlightExtension
    "tables", "footnotes", "admonition", "attr_list", "def_list", "md_in_html", "smarty", "toc",
    "pymdownx.superfences",
]
#: Everything that influences the HTML produced; part of every cache key.
SETTINGS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": "¶", "permalink_title": "Link to this section", "toc_depth": "2-6"},
    "pymdownx.highlight": {"use_pygments": True, "linenums_style": "pymdownx-inline", "guess_lang": False},
    # as a character reference (Python-Markdown's own default): one "↩" would make the whole
    # article's HTML a two-bytes-a-character string in memory
    "footnotes": {"BACKLINK_TEXT": "&#8617;"},
    "smarty": {"smart_angled_quotes": False},
}
PLAIN_LANGUAGES = {"", "text", "txt", "plain", "plaintext", "diagram", "math", *ENGINES}

_PRE_OPEN = re.compile(r"^ {0,3}<pre[\s>]", re.I)  # an HTML <pre> block, which Markdown leaves alone
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*(?:>[ \t]?)*[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*)$")


@dataclass(frozen=True)
class TocEntry:
    """A heading in an article's table of contents."""

    id: str
    title: str
    level: int
    children: tuple["TocEntry", ...] = ()


@dataclass(frozen=True)
class Fence:
    """A fenced code block found in the body: where it opens and what it declares."""

    line: int  # 1-based within the body
    language: str
    body: str
    closed: bool


@dataclass(frozen=True)
class Rendered:
    """What Markdown rendering produces for one body."""

    html: str
    toc: tuple[TocEntry, ...]
    slots: tuple[DiagramSlot, ...]
    summary: str
    word_count: int
    diagnostics: tuple[Diagnostic, ...] = ()
    terms: tuple[str, ...] = ()  # slugs of the glossary terms marked up, in order of first use
    citations: tuple[CitationGroup, ...] = ()  # placeholders until chalk.references resolves them
    references: tuple[Any, ...] = ()  # chalk.references.Reference, once resolved
    # what later stages look for in the HTML, found once here (False: certainly none; see with_html)
    has_images: bool = True  # an <img> (chalk.images)
    has_source_links: bool = True  # a link to a .md or .ipynb source (chalk.model.links)
    html_digest: bytes = b""  # text_digest(html), worked out where the HTML is made (b"": not known)

    @property
    def reading_time(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    def with_html(self, html: str, **changes: Any) -> "Rendered":
        """This rendering with new HTML (and other ``changes``), its marks found again."""
        return dataclasses.replace(self, html=html, has_images=has_images(html),
                                   has_source_links=has_source_links(html), html_digest=text_digest(html), **changes)


_IMG_TAG = re.compile(r"<img", re.I)


def has_images(html: str) -> bool:
    """Whether ``html`` may hold an ``<img>`` (False: it certainly does not)."""
    return _IMG_TAG.search(html) is not None


def has_source_links(html: str) -> bool:
    """Whether ``html`` may link to a Markdown or notebook source (False: it certainly does not)."""
    return ".md" in html or ".ipynb" in html


@dataclass
class _SlotCollector:
    """Per-document state of the diagram fence formatter."""

    path: str = ""
    line_offset: int = 0
    fences: list[Fence] = field(default_factory=list)
    slots: list[DiagramSlot] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def format(self, source: str, language: str, css_class: str, options: dict, md: Any, **kwargs: Any) -> str:
        line = self._line_of(source, "diagram")
        slot, problems = parse_slot(source, self.path, line)
        self.diagnostics.extend(problems)
        if slot is None:
            return ""
        if any(s.id == slot.id for s in self.slots):
            self.diagnostics.append(error(f"diagram: id '{slot.id}' is used twice in this article",
                                          self.path, line, hint="each slot needs its own id"))
            return ""
        self.slots.append(slot)
        return slot_html(slot)

    def format_fence(self, source: str, language: str, css_class: str, options: dict, md: Any,
                     **kwargs: Any) -> str:
        """A bare ```mermaid, ```d2 or ```dot fence: an unnumbered figure drawn from its text."""
        line = self._line_of(source, language)
        slot = fence_slot(source, language, self.path, line, sum(not s.numbered for s in self.slots) + 1)
        self.slots.append(slot)
        return slot_html(slot)

    def _line_of(self, source: str, language: str) -> int:
        for index, fence in enumerate(self.fences):
            if fence.language == language and fence.body.strip() == source.strip():
                del self.fences[index]
                return self.line_offset + fence.line
        return self.line_offset + 1


class MarkdownRenderer:
    """A reusable Markdown converter (building one costs milliseconds; reuse it)."""

    def __init__(self, glossary: Glossary | None = None, math_macros: dict[str, Any] | None = None) -> None:
        self._glossary = glossary
        self._macros = katex_macros(math_macros or {})
        self._math = KatexEngine(self._macros)  # one per renderer: its QuickJS context and its formula cache
        self.highlights = HighlightMemory()  # one per renderer too: the fenced blocks Pygments drew
        self._fresh()

    def _fresh(self) -> None:
        """A new Python-Markdown instance: after an exception its parser state cannot be trusted
        (``reset()`` leaves the block parser's state stack as the exception left it)."""
        glossary = self._glossary
        self._collector = _SlotCollector()
        self._context = DocumentContext()
        self._cells = CellFence()
        configs = {name: dict(values) for name, values in SETTINGS.items()}
        configs["toc"]["slugify"] = slugify_unicode
        configs["pymdownx.superfences"] = {
            "custom_fences": [{"name": "diagram", "class": "diagram", "format": self._collector.format},
                              *({"name": engine, "class": "drawing", "format": self._collector.format_fence}
                                for engine in ENGINES),
                              {"name": "math", "class": "math", "format": MathFence(self._context, self._math).format},
                              custom_fence(self._cells)],
        }
        highlight = RememberingHighlightExtension(self.highlights, **configs.pop("pymdownx.highlight"))
        own: list[Extension] = [highlight, MathExtension(self._context, self._math), XrefExtension(self._context), CitationExtension(self._context),
               SidenoteExtension(), CodeBlockExtension(), CellExtension(self._cells), SmartySkipExtension()]
        if glossary is not None and glossary.terms:
            own.append(GlossaryExtension(glossary, self._context))
        self._md = pymarkdown.Markdown(extensions=[*EXTENSIONS, *own], extension_configs=configs,
                                      output_format="html")
        freeze_inline_patterns(self._md)

    def settings_key(self) -> str:
        """What besides the text and :data:`SETTINGS` shapes this renderer's output (the glossary);
        part of every cache key of rendered Markdown."""
        return settings_key_for(self._glossary, self._macros)

    def render(self, body: str, path: str = "", body_line: int = 1, cells: ArticleCells | None = None) -> Rendered:
        """Render ``body`` (whose first line is line ``body_line`` of ``path``); ``cells`` holds the
        outputs of its executable cells (see :mod:`chalk.execute`), None when it has none."""
        bounded = bound(body, path, body_line)
        body = bounded.body
        fences = scan_fences(body)
        problems = [*bounded.problems, *_fence_problems(fences, path, body_line)]
        self._collector.path, self._collector.line_offset = path, body_line - 1
        self._collector.fences, self._collector.slots, self._collector.diagnostics = list(fences), [], []
        self._context.reset(path, body, body_line - 1)
        self._math.begin_document()
        self._cells.reset(path, body, body_line, cells)
        try:
            html = bounded.restore(self._md.reset().convert(body))
            toc = tuple(_toc_entry(token) for token in getattr(self._md, "toc_tokens", []))
        except Exception as exc:  # RecursionError and the like: this text fails, the next renders clean
            self._fresh()
            return Rendered("", (), (), "", 0, (*problems, error(
                f"markdown: cannot render this text: {type(exc).__name__}: {str(exc)[:200]}", path, body_line,
                hint="simplify deeply nested lists, quotes or HTML in it")))
        finally:
            self._md.reset()
        problems.extend(self._collector.diagnostics)
        problems.extend(self._cells.problems())
        problems.extend(sorted(self._context.diagnostics, key=lambda d: d.line or 0))
        prose = reading_text(html)
        summary = summary_before_more(prose)
        return Rendered(html, toc, tuple(self._collector.slots), summarize(prose) if summary is None else summary,
                        count_words(prose), tuple(problems), tuple(self._context.terms),
                        tuple(self._context.citations), has_images=has_images(html),
                        has_source_links=has_source_links(html), html_digest=text_digest(html))


def settings_key_for(glossary: Glossary | None, math_macros: dict[str, Any] | None) -> str:
    """The :meth:`MarkdownRenderer.settings_key` of a renderer made with these settings."""
    key = glossary.settings_key() if glossary is not None else ""
    macros = katex_macros(math_macros or {})
    return key + (f"\nmath_macros {sorted(macros.items())}" if macros else "")


def scan_fences(body: str) -> list[Fence]:
    """Find fenced code blocks (``` or ~~~) with their opening line and language."""
    fences: list[Fence] = []
    lines = body.split("\n")
    index = 0
    while index < len(lines):
        if _PRE_OPEN.match(lines[index]) and "</pre>" not in lines[index].lower():  # raw HTML: no fences inside
            index = next((j for j in range(index + 1, len(lines)) if "</pre>" in lines[j].lower()), len(lines)) + 1
            continue
        match = _FENCE_OPEN.match(lines[index])
        if not match or (match.group("fence")[0] == "`" and "`" in match.group("info")):
            index += 1
            continue
        fence, info = match.group("fence"), match.group("info").strip()
        closing = re.compile(rf"^[ \t]*(?:>[ \t]?)*[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), None)
        language = info.split()[0].lstrip(".{").rstrip("}").lower() if info else ""
        stop = end if end is not None else len(lines)
        indent = len(match.group("indent"))
        content = "\n".join(line[indent:] if line[:indent].strip() == "" else line.lstrip()
                            for line in lines[index + 1:stop])
        fences.append(Fence(index + 1, language, content, end is not None))
        index = stop + 1
    return fences


def _fence_problems(fences: list[Fence], path: str, body_line: int) -> Iterator[Diagnostic]:
    for fence in fences:
        line = body_line - 1 + fence.line
        if not fence.closed:
            yield error("code block: this ``` fence is never closed", path, line,
                        hint="add a closing ``` line after the code")
        elif fence.language not in PLAIN_LANGUAGES and not _known_language(fence.language):
            yield warning(f"code block: unknown language '{fence.language}', shown as plain text", path, line,
                          hint="see `pygmentize -L lexers` for names")


def _known_language(name: str) -> bool:
    try:
        find_lexer_class_by_name(name)
    except ClassNotFound:
        return False
    return True


def _toc_entry(token: dict[str, Any]) -> TocEntry:
    return TocEntry(token["id"], htmllib.unescape(token["name"]), token["level"],
                    tuple(_toc_entry(child) for child in token.get("children", [])))
