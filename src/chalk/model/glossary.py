"""The glossary page's entries: each term with the articles that use it."""

from __future__ import annotations

from ..glossary import Glossary
from .site import GlossaryEntry, Page


def entries(glossary: Glossary, pages: list[Page], used: dict[str, tuple[str, ...]]) -> tuple[GlossaryEntry, ...]:
    """The glossary page's entries, sorted by name; ``used`` maps a page's source to the term slugs it uses."""
    ordered = sorted(glossary.terms, key=lambda t: (t.name.casefold(), t.slug))
    return tuple(GlossaryEntry(term, tuple(p for p in pages if term.slug in used.get(p.source, ())))
                 for term in ordered)
