"""The glossary: ``content/glossary.yaml`` drives an article's vocabulary.

The file maps each term to a short definition, or to ``{definition, aliases}``::

    latent space: A compressed space of codes from which a decoder can rebuild the data.
    KL divergence:
      definition: How far one probability distribution is from another.
      aliases: [Kullback-Leibler divergence, KL]

This module reads and validates that file (before any Markdown is rendered);
:mod:`chalk.markdown.glossary` marks the terms up in articles, and
:mod:`chalk.model.glossary` lists them on the glossary page (``/glossary/``) with
the articles that use them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .content import decode, slugify
from .errors import Diagnostics, error, warning
from .yamlsource import YamlProblem, parse_mapping

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config

GLOSSARY_FILE = "glossary.yaml"  # under content/
ENTRY_KEYS = ("definition", "aliases")
ANCHOR_PREFIX = "term-"


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    name: str
    slug: str
    definition: str
    aliases: tuple[str, ...] = ()
    line: int = 0

    @property
    def anchor(self) -> str:
        """The id of the term's entry on the glossary page."""
        return ANCHOR_PREFIX + self.slug


@dataclass(frozen=True)
class Glossary:
    """Every term of the site, and the URL of the glossary page the terms link to."""

    terms: tuple[Term, ...]
    url: str  # site-absolute, e.g. /blog/glossary/
    path: str = "content/" + GLOSSARY_FILE

    def settings_key(self) -> str:
        """Everything about the glossary that changes rendered Markdown (for cache keys)."""
        return json.dumps([self.url, [[t.name, t.slug, t.definition, list(t.aliases)] for t in self.terms]],
                          ensure_ascii=False)


def term_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def load_glossary(config: "Config", diagnostics: Diagnostics) -> Glossary | None:
    """Read ``content/glossary.yaml`` if there is one; problems go to ``diagnostics`` (None on errors)."""
    path = config.content_dir / GLOSSARY_FILE
    if not path.is_file():
        return None
    rel = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else str(path)
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        diagnostics.add(error(f"cannot read this file: {exc.strerror or exc}", rel,
                              hint="the glossary would be missing from the site; fix its permissions"))
        return None
    except UnicodeDecodeError as exc:
        diagnostics.add(error(f"glossary: not UTF-8 text (byte {exc.start})", rel, 1))
        return None
    return parse_glossary(text, rel, config.base_path + "glossary/", diagnostics)


def parse_glossary(text: str, rel: str, url: str, diagnostics: Diagnostics) -> Glossary | None:
    """Validate the glossary's YAML; every problem names ``rel`` and a line."""
    try:
        mapping = parse_mapping(text)
    except YamlProblem as exc:
        diagnostics.add(error(f"glossary: {exc.message}", rel, exc.line,
                              hint="write one 'term: definition' per line"))
        return None
    found = Diagnostics()
    terms: list[Term] = []
    for name, value in mapping.data.items():
        line = mapping.line_of(name)
        term = _term(str(name), value, rel, line, found)
        if term is not None:
            terms.append(term)
    _check_names(terms, rel, found)
    diagnostics.extend(found)
    if found.errors:
        return None
    return Glossary(tuple(terms), url, rel)


def _term(name: str, value: Any, rel: str, line: int, found: Diagnostics) -> Term | None:
    slug = slugify(name)
    if not name.strip() or not slug:
        found.add(error(f"glossary: {name!r} is not a term (expected letters or digits)", rel, line))
        return None
    aliases: Any = ()
    if isinstance(value, dict):
        for key in value:
            if key not in ENTRY_KEYS:
                found.add(warning(f"glossary: {name}: unknown field '{key}' (expected definition, aliases)",
                                  rel, line))
        definition, aliases = value.get("definition"), value.get("aliases") or ()
    else:
        definition = value
    if isinstance(definition, (int, float)) and not isinstance(definition, bool):
        definition = str(definition)
    if not isinstance(definition, str) or not definition.strip():
        found.add(error(f"glossary: {name}: expected a short definition, got {_shown(definition)}", rel, line,
                        hint=f"{name}: One sentence saying what it is."))
        return None
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, str) and a.strip() for a in aliases):
        found.add(error(f"glossary: {name}: aliases: expected a list of names, got {_shown(aliases)}", rel, line,
                        hint="aliases: [GAN, GANs]"))
        return None
    return Term(" ".join(name.split()), slug, " ".join(definition.split()),
                tuple(" ".join(a.split()) for a in aliases), line)


def _check_names(terms: list[Term], rel: str, found: Diagnostics) -> None:
    owners: dict[str, Term] = {}
    slugs: dict[str, Term] = {}
    for term in terms:
        other = slugs.setdefault(term.slug, term)
        if other is not term:
            found.add(error(f"glossary: '{term.name}' and '{other.name}' (line {other.line}) make the same "
                            f"anchor #{term.anchor}", rel, term.line, hint="merge them or rename one"))
        for name in (term.name, *term.aliases):
            owner = owners.setdefault(term_key(name), term)
            if owner is not term:
                found.add(error(f"glossary: '{name}' of '{term.name}' is already a name of '{owner.name}' "
                                f"(line {owner.line})", rel, term.line, hint="a name can belong to one term only"))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


