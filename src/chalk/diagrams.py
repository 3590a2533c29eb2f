"""Diagram slots: figures reserved in the text before their drawing exists.

A slot is a fenced block with the language ``diagram`` holding YAML
(``id``, ``caption``, ``alt``). Markdown rendering turns it into a ``<figure>``
with a marker; :func:`fill_slots` later puts in the drawing from
``static/diagrams/<id>.<ext>`` when there is one, or an accessible placeholder.
Keeping the file-system lookup out of Markdown rendering keeps that stage pure
(and cacheable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import imagesize

from .errors import Diagnostic, error, warning
from .yamlsource import YamlProblem, parse_mapping

DRAWINGS_DIR = "diagrams"
DRAWING_EXTENSIONS = (".svg", ".png", ".webp", ".jpg", ".jpeg")
SLOT_KEYS = ("id", "caption", "alt")
_ID = re.compile(r"^[A-Za-z][\w-]*$")
_FIGURE_MARKER = re.compile(r'(<figure class="diagram)("[^>]*>)<!--chalk:diagram:([\w-]+)-->')
_VIEWBOX = re.compile(rb"""viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)""")
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")
_SVG_LENGTH = {name: re.compile(rb"\s" + name + rb"""\s*=\s*["']\s*([\d.]+)\s*(?:px)?\s*["']""")
               for name in (b"width", b"height")}


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


@dataclass(frozen=True)
class Drawing:
    """A drawing found under static/diagrams/."""

    id: str
    rel_url: str  # relative to the site root, e.g. diagrams/gan.svg
    width: int | None
    height: int | None


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
    if any(p.is_error for p in problems):
        return None, problems
    return DiagramSlot(slot_id, caption.strip(), alt.strip(), path, line), problems


def slot_html(slot: DiagramSlot) -> str:
    """The figure as Markdown rendering emits it; the marker is replaced by :func:`fill_slots`."""
    caption = f"<figcaption>{escape(slot.caption)}</figcaption>" if slot.caption else ""
    return f'<figure class="diagram" id="{escape(slot.id)}"><!--chalk:diagram:{slot.id}-->{caption}</figure>'


def find_drawings(static_dir: Path) -> dict[str, Drawing]:
    """Drawings under ``static/diagrams/`` by id, with their intrinsic size."""
    folder = static_dir / DRAWINGS_DIR
    drawings: dict[str, Drawing] = {}
    if not folder.is_dir():
        return drawings
    for ext in reversed(DRAWING_EXTENSIONS):  # earlier extensions win
        for file in folder.glob(f"*{ext}"):
            width, height = _size(file)
            drawings[file.stem] = Drawing(file.stem, f"{DRAWINGS_DIR}/{file.name}", width, height)
    return drawings


def _size(file: Path) -> tuple[int | None, int | None]:
    try:
        if file.suffix == ".svg":
            width, height = _svg_size(file)
        else:
            width, height = imagesize.get(str(file))
    except (OSError, ValueError):
        return None, None
    return (round(width), round(height)) if width > 0 and height > 0 else (None, None)


def _svg_size(file: Path) -> tuple[float, float]:
    """Size from the root <svg> element only (imagesize would take an inner <rect>'s width when the root has none)."""
    with file.open("rb") as handle:
        root = _SVG_ROOT.search(handle.read(65536))
    if root is None:
        return -1, -1
    width, height = (_SVG_LENGTH[name].search(root.group(0)) for name in (b"width", b"height"))
    if width and height:
        return float(width.group(1)), float(height.group(1))
    box = _VIEWBOX.search(root.group(0))
    if box is None or float(box.group(1)) <= 0:
        return -1, -1
    box_width, box_height = float(box.group(1)), float(box.group(2))
    if width:  # only a width: keep the viewBox's aspect ratio
        return float(width.group(1)), float(width.group(1)) * box_height / box_width
    if height:
        return float(height.group(1)) * box_width / box_height if box_height > 0 else -1, float(height.group(1))
    return box_width, box_height


def fill_slots(html: str, slots: list[DiagramSlot], drawings: dict[str, Drawing],
               base_path: str) -> tuple[str, list[DiagramSlot]]:
    """Replace each slot marker with its drawing or a placeholder; returns slots with image URLs set."""
    by_id = {slot.id: slot for slot in slots}
    filled = [
        DiagramSlot(s.id, s.caption, s.alt, s.path, s.line,
                    base_path + drawings[s.id].rel_url if s.id in drawings else None)
        for s in slots
    ]

    def replace(match: re.Match[str]) -> str:
        slot = by_id.get(match.group(3))
        if slot is None:
            return match.group(1) + match.group(2)
        drawing = drawings.get(slot.id)
        if drawing:
            return match.group(1) + match.group(2) + _image(slot, drawing, base_path)
        return match.group(1) + " diagram--pending" + match.group(2) + _placeholder(slot)

    if "<!--chalk:diagram:" in html:
        html = _FIGURE_MARKER.sub(replace, html)
    return html, filled


def _image(slot: DiagramSlot, drawing: Drawing, base_path: str) -> str:
    size = f' width="{drawing.width}" height="{drawing.height}"' if drawing.width else ""
    return (f'<img src="{escape(base_path + drawing.rel_url)}" alt="{escape(slot.alt)}"{size}'
            ' loading="lazy" decoding="async">')


def _placeholder(slot: DiagramSlot) -> str:
    alt = escape(slot.alt)
    return (f'<div class="diagram-placeholder" role="img" aria-label="Diagram to come: {alt}">'
            '<span class="diagram-placeholder__badge" aria-hidden="true">Diagram to come</span>'
            f'<span class="diagram-placeholder__alt" aria-hidden="true">{alt}</span></div>')
