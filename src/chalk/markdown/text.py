"""Text statistics of rendered HTML: the reading text, summary, word count and reading time."""

from __future__ import annotations

import html as htmllib
import re


WORDS_PER_MINUTE = 220


SUMMARY_LENGTH = 300


_TAG = re.compile(r"<[^>]+>")


_BLOCK_TAG = re.compile(r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|h[1-6]|hr|li"
                        r"|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)\b[^>]*>", re.I)


_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


_PRE = re.compile(r"<pre\b.*?</pre>", re.S)


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


_FOOTNOTE_REF = re.compile(r'<sup id="fnref:[^"]*">.*?</sup>', re.S)


_TERM_TIP = re.compile(r'<span\b[^>]*\bclass="term__tip"[^>]*>.*?</span>', re.S)


_SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>")


def reading_text(html: str) -> str:
    """The HTML without what a reader does not read in the flow: sidenote copies, glossary tooltips."""
    if 'class="term__tip"' in html:
        html = _TERM_TIP.sub("", html)
    return strip_spans(html, "sidenote") if 'class="sidenote"' in html else html


def strip_spans(html: str, css_class: str) -> str:
    """Remove every ``<span class="css_class" ...>`` with all it holds (nested spans included)."""
    opening = re.compile(rf'<span\b[^>]*\bclass="{re.escape(css_class)}"[^>]*>')
    pieces, position = [], 0
    while (found := opening.search(html, position)) is not None:
        start = found.start()
        pieces.append(html[position:start])
        depth, cursor = 0, start
        for tag in _SPAN_TAG.finditer(html, start):
            depth += -1 if tag.group(1) else 1
            cursor = tag.end()
            if depth == 0:
                break
        position = cursor
    return "".join(pieces) + html[position:]


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace folded (inline tags do not split words)."""
    return " ".join(htmllib.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", html))).split())


def summarize(html: str, length: int = SUMMARY_LENGTH) -> str:
    """The first paragraph as plain text, cut at a word boundary near ``length``."""
    match = _FIRST_PARAGRAPH.search(html)
    if not match:
        return ""
    text = html_to_text(_FOOTNOTE_REF.sub("", match.group(1)))
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def count_words(html: str) -> int:
    """Words of prose (code blocks and heading permalinks are not counted)."""
    return len(html_to_text(_HEADERLINK.sub(" ", _PRE.sub(" ", html))).split())


_MORE = re.compile(r"<!--\s*more\s*-->")


def summary_before_more(html: str) -> str | None:
    """Hugo's and Jekyll's summary divider: the text before ``<!--more-->``, whole (None without one)."""
    found = _MORE.search(html)
    if found is None:
        return None
    return html_to_text(_HEADERLINK.sub(" ", _FOOTNOTE_REF.sub("", html[:found.start()])))
