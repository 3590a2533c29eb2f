"""The glossary's Markdown extension: marks the first use of each term in an article.

The terms come from :mod:`chalk.glossary` (``content/glossary.yaml``). In each article
(a post, under ``content/posts/``; plain pages are left alone) the first use of a term
(or an alias; case-insensitive, whole words, longest name first) becomes a link to its
entry on the glossary page, with the definition shown on hover and on keyboard focus
(CSS only). Code, links, headings, math and attributes are never touched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from ..glossary import ANCHOR_PREFIX, Glossary, Term, term_key
from .context import DocumentContext


ARTICLES = "content/posts/"  # the sources whose text is marked up


#: Elements whose text is never marked up.
SKIPPED = frozenset({"a", "abbr", "code", "dfn", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "math", "pre",
                     "samp", "script", "style", "sup", "sub", "var", "button", "textarea", "svg"})


_RAW_TAG = re.compile(r"\s*<(/?)([A-Za-z][\w-]*)")


class _GlossaryTreeprocessor(Treeprocessor):
    """Marks the first use of each term in the article's text."""

    def __init__(self, md: Markdown, glossary: Glossary, context: DocumentContext):
        super().__init__(md)
        self.glossary, self.context = glossary, context
        self.names = {term_key(name): term for term in glossary.terms for name in (term.name, *term.aliases)}
        alternatives = sorted(self.names, key=len, reverse=True)
        body = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in alternatives)
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I) if alternatives else None

    def run(self, root: etree.Element) -> None:
        if self.pattern is None or not is_article(self.context.path):
            return
        self.used: set[str] = set()
        self.raw_depth = 0  # inside raw inline HTML such as <a href=...>...</a> written in the Markdown
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in SKIPPED or not isinstance(element.tag, str) or _is_skipped_box(element):
            return
        children = list(element)
        lead, nodes = self._split(element.text)
        if nodes:
            element.text = lead
            for offset, node in enumerate(nodes):
                element.insert(offset, node)
        for child in children:
            self._walk(child)
            lead, nodes = self._split(child.tail)
            if nodes:
                child.tail = lead
                index = list(element).index(child)
                for offset, node in enumerate(nodes, start=1):
                    element.insert(index + offset, node)

    def _matches(self, text: str) -> list[re.Match[str]]:
        """Matches in ``text`` outside raw inline HTML elements whose content is never marked up."""
        assert self.pattern is not None
        found: list[re.Match[str]] = []
        position = 0
        for placeholder in HTML_PLACEHOLDER_RE.finditer(text):
            if self.raw_depth == 0:
                found += self.pattern.finditer(text, position, placeholder.start())
            self._track(placeholder)
            position = placeholder.end()
        if self.raw_depth == 0:
            found += self.pattern.finditer(text, position)
        return found

    def _track(self, placeholder: re.Match[str]) -> None:
        index = int(placeholder.group(1))
        blocks = self.md.htmlStash.rawHtmlBlocks
        raw = blocks[index] if index < len(blocks) else ""
        tag = _RAW_TAG.match(raw) if isinstance(raw, str) else None
        if tag is None or tag.group(2).lower() not in SKIPPED or str(raw).rstrip().endswith("/>"):
            return
        self.raw_depth = max(0, self.raw_depth - 1) if tag.group(1) else self.raw_depth + 1

    def _split(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        if not text or self.pattern is None:
            return text, []
        lead: str | None = None
        nodes: list[etree.Element] = []
        last = 0
        for match in self._matches(text):
            term = self.names.get(term_key(match.group(0)))
            if term is None or term.slug in self.used:
                continue
            self.used.add(term.slug)
            self.context.terms.append(term.slug)
            before = text[last:match.start()]
            if nodes:
                nodes[-1].tail = before
            else:
                lead = before
            nodes.append(self._markup(term, match.group(0)))
            last = match.end()
        if not nodes:
            return text, []
        nodes[-1].tail = text[last:]
        return lead, nodes

    def _markup(self, term: Term, shown: str) -> etree.Element:
        tip_id = f"{ANCHOR_PREFIX}tip-{term.slug}"
        wrapper = etree.Element("span", {"class": "term"})
        link = etree.SubElement(wrapper, "a", {"class": "term__link", "href": f"{self.glossary.url}#{term.anchor}",
                                               "aria-describedby": tip_id})
        link.text = shown
        tip = etree.SubElement(wrapper, "span", {"class": "term__tip", "id": tip_id, "aria-hidden": "true",
                                                 "data-pagefind-ignore": "all"})
        tip.text = " " + term.definition  # a space for reading without CSS; collapsed in the tooltip
        return wrapper


def is_article(path: str) -> bool:
    """Whether the glossary marks up this source: posts (and text without a path), not plain pages."""
    return not path.startswith("content/") or path.startswith(ARTICLES)


def _is_skipped_box(element: etree.Element) -> bool:
    css = (element.get("class") or "").split()
    return "math-error" in css or "term" in css or "xref" in css


class GlossaryExtension(Extension):
    """Registers the glossary treeprocessor (after attribute lists, before smart quotes and the TOC)."""

    def __init__(self, glossary: Glossary, context: DocumentContext, **kwargs: Any):
        self.glossary, self.context = glossary, context
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.treeprocessors.register(_GlossaryTreeprocessor(md, self.glossary, self.context), "chalk-glossary", 7)
