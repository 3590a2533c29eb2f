"""The Markdown renderer: one body -> HTML, table of contents, diagram slots and text statistics.

Python-Markdown does the parsing; pymdown-extensions' SuperFences and Highlight
do fenced code with Pygments (titles, line numbers, highlighted lines). chalk's
own extensions (the sibling modules of this package) add math, numbered figures and
cross-references, sidenotes, line anchors and, given a glossary, term markup. The result depends only on the text, :data:`SETTINGS` and
:meth:`MarkdownRenderer.settings_key`, so it can be cached and computed in worker
processes.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import markdown as pymarkdown
from markdown.extensions.toc import slugify_unicode
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

from ..errors import Diagnostic, error, warning
from ..glossary import Glossary
from .codeblocks import CodeBlockExtension
from .context import DocumentContext
from .diagrams import DiagramSlot, parse_slot, slot_html
from .glossary import GlossaryExtension
from .math import MathExtension, MathFence
from .sidenotes import SidenoteExtension
from .text import WORDS_PER_MINUTE, count_words, reading_text, summarize
from .xref import XrefExtension

EXTENSIONS = [
    "tables", "footnotes", "admonition", "attr_list", "def_list", "md_in_html", "smarty", "toc",
    "pymdownx.superfences", "pymdownx.highlight",
]
#: Everything that influences the HTML produced; part of every cache key.
SETTINGS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": "¶", "permalink_title": "Link to this section", "toc_depth": "2-6"},
    "pymdownx.highlight": {"use_pygments": True, "linenums_style": "pymdownx-inline", "guess_lang": False},
    "footnotes": {"BACKLINK_TEXT": "↩"},
    "smarty": {"smart_angled_quotes": False},
}
PLAIN_LANGUAGES = {"", "text", "txt", "plain", "plaintext", "diagram", "math"}

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

    @property
    def reading_time(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))


@dataclass
class _SlotCollector:
    """Per-document state of the diagram fence formatter."""

    path: str = ""
    line_offset: int = 0
    fences: list[Fence] = field(default_factory=list)
    slots: list[DiagramSlot] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def format(self, source: str, language: str, css_class: str, options: dict, md: Any, **kwargs: Any) -> str:
        line = self._line_of(source)
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

    def _line_of(self, source: str) -> int:
        for index, fence in enumerate(self.fences):
            if fence.language == "diagram" and fence.body.strip() == source.strip():
                del self.fences[index]
                return self.line_offset + fence.line
        return self.line_offset + 1


class MarkdownRenderer:
    """A reusable Markdown converter (building one costs milliseconds; reuse it)."""

    def __init__(self, glossary: Glossary | None = None) -> None:
        self._collector = _SlotCollector()
        self._context = DocumentContext()
        self._glossary = glossary
        configs = {name: dict(values) for name, values in SETTINGS.items()}
        configs["toc"]["slugify"] = slugify_unicode
        configs["pymdownx.superfences"] = {
            "custom_fences": [{"name": "diagram", "class": "diagram", "format": self._collector.format},
                              {"name": "math", "class": "math", "format": MathFence(self._context).format}],
        }
        own = [MathExtension(self._context), XrefExtension(self._context), SidenoteExtension(), CodeBlockExtension()]
        if glossary is not None and glossary.terms:
            own.append(GlossaryExtension(glossary, self._context))
        self._md = pymarkdown.Markdown(extensions=[*EXTENSIONS, *own], extension_configs=configs,
                                      output_format="html")

    def settings_key(self) -> str:
        """What besides the text and :data:`SETTINGS` shapes this renderer's output (the glossary);
        part of every cache key of rendered Markdown."""
        return self._glossary.settings_key() if self._glossary is not None else ""

    def render(self, body: str, path: str = "", body_line: int = 1) -> Rendered:
        """Render ``body`` (whose first line is line ``body_line`` of ``path``)."""
        fences = scan_fences(body)
        problems = list(_fence_problems(fences, path, body_line))
        self._collector.path, self._collector.line_offset = path, body_line - 1
        self._collector.fences, self._collector.slots, self._collector.diagnostics = list(fences), [], []
        self._context.reset(path, body, body_line - 1)
        try:
            html = self._md.reset().convert(body)
            toc = tuple(_toc_entry(token) for token in getattr(self._md, "toc_tokens", []))
        finally:
            self._md.reset()
        problems.extend(self._collector.diagnostics)
        problems.extend(sorted(self._context.diagnostics, key=lambda d: d.line or 0))
        prose = reading_text(html)
        return Rendered(html, toc, tuple(self._collector.slots), summarize(prose), count_words(prose),
                        tuple(problems), tuple(self._context.terms))


def scan_fences(body: str) -> list[Fence]:
    """Find fenced code blocks (``` or ~~~) with their opening line and language."""
    fences: list[Fence] = []
    lines = body.split("\n")
    index = 0
    while index < len(lines):
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


