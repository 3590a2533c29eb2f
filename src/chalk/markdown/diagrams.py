"""Diagram slots: figures reserved in the text before their drawing exists.

A slot is a fenced block with the language ``diagram`` holding YAML
(``id``, ``caption``, ``alt``). Markdown rendering turns it into a ``<figure>``
with a marker; :func:`chalk.model.drawings.fill_slots` later puts in the drawing
from ``static/diagrams/<id>.<ext>`` when there is one, or an accessible placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape


from ..errors import Diagnostic, error, warning
from ..yamlsource import YamlProblem, parse_mapping

SLOT_KEYS = ("id", "caption", "alt")
_ID = re.compile(r"^[A-Za-z][\w-]*$")


@dataclass(frozen=True)
class DiagramSlot:
    """A figure reserved in an article: where it is and what it will show."""

    id: str
    caption: str
    alt: str
    path: str
    line: int
    image_url: str | None = None

    @property
    def filled(self) -> bool:
        return self.image_url is not None


def parse_slot(text: str, path: str, line: int) -> tuple[DiagramSlot | None, list[Diagnostic]]:
    """Parse a slot's YAML; ``line`` is the line of its opening fence."""
    try:
        mapping = parse_mapping(text, first_line=line + 1)
    except YamlProblem as exc:
        return None, [error(f"diagram: {exc.message}", path, exc.line)]
    data, problems = mapping.data, []
    for key in data:
        if key not in SLOT_KEYS:
            problems.append(warning(f"diagram: unknown field '{key}' (expected id, caption, alt)",
                                    path, mapping.line_of(key)))
    slot_id = data.get("id")
    if not isinstance(slot_id, str) or not _ID.match(slot_id):
        got = "nothing" if slot_id is None else repr(slot_id)
        problems.append(error(f"diagram: id: expected a name like gan-architecture, got {got}",
                              path, mapping.line_of("id") if "id" in data else line))
    alt = data.get("alt")
    if not isinstance(alt, str) or not alt.strip():
        problems.append(error("diagram: alt: expected a sentence describing what the diagram shows",
                              path, mapping.line_of("alt") if "alt" in data else line,
                              hint="readers who cannot see the figure depend on it"))
    caption = data.get("caption", "")
    if not isinstance(caption, str):
        problems.append(error(f"diagram: caption: expected text, got {caption!r}", path, mapping.line_of("caption")))
    if any(p.is_error for p in problems) or not isinstance(slot_id, str) or not isinstance(alt, str):
        return None, problems
    return DiagramSlot(slot_id, caption.strip(), alt.strip(), path, line), problems


def slot_html(slot: DiagramSlot) -> str:
    """The figure as Markdown rendering emits it; the marker is replaced by :func:`fill_slots`."""
    caption = f"<figcaption>{escape(slot.caption)}</figcaption>" if slot.caption else ""
    return f'<figure class="diagram" id="{escape(slot.id)}"><!--chalk:diagram:{slot.id}-->{caption}</figure>'


