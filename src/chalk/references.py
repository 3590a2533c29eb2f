"""Stage 4b: an article's citations resolved against its bibliography, and its reference list.

The Markdown stage leaves a placeholder per citation (:mod:`chalk.markdown.citations`).
This pure step, run after it in the main process, reads the bibliographies (the
site's, then the article's own), checks every key (an unknown one is an error with a
did-you-mean), has :mod:`chalk.citeformat` format the article's citations and
entries, and fills in the placeholders: each citation links to its entry
(``#ref-<key>``, Pandoc's ids) and has an id (``cite-N``) the entry links back to.
Results are kept while the rendered text, the bibliography files and the style are
unchanged, so Markdown caching never depends on the bibliography.
"""

from __future__ import annotations

import dataclasses
import difflib
import html as htmllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .bibliography import CITE_EXTRA, Bibliography, BibFile, BibReader, extra_missing
from .citeformat import DEFAULT_STYLE, FormatError, Formatted, Style, find_style, format_citations, missing_fields
from .errors import Diagnostic, Diagnostics, error, warning
from .markdown.citations import PLACEHOLDER, CitationGroup

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config
    from .content import Source
    from .markdown import Rendered


@dataclass(frozen=True)
class Reference:
    """One entry of an article's reference list: its formatted HTML and the citations that cite it."""

    key: str
    html: Markup
    backlinks: tuple[str, ...]  # ids of the citations, in reading order

    @property
    def anchor(self) -> str:
        return f"ref-{self.key}"


@dataclass
class CitationStage:
    """Resolves citations build after build, remembering what is unchanged."""

    reader: BibReader = field(default_factory=BibReader)
    _formatted: dict[tuple[Any, ...], Formatted] = field(default_factory=dict)
    _resolved: dict[str, tuple[Rendered, tuple[Any, ...], Rendered, list[Diagnostic]]] = field(default_factory=dict)

    def resolve(self, config: "Config", items: list[tuple["Source", "Rendered"]],
                diagnostics: Diagnostics) -> list[tuple["Source", "Rendered"]]:
        site_names = _names(getattr(config, "bibliography", None))
        wanted = bool(site_names) or any(_names(s.meta.bibliography) for s, _ in items)
        if not wanted:
            return [(s, r) if not r.citations else (s, self._without_bibliography(s, r, diagnostics))
                    for s, r in items]
        if extra_missing():
            diagnostics.add(error("bibliography: citations need the cite extra, which is not installed",
                                  "site.yaml" if site_names else _first_naming(items), None,
                                  hint=CITE_EXTRA))
            return items
        style = find_style(getattr(config, "citation_style", None) or DEFAULT_STYLE, config.root)
        if isinstance(style, str):
            diagnostics.add(error(f"citation_style: expected {style}", "site.yaml", None))
            return items
        site_files = [self.reader.read(config.root / name, name, "site.yaml", None, diagnostics)
                      for name in site_names]
        warned: set[str] = set()
        result = []
        for source, rendered in items:
            files = site_files + [self._article_file(config, source, name, diagnostics)
                                  for name in _names(source.meta.bibliography)]
            if not rendered.citations or any(f is None for f in files):
                result.append((source, rendered))
                continue
            result.append((source, self._resolve_one(source.rel, rendered,
                                                     Bibliography(tuple(f for f in files if f is not None)),
                                                     style, diagnostics, warned)))
        return result

    def _article_file(self, config: "Config", source: "Source", name: str, diagnostics: Diagnostics) -> BibFile | None:
        path = (source.path.parent / name).resolve()
        rel = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else str(path)
        return self.reader.read(path, rel, source.rel, source.meta.lines.get("bibliography"), diagnostics)

    def _without_bibliography(self, source: "Source", rendered: "Rendered", diagnostics: Diagnostics) -> "Rendered":
        first = rendered.citations[0]
        diagnostics.add(error(f"citation: {first.text} cites '{first.items[0].key}', but there is no bibliography",
                              source.rel, first.line,
                              hint="add bibliography: references.bib to site.yaml or to this file's front matter; "
                                   "write \\[@...] for a literal bracket"))
        return _fill(rendered, {}, [])

    def _resolve_one(self, rel: str, rendered: "Rendered", bib: Bibliography, style: Style,
                     diagnostics: Diagnostics, warned: set[str]) -> "Rendered":
        key = (bib.key, str(style.path))
        known = self._resolved.get(rel)
        if known is not None and known[0] is rendered and known[1] == key:
            diagnostics.extend(known[3])
            return known[2]
        problems = Diagnostics()
        entries = bib.entries
        good = [group for group in rendered.citations if _known(group, entries, bib, rel, problems)]
        formatted = self._format(good, bib, style, rel, problems) if good else Formatted((), ())
        texts = dict(zip((id(g) for g in good), formatted.citations))
        out = _fill(rendered, texts, _references(rendered.citations, formatted))
        for ref in out.references:
            entry = entries.get(ref.key)
            if entry is None or entry.key in warned:
                continue
            warned.add(entry.key)
            for name in missing_fields(entry.type, entry.fields, style):
                problems.add(warning(f"bibliography: entry '{entry.key}' has no '{name}' field, which the "
                                     f"{style.name} style shows", entry.path, entry.line))
        self._resolved[rel] = (rendered, key, out, problems.items)
        diagnostics.extend(problems)
        return out

    def _format(self, groups: list[CitationGroup], bib: Bibliography, style: Style, rel: str,
                problems: Diagnostics) -> Formatted:
        key = (tuple(g.text for g in groups), bib.key, str(style.path))
        if key not in self._formatted:
            try:
                self._formatted[key] = format_citations([g.text for g in groups], [f.path for f in bib.files], style)
            except (FormatError, OSError) as exc:
                problems.add(error(f"citation: Pandoc could not format this article's citations: {exc}", rel,
                                   groups[0].line, hint=f"check {bib.names} and citation_style"))
                return Formatted((), ())
        return self._formatted[key]


def bibliography_files(config: "Config", sources: list["Source"]) -> list[Path]:
    """Every BibTeX file the site and its articles name (they are used, not stray files under content/)."""
    return [config.root / name for name in _names(getattr(config, "bibliography", None))] + \
        [source.path.parent / name for source in sources for name in _names(source.meta.bibliography)]


def _names(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _first_naming(items: list[tuple["Source", "Rendered"]]) -> str:
    return next((s.rel for s, _ in items if _names(s.meta.bibliography)), "site.yaml")


def _known(group: CitationGroup, entries: dict[str, Any], bib: Bibliography, rel: str, problems: Diagnostics) -> bool:
    ok = True
    for item in group.items:
        if item.key in entries:
            continue
        ok = False
        close = difflib.get_close_matches(item.key, list(entries), n=1, cutoff=0.6)
        guess = f" (did you mean '{close[0]}'?)" if close else ""
        problems.add(error(f"citation: no entry '{item.key}' in {bib.names}{guess}", rel, group.line,
                           hint="keys are case-sensitive; the entry starts like @article{key,"))
    return ok


def _fill(rendered: "Rendered", texts: dict[int, str], references: tuple[Reference, ...] | list[Any]) -> "Rendered":
    groups = rendered.citations

    def replace(match: Any) -> str:
        index = int(match.group(1))
        group = groups[index] if index < len(groups) else None
        if group is None or id(group) not in texts or not texts[id(group)]:
            shown = htmllib.escape(group.text if group is not None else "")
            return f'<span class="citation citation--missing">{shown}</span>'
        cites = htmllib.escape(" ".join(item.key for item in group.items))
        return f'<span class="citation" id="cite-{index + 1}" data-cites="{cites}">{texts[id(group)]}</span>'

    return rendered.with_html(PLACEHOLDER.sub(replace, rendered.html), references=tuple(references))


def _references(groups: tuple[CitationGroup, ...], formatted: Formatted) -> tuple[Reference, ...]:
    return tuple(
        Reference(key, Markup(entry_html),
                  tuple(f"cite-{i + 1}" for i, group in enumerate(groups) if any(it.key == key for it in group.items)))
        for key, entry_html in formatted.entries
    )

