"""One body, converted: the engine's template syntax first (over the whole text, as the old
engine ran it), then the Markdown-level passes outside code, then the marks turned into lines."""

from __future__ import annotations

import re
from collections import Counter

from .document import Document, join_runs, split_code
from .headings import keep_heading_ids
from .kramdown import convert_block_ials, convert_extensions, parse_block_html
from .links import Links, rewrite_links
from .mathescapes import unescape_math
from .liquid import convert_liquid
from .shortcodes import convert_shortcodes


def convert_jekyll(doc: Document, links: Links, heading_ids: str, excerpt_separator: str = "") -> str:
    """``excerpt_separator``: the site's summary divider, which becomes chalk's ``<!--more-->``."""
    body = doc.body.replace(excerpt_separator, "<!--more-->", 1) if excerpt_separator else doc.body
    text = convert_liquid(body, doc, links)
    text = convert_extensions(text, doc)
    block_html = parse_block_html(text)
    return _markdown_passes(text, doc, links, heading_ids, kramdown=True, block_html=block_html)


def convert_hugo(doc: Document, links: Links, math_is_markdown: bool = True) -> str:
    """``math_is_markdown``: goldmark read formulas as Markdown (no passthrough extension)."""
    text = convert_shortcodes(doc.body, doc, links)
    text = join_runs([(code, run if code else re.sub(r"\n{3,}", "\n\n", run)) for code, run in split_code(text)])
    return _markdown_passes(text, doc, links, "gfm", kramdown=False, block_html=False,
                            math_escapes=math_is_markdown)


def _markdown_passes(text: str, doc: Document, links: Links, heading_ids: str, kramdown: bool,
                     block_html: bool, math_escapes: bool = True) -> str:
    seen: Counter[str] = Counter()
    chalk_seen: Counter[str] = Counter()
    runs, undone = [], 0
    for is_code, run in split_code(text):
        if not is_code and math_escapes:
            run, count = unescape_math(run, raw_display=kramdown)  # kramdown reads $$…$$ itself
            undone += count
        if not is_code:
            lines = run.split("\n")
            if kramdown:
                lines = convert_block_ials(lines, doc, block_html)
            lines = keep_heading_ids(lines, heading_ids, seen, chalk_seen)
            run = rewrite_links("\n".join(lines), doc, links)
        runs.append((is_code, run))
    text = join_runs(runs).lstrip("\n")
    if undone:  # reported once, at the top of the body
        text = doc.drop(f"{undone} Markdown escape{'s' * (undone != 1)} inside formulas (like \\_ for _)",
                        "the old engine removed them before the formulas were rendered; chalk reads formulas "
                        "as written") + text
    return text
