"""Sidenotes: each footnote is also shown in the margin, beside the text that cites it.

The footnotes extension still writes the ordinary list at the end (``li#fn:x``);
this treeprocessor puts a copy of each note, ``<span class="sidenote" id="sn:x">``,
right after the note's first reference. The stylesheet shows the copies in the
margin on wide screens (and visually hides the list), and hides the copies on
narrow screens and in print, so no JavaScript is needed. The copies are
``aria-hidden`` and their links leave the tab order: assistive technology and
keyboards always use the footnote list, which stays in the document.

A note whose reference sits in a table, figure or code block is put just before
that block instead (a float cannot leave a table cell). A note made of more than
paragraphs shows its paragraphs and a link to the full note.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

FIRST_REF = "fnref:"
NOTE = "fn:"
SIDENOTE = "sn:"
#: A reference inside one of these cannot float beside the text; its note goes before the whole block.
_CONTAINED = {"table", "figure", "pre", "thead", "tbody", "tr", "td", "th", "caption", "figcaption"}


class _SidenoteTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        box = next((div for div in root.iter("div") if div.get("class") == "footnote"), None)
        if box is None:
            return
        notes = {li.get("id", "")[len(NOTE):]: li for li in box.iter("li") if li.get("id", "").startswith(NOTE)}
        parents = {child: parent for parent in root.iter() for child in parent}
        inside_box = set(box.iter())
        for sup in [s for s in root.iter("sup") if s not in inside_box]:
            ref_id = sup.get("id") or ""
            link = sup.find("a")
            key = ref_id[len(FIRST_REF):]
            if not ref_id.startswith(FIRST_REF) or key not in notes or link is None:
                continue
            sidenote = self.make_sidenote(notes[key], key, "".join(link.itertext()).strip())
            _place(sidenote, sup, parents, root)

    def make_sidenote(self, note: etree.Element, key: str, number: str) -> etree.Element:
        """``<span class="sidenote">`` holding the note's paragraphs (as spans), ids renamed."""
        sidenote = etree.Element("span", {"class": "sidenote", "id": SIDENOTE + key, "aria-hidden": "true",
                                          "data-pagefind-ignore": "all"})  # the footnote list is indexed
        complete = True
        for child in note:
            if child.tag != "p" or self._holds_block(child):
                complete = complete and _is_backref_paragraph(child)
                continue
            paragraph = copy.deepcopy(child)
            paragraph.tag, paragraph.attrib = "span", {"class": "sidenote__p"}
            paragraph.tail = None
            sidenote.append(paragraph)
        _clean(sidenote)
        if not complete:
            more = etree.SubElement(sidenote, "span", {"class": "sidenote__p"})
            etree.SubElement(more, "a", {"class": "sidenote__more", "href": f"#{NOTE}{key}", "tabindex": "-1"}
                             ).text = f"Read all of note {number}"
        first = sidenote[0] if len(sidenote) else etree.SubElement(sidenote, "span", {"class": "sidenote__p"})
        marker = etree.Element("span", {"class": "sidenote__number"})
        marker.text, marker.tail = number, " " + (first.text or "")
        first.text = None
        first.insert(0, marker)
        return sidenote

    def _holds_block(self, paragraph: etree.Element) -> bool:
        """A paragraph that is only a stashed block of HTML (display math, a diagram...)."""
        text = (paragraph.text or "").strip()
        found = HTML_PLACEHOLDER_RE.fullmatch(text) if len(paragraph) == 0 else None
        if found is None:
            return False
        raw = self.md.htmlStash.rawHtmlBlocks[int(found.group(1))]
        return not isinstance(raw, str) or bool(re.match(r"\s*<(?!span\b|math\b|a\b|em\b|strong\b|code\b)", raw))


def _is_backref_paragraph(element: etree.Element) -> bool:
    """The paragraph the footnotes extension adds when a note ends in a list or code block."""
    return element.tag == "p" and all(a.get("class") == "footnote-backref" for a in element) and \
        not (element.text or "").replace(NBSP_PLACEHOLDER, "").strip()


def _clean(sidenote: etree.Element) -> None:
    """Drop back-links, give copied ids a prefix and take copied links out of the tab order."""
    for parent in list(sidenote.iter()):
        for child in list(parent):
            if child.tag == "a" and child.get("class") == "footnote-backref":
                _remove_keeping_tail(parent, child)
    for element in sidenote.iter():
        if element is not sidenote and element.get("id"):
            element.set("id", "sn-" + element.get("id", ""))
        if element.get("aria-describedby"):
            element.set("aria-describedby", " ".join("sn-" + i for i in element.get("aria-describedby", "").split()))
        if element.tag == "a" and element.get("href") is not None:
            element.set("tabindex", "-1")
        for name in ("text", "tail"):
            value = getattr(element, name)
            if value and NBSP_PLACEHOLDER in value:
                setattr(element, name, value.replace(NBSP_PLACEHOLDER, "").rstrip() or None)


def _remove_keeping_tail(parent: etree.Element, child: etree.Element) -> None:
    tail = child.tail or ""
    index = list(parent).index(child)
    if tail:
        if index > 0:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(child)


def _place(sidenote: etree.Element, sup: etree.Element, parents: dict[Any, etree.Element],
           root: etree.Element) -> None:
    chain = [sup]
    while chain[-1] in parents and parents[chain[-1]] is not root:
        chain.append(parents[chain[-1]])
    if any(element.tag in _CONTAINED for element in chain):
        top = chain[-1]
        index = list(root).index(top)
        root.insert(index, sidenote)
        sidenote.tail = None
        return
    parent = parents[sup]
    parent.insert(list(parent).index(sup) + 1, sidenote)
    sidenote.tail, sup.tail = sup.tail, None


class SidenoteExtension(Extension):
    """Adds the sidenote copies (runs after the footnotes, the table of contents and the glossary)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.treeprocessors.register(_SidenoteTreeprocessor(md), "chalk-sidenotes", 4)
