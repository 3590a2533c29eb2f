"""Citations in Pandoc's syntax: ``[@goodfellow2014]``, ``[@ho2020, p. 4]``, ``[see @a; @b]``, ``[-@a]``.

A bracket holding one or more ``@key`` items separated by ``;`` is a citation
(``-@key`` shows the year only). ``[@fig:...]``, ``[@eq:...]`` and ``[@sec:...]`` stay
cross-references (:mod:`chalk.markdown.xref`), and ``[...](url)`` stays a link.

The Markdown output depends on the text alone: each citation becomes an empty
placeholder ``<span data-cite-group="N">`` and is recorded, as written and with its
line, in :attr:`Rendered.citations`. :mod:`chalk.references` formats them later
with the article's bibliography and the site's style, so the bibliography is no
part of the Markdown cache key.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from .context import DocumentContext

XREF_PREFIXES = ("fig:", "eq:", "sec:")
_KEY = r"[\w][\w:.#$%&+?<>~/-]*"
CITE_RE = r"\[(?=[^\[\]]*@)([^\[\]]+)\](?![(\[:])"
_ITEM = re.compile(rf"^(?P<prefix>.*?)(?<![\w@])(?P<suppress>-?)@(?P<key>{_KEY})(?P<suffix>.*)$", re.S)
PLACEHOLDER = re.compile(r'<span data-cite-group="(\d+)"></span>')


@dataclass(frozen=True)
class CiteItem:
    key: str
    suppress_author: bool = False


@dataclass(frozen=True)
class CitationGroup:
    """One bracketed citation: as written (Pandoc reads the same text), its items and its line."""

    text: str
    items: tuple[CiteItem, ...]
    line: int


def parse_citation(body: str) -> tuple[CiteItem, ...] | None:
    """The items of ``[body]``, or None if it is not a citation (some part has no @key)."""
    items = []
    for part in body.split(";"):
        match = _ITEM.match(part.strip())
        if match is None:
            return None
        key = match.group("key").rstrip(":.#$%&+?<>~/-")
        if key.startswith(XREF_PREFIXES):
            return None
        items.append(CiteItem(key, bool(match.group("suppress"))))
    return tuple(items) or None


class _CitationInline(InlineProcessor):
    needs = ("@",)  # in every text it matches in (chalk.markdown.quick tries it only there)

    def __init__(self, pattern: str, md: Markdown, context: DocumentContext):
        super().__init__(pattern, md)
        self.context = context

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:  # type: ignore[override]  # noqa: E501,N802
        items = parse_citation(m.group(1))
        if items is None:
            return None, None, None
        text = m.group(0)
        self.context.citations.append(CitationGroup(text, items, self.context.line_of(text)))
        element = etree.Element("span", {"data-cite-group": str(len(self.context.citations) - 1)})
        return element, m.start(0), m.end(0)


class CitationExtension(Extension):
    """Registers the citation pattern just after the cross-reference one (which keeps fig:, eq:, sec:)."""

    def __init__(self, context: DocumentContext, **kwargs: Any):
        self.context = context
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_CitationInline(CITE_RE, md, self.context), "chalk-citation", 171)
