""""Cite this article": a post's own citation, as text and as a BibTeX ``@misc`` entry.

The text follows Distill's form (``Authors, "Title", Site, 2025.``); the BibTeX entry
has the title, authors, year, month, the permalink and the site as ``howpublished``.
Values are BibTeX-escaped here; HTML escaping is the templates' job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BibTeXLexer

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from .site import Page

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_ESCAPES = str.maketrans(_SPECIAL)
_NOT_KEY = re.compile(r"[^a-z0-9]")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class CiteThis:
    key: str
    text: str  # plain text; the template escapes it
    bibtex: str

    @property
    def bibtex_html(self) -> Markup:
        """The entry highlighted like any code block (Pygments escapes it)."""
        return Markup(highlight(self.bibtex, BibTeXLexer(), HtmlFormatter(nowrap=True)))


def bibtex_escape(text: str) -> str:
    return text.translate(_ESCAPES)


def cite_this(config: "Config", page: "Page") -> CiteThis:
    names = [author.name for author in page.authors] or [config.title]
    year = page.date.year if page.date else 0
    key = _key(names[0], year, page.slug)
    shown = names[0] if len(names) == 1 else (f"{names[0]} and {names[1]}" if len(names) == 2
                                              else f"{names[0]}, et al.")
    text = f"{shown}, “{page.title}”, {config.title}, {year}."
    fields = [("title", page.title), ("author", " and ".join(names)), ("year", str(year))]
    if page.date:
        fields.append(("month", _MONTHS[page.date.month - 1]))
    fields += [("howpublished", config.title), ("url", page.permalink)]
    if page.updated and page.date and page.updated.date() != page.date.date():
        fields.append(("note", f"Updated {page.updated.date().isoformat()}"))
    body = ",\n".join(f"  {name} = {value}" if name == "month" else
                       f"  {name} = {{{value if name == 'url' else bibtex_escape(value)}}}" for name, value in fields)
    return CiteThis(key, text, f"@misc{{{key},\n{body}\n}}")


def _key(name: str, year: int, slug: str) -> str:
    family = name.split()[-1] if name.split() else "article"
    ascii_name = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode().lower()
    word = slug.split("-")[0] if slug else ""
    return _NOT_KEY.sub("", ascii_name) + str(year) + _NOT_KEY.sub("", word)
