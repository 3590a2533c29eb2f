"""Keep old ``#anchors`` working: give a heading an explicit ``{#id}`` wherever chalk's own id
would differ from the one kramdown (Jekyll) or goldmark (Hugo) gave it."""

from __future__ import annotations

import re
from collections import Counter

from markdown.extensions.toc import slugify_unicode

_ATX = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t]*#*[ \t]*$")
_EXPLICIT = re.compile(r"\{[:]?\s*#[^}]*\}\s*$|\{[:]?[^}]*\}\s*$")
_SETEXT = re.compile(r"^(=+|-+)[ \t]*$")
_MARKUP = re.compile(r"[`*_\[\]()<>&\\!{}$|~]")


def gfm_id(raw: str) -> str:
    """kramdown's GFM parser (Jekyll's default) and goldmark's 'github' ids, from the source text."""
    text = re.sub(r"[^\w\- ]", "", raw.lower())
    return text.replace(" ", "-")


def kramdown_id(raw: str) -> str:
    """kramdown's own parser (``input: kramdown``)."""
    text = re.sub(r"^[^a-zA-Z]+", "", raw)
    text = re.sub(r"[^a-zA-Z0-9 -]", "", text)
    return text.replace(" ", "-").lower() or "section"


def keep_heading_ids(lines: list[str], scheme: str, seen: Counter[str], chalk_seen: Counter[str]) -> list[str]:
    """Add ``{#old-id}`` to headings (outside code) whose chalk id would not be the old id.

    ``seen``/``chalk_seen`` count ids over the whole document, for the suffixes of repeated headings."""
    make = kramdown_id if scheme == "kramdown" else gfm_id
    out = list(lines)
    for index, line in enumerate(lines):
        match = _ATX.match(line)
        setext = (index + 1 < len(lines) and _SETEXT.match(lines[index + 1]) and line.strip()
                  and not line.startswith((" ", "\t", "-", "*", ">", "|")) and not _ATX.match(line))
        if match is None and not setext:
            continue
        text = match.group("text") if match else line.strip()
        if _EXPLICIT.search(text) or "\x02" in text:
            continue
        old = _unique(make(text), seen, "-")
        mine = _unique(slugify_unicode(text, "-"), chalk_seen, "_")
        if old and (old != mine or _MARKUP.search(text)):
            heading = f"{match.group('hashes')} {text}" if match else line.rstrip()
            out[index] = f"{heading} {{#{old}}}"
    return out


def _unique(ident: str, seen: Counter[str], separator: str) -> str:
    count = seen[ident]
    seen[ident] += 1
    return ident if count == 0 else f"{ident}{separator}{count}"
