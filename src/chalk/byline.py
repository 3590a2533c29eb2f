"""Front matter for scholarly articles: ``authors:``, ``updates:`` and ``bibliography:``.

::

    authors:
      - Ada Lovelace                      # a name alone
      - name: Alan Turing
        affiliation: University of Manchester
        url: https://example.org/turing
    updates:
      - {date: 2025-02-01, note: Corrected the loss in equation (2).}
    bibliography: references.bib          # or a list; relative to this file

The parsers raise ``TypeError``/``ValueError`` like the other field parsers of
:mod:`chalk.content`, which reports ``path:line: field: expected ..., got ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable
from urllib.parse import urlsplit

AUTHORS_EXPECTED = "a list of names or of {name, affiliation, url}"
UPDATES_EXPECTED = "a list of {date, note} like {date: 2025-02-01, note: Fixed a typo.}"
BIBLIOGRAPHY_EXPECTED = "a BibTeX file name like references.bib, or a list of them"


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Update:
    date: datetime
    note: str


def _text(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return " ".join(str(value).split())
    raise TypeError(value)


def parse_authors(value: Any) -> tuple[Author, ...]:
    items = value if isinstance(value, list) else [value]
    authors = []
    for item in items:
        if not isinstance(item, dict):
            authors.append(Author(_text(item)))
            continue
        if not set(item) <= {"name", "affiliation", "url"} or "name" not in item:
            raise ValueError(item)
        url = _text(item["url"]) if item.get("url") is not None else None
        if url is not None and urlsplit(url).scheme not in ("http", "https", "mailto"):
            raise ValueError(item)
        affiliation = _text(item["affiliation"]) if item.get("affiliation") is not None else None
        authors.append(Author(_text(item["name"]), affiliation, url))
    if not authors:
        raise ValueError(value)
    return tuple(authors)


def parse_updates(value: Any, parse_date: Callable[[Any], datetime]) -> tuple[Update, ...]:
    if not isinstance(value, list):
        raise TypeError(value)
    updates = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"date", "note"}:
            raise ValueError(item)
        updates.append(Update(parse_date(item["date"]), _text(item["note"])))
    return tuple(sorted(updates, key=lambda u: u.date))


def parse_bibliography(value: Any) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise TypeError(value)
    result = tuple(_text(name) for name in names)
    if any(name.startswith("/") for name in result):
        raise ValueError(value)
    return result
