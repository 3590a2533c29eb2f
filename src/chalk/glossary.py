"""The glossary: ``content/glossary.yaml`` drives an article's vocabulary.

The file maps each term to a short definition, or to ``{definition, aliases}``::

    latent space: A compressed space of codes from which a decoder can rebuild the data.
    KL divergence:
      definition: How far one probability distribution is from another.
      aliases: [Kullback-Leibler divergence, KL]

In each article (a post, under ``content/posts/``; plain pages such as an About page
are left alone) the first use of a term (or of one of its aliases; case-insensitive,
whole words, longest name first) becomes a link to its entry on the glossary page,
with the definition shown on hover and on keyboard focus (CSS only). Code, links,
headings, math and attributes are never touched. The glossary page (``/glossary/``)
lists every term with its definition and the articles that use it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from .content import decode, slugify
from .errors import Diagnostics, error, warning
from .mdcontext import DocumentContext
from .yamlsource import YamlProblem, parse_mapping

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config

GLOSSARY_FILE = "glossary.yaml"  # under content/
ARTICLES = "content/posts/"  # the sources whose text is marked up
ENTRY_KEYS = ("definition", "aliases")
ANCHOR_PREFIX = "term-"
#: Elements whose text is never marked up.
SKIPPED = frozenset({"a", "abbr", "code", "dfn", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "math", "pre",
                     "samp", "script", "style", "sup", "sub", "var", "button", "textarea", "svg"})


_RAW_TAG = re.compile(r"\s*<(/?)([A-Za-z][\w-]*)")


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


@dataclass(frozen=True)
class GlossaryEntry:
    """A term as the glossary page shows it: with the articles that use it."""

    term: Term
    pages: tuple[Any, ...]  # chalk.model.Page, in site order

    @property
    def name(self) -> str:
        return self.term.name

    @property
    def anchor(self) -> str:
        return self.term.anchor

    @property
    def definition(self) -> str:
        return self.term.definition

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.term.aliases


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def load_glossary(config: "Config", diagnostics: Diagnostics) -> Glossary | None:
    """Read ``content/glossary.yaml`` if there is one; problems go to ``diagnostics`` (None on errors)."""
    path = config.content_dir / GLOSSARY_FILE
    if not path.is_file():
        return None
    rel = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else str(path)
    try:
        text = decode(path.read_bytes())
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
            owner = owners.setdefault(_key(name), term)
            if owner is not term:
                found.add(error(f"glossary: '{name}' of '{term.name}' is already a name of '{owner.name}' "
                                f"(line {owner.line})", rel, term.line, hint="a name can belong to one term only"))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def entries(glossary: Glossary, pages: list[Any], used: dict[str, tuple[str, ...]]) -> tuple[GlossaryEntry, ...]:
    """The glossary page's entries, sorted by name; ``used`` maps a page's source to the term slugs it uses."""
    ordered = sorted(glossary.terms, key=lambda t: (t.name.casefold(), t.slug))
    return tuple(GlossaryEntry(term, tuple(p for p in pages if term.slug in used.get(p.source, ())))
                 for term in ordered)


class _GlossaryTreeprocessor(Treeprocessor):
    """Marks the first use of each term in the article's text."""

    def __init__(self, md: Markdown, glossary: Glossary, context: DocumentContext):
        super().__init__(md)
        self.glossary, self.context = glossary, context
        self.names = {_key(name): term for term in glossary.terms for name in (term.name, *term.aliases)}
        alternatives = sorted(self.names, key=len, reverse=True)
        body = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in alternatives)
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I) if alternatives else None

    def run(self, root: etree.Element) -> None:
        if self.pattern is None or not is_article(self.context.path):
            return
        self.used: set[str] = set()
        self.raw_depth = 0  # inside raw inline HTML such as <a href=...>...</a> written in the Markdown
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in SKIPPED or not isinstance(element.tag, str) or _is_skipped_box(element):
            return
        children = list(element)
        lead, nodes = self._split(element.text)
        if nodes:
            element.text = lead
            for offset, node in enumerate(nodes):
                element.insert(offset, node)
        for child in children:
            self._walk(child)
            lead, nodes = self._split(child.tail)
            if nodes:
                child.tail = lead
                index = list(element).index(child)
                for offset, node in enumerate(nodes, start=1):
                    element.insert(index + offset, node)

    def _matches(self, text: str) -> list[re.Match[str]]:
        """Matches in ``text`` outside raw inline HTML elements whose content is never marked up."""
        assert self.pattern is not None
        found: list[re.Match[str]] = []
        position = 0
        for placeholder in HTML_PLACEHOLDER_RE.finditer(text):
            if self.raw_depth == 0:
                found += self.pattern.finditer(text, position, placeholder.start())
            self._track(placeholder)
            position = placeholder.end()
        if self.raw_depth == 0:
            found += self.pattern.finditer(text, position)
        return found

    def _track(self, placeholder: re.Match[str]) -> None:
        index = int(placeholder.group(1))
        blocks = self.md.htmlStash.rawHtmlBlocks
        raw = blocks[index] if index < len(blocks) else ""
        tag = _RAW_TAG.match(raw) if isinstance(raw, str) else None
        if tag is None or tag.group(2).lower() not in SKIPPED or raw.rstrip().endswith("/>"):
            return
        self.raw_depth = max(0, self.raw_depth - 1) if tag.group(1) else self.raw_depth + 1

    def _split(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        if not text or self.pattern is None:
            return text, []
        lead: str | None = None
        nodes: list[etree.Element] = []
        last = 0
        for match in self._matches(text):
            term = self.names.get(_key(match.group(0)))
            if term is None or term.slug in self.used:
                continue
            self.used.add(term.slug)
            self.context.terms.append(term.slug)
            before = text[last:match.start()]
            if nodes:
                nodes[-1].tail = before
            else:
                lead = before
            nodes.append(self._markup(term, match.group(0)))
            last = match.end()
        if not nodes:
            return text, []
        nodes[-1].tail = text[last:]
        return lead, nodes

    def _markup(self, term: Term, shown: str) -> etree.Element:
        tip_id = f"{ANCHOR_PREFIX}tip-{term.slug}"
        wrapper = etree.Element("span", {"class": "term"})
        link = etree.SubElement(wrapper, "a", {"class": "term__link", "href": f"{self.glossary.url}#{term.anchor}",
                                               "aria-describedby": tip_id})
        link.text = shown
        tip = etree.SubElement(wrapper, "span", {"class": "term__tip", "id": tip_id, "aria-hidden": "true",
                                                 "data-pagefind-ignore": "all"})
        tip.text = " " + term.definition  # a space for reading without CSS; collapsed in the tooltip
        return wrapper


def is_article(path: str) -> bool:
    """Whether the glossary marks up this source: posts (and text without a path), not plain pages."""
    return not path.startswith("content/") or path.startswith(ARTICLES)


def _is_skipped_box(element: etree.Element) -> bool:
    css = (element.get("class") or "").split()
    return "math-error" in css or "term" in css or "xref" in css


class GlossaryExtension(Extension):
    """Registers the glossary treeprocessor (after attribute lists, before smart quotes and the TOC)."""

    def __init__(self, glossary: Glossary, context: DocumentContext, **kwargs: Any):
        self.glossary, self.context = glossary, context
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.treeprocessors.register(_GlossaryTreeprocessor(md, self.glossary, self.context), "chalk-glossary", 7)

