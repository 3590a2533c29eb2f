"""One text being imported, and the bookkeeping every converter shares.

Converters never edit a document in place: they return new text in which
``protect()`` has hidden what later passes must not touch (code that has become a
fence) and ``note()`` has marked each item left or dropped. ``finish()`` puts the
protected text back and turns every mark into the line the item stands on in the
written file.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from .report import DROPPED, LEFT, Item

_TOKEN = re.compile("\x02([PN])(\\d+)\x03")


@dataclass
class Document:
    """A post or page on its way from SRC to DEST."""

    src: str  # path in SRC, for messages
    dest: str  # path in DEST: content/posts/x.md
    kind: str  # "post" or "page"
    meta: dict[str, Any]  # normalised front matter, in the order it is written
    body: str
    old_url: str = ""  # where the old site served it (site path without base: /2019/04/25/x.html)
    new_url: str = ""  # where chalk serves it (site path without base: /posts/x/)
    engine_keys: tuple[str, ...] = ()  # front matter keys that only steered the old engine (dropped)
    _protected: list[str] = field(default_factory=list, repr=False)
    _notes: list[tuple[str, str, str]] = field(default_factory=list, repr=False)

    def protect(self, text: str) -> str:
        """A one-line token standing for ``text`` until :meth:`finish`; no later pass sees inside."""
        self._protected.append(text)
        return f"\x02P{len(self._protected) - 1}\x03"

    def note(self, what: str, why: str, kind: str = LEFT) -> str:
        """Mark an item here; what is left stays visible to a human as an HTML comment."""
        self._notes.append((what, why, kind))
        mark = f"\x02N{len(self._notes) - 1}\x03"
        return mark + (comment(what) if kind == LEFT else "")

    def drop(self, what: str, why: str) -> str:
        return self.note(what, why, DROPPED)

    def finish(self, text: str, first_line: int) -> tuple[str, list[Item]]:
        """Restore protected text; return the text without marks and the items at their lines."""
        while "\x02P" in text:
            text = _TOKEN.sub(lambda m: self._protected[int(m.group(2))] if m.group(1) == "P" else m.group(0), text)
        items, pieces, position, line = [], [], 0, first_line
        for match in _TOKEN.finditer(text):
            piece = text[position:match.start()]
            pieces.append(piece)
            line += piece.count("\n")
            what, why, kind = self._notes[int(match.group(2))]
            items.append(Item(self.dest, line, shorten(what), why, kind))
            position = match.end()
        pieces.append(text[position:])
        return "".join(pieces), items

    @property
    def url_folder(self) -> str:
        """The folder of the new URL, for page-relative links: /posts/x/ -> /posts/x/."""
        return self.new_url if self.new_url.endswith("/") else posixpath.dirname(self.new_url) + "/"

    def link_to(self, other: "Document", fragment: str = "") -> str:
        """A relative link from this document's file to another's, as chalk resolves .md links."""
        rel = posixpath.relpath(other.dest, posixpath.dirname(self.dest))
        return rel + (f"#{fragment}" if fragment else "")


def comment(text: str) -> str:
    """An HTML comment holding ``text`` (``--`` cannot appear inside one)."""
    return "<!-- chalk import: " + text.replace("--", "- -") + " -->"


def shorten(text: str, most: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


def markdown_fence(code: str, info: str, indent: str = "") -> str:
    """A backtick fence around ``code`` that no backtick run inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    lines = [f"{ticks}{info}", *code.split("\n"), ticks]
    return "\n".join(indent + line if line else line for line in lines)


def split_code(text: str) -> list[tuple[bool, str]]:
    """The text in runs of (is_code, text): fenced code blocks are code, everything else is not.

    A run of code keeps its fence lines, so joining the runs gives the text back."""
    runs: list[tuple[bool, str]] = []
    lines, fence = text.split("\n"), None
    current: list[str] = []
    for line in lines:
        stripped = line.lstrip(" \t>")
        if fence is None:
            opened = re.match(r"(`{3,}|~{3,})", stripped)
            if opened and not (opened.group(1)[0] == "`" and "`" in stripped[len(opened.group(1)):]):
                if current:
                    runs.append((False, "\n".join(current)))
                current, fence = [line], opened.group(1)
                continue
            current.append(line)
        else:
            current.append(line)
            if re.match(rf"{re.escape(fence[0])}{{{len(fence)},}}\s*$", stripped):
                runs.append((True, "\n".join(current)))
                current, fence = [], None
    if current:
        runs.append((fence is not None, "\n".join(current)))
    return runs


def join_runs(runs: list[tuple[bool, str]]) -> str:
    return "\n".join(text for _, text in runs)
