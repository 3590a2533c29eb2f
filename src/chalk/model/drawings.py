"""Drawings for diagram slots: found under ``static/diagrams/``, put into the slots' figures.

Markdown rendering (:mod:`chalk.markdown.diagrams`) leaves a marker in each slot's
``<figure>``; :func:`fill_slots` replaces it with the drawing from
``static/diagrams/<id>.<ext>`` when there is one, else the inline SVG drawn from the slot's
text (:mod:`chalk.drawing`), else an error box when that text could not be drawn (the build
fails; ``chalk serve`` shows it), else an accessible placeholder.
Keeping the file-system lookup out of Markdown rendering keeps that stage pure (and cacheable).
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import imagesize
from markupsafe import Markup

from ..digest import text_digest
from ..drawing import Drawings, Drawn, Failed, inline
from ..markdown import Rendered, has_images, has_source_links
from ..markdown.diagrams import DiagramSlot


DRAWINGS_DIR = "diagrams"


DRAWING_EXTENSIONS = (".svg", ".png", ".webp", ".jpg", ".jpeg")


_FIGURE_MARKER = re.compile(r'(<figure class="(?:diagram|drawing)[^"]*)("[^>]*>)<!--chalk:diagram:([\w-]+)-->')
_SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)
_TAGS = re.compile(r"<[^>]+>")


_VIEWBOX = re.compile(rb"""viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)""")


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")


_SVG_LENGTH = {name: re.compile(rb"\s" + name + rb"""\s*=\s*["']\s*([\d.]+)\s*(?:px)?\s*["']""")
               for name in (b"width", b"height")}


@dataclass(frozen=True)
class Drawing:
    """A drawing found under static/diagrams/."""

    id: str
    rel_url: str  # relative to the site root, e.g. diagrams/gan.svg
    width: int | None
    height: int | None


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


intrinsic_size = _size  # also used by chalk.images for SVG and GIF files


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


def fill_slots(html: str, slots: list[DiagramSlot], drawings: dict[str, Drawing], base_path: str,
               drawn: dict[tuple[str, str], Drawn] | None = None,
               inserted: list[str] | None = None) -> tuple[str, list[DiagramSlot]]:
    """Replace each slot marker with its drawing, its drawn text or a placeholder; returns
    slots with image URLs (hand-made drawings) or ``drawn`` (from text) set. What replaced each
    marker is also added to ``inserted``, in order, when given."""
    drawn = drawn if drawn is not None else {}
    failed = drawn.failed if isinstance(drawn, Drawings) else {}
    by_id = {slot.id: slot for slot in slots}
    hand_made = {s.id: drawings[s.id] for s in slots if s.numbered and s.id in drawings}
    filled = [
        replace_slot(s, image_url=base_path + hand_made[s.id].rel_url if s.id in hand_made else None,
                     drawn=s.id not in hand_made and (s.path, s.id) in drawn)
        for s in slots
    ]

    def fill(slot: DiagramSlot) -> tuple[str, str]:
        """(a class for the figure, what goes in it)."""
        drawing = hand_made.get(slot.id)
        if drawing:
            return "", _image(slot, drawing, base_path)
        made = drawn.get((slot.path, slot.id))
        if made is not None:
            return "", inline(made.svg, f"{slot.id}--", slot.alt or _fence_alt(slot, made), slot.caption,
                              base_path + made.rel_url)
        broken = failed.get((slot.path, slot.id))
        if broken is not None:  # the build fails and says why; chalk serve shows the page with this box
            return " diagram--error", _error_box(slot, broken)
        if not slot.numbered:  # a fence whose engine is missing: the build reports why
            return "", ""
        return " diagram--pending", _placeholder(slot)

    def replace(match: re.Match[str]) -> str:
        slot = by_id.get(match.group(3))
        if slot is None:
            result = match.group(1) + match.group(2)
        else:
            css_class, inner = fill(slot)
            result = match.group(1) + css_class + match.group(2) + inner
        if inserted is not None:
            inserted.append(result)
        return result

    if "<!--chalk:diagram:" in html:
        html = _FIGURE_MARKER.sub(replace, html)
    return html, filled


def replace_slot(slot: DiagramSlot, image_url: str | None, drawn: bool) -> DiagramSlot:
    return DiagramSlot(slot.id, slot.caption, slot.alt, slot.path, slot.line, image_url, slot.text, slot.width,
                       slot.numbered, drawn)


def _fence_alt(slot: DiagramSlot, made: Drawn) -> str:
    """A bare fence has no alt text: its name is the words it shows (a slot is the way to write one)."""
    words: list[str] = []
    for found in _SVG_TEXT.findall(made.svg.markup):
        text = " ".join(htmllib.unescape(_TAGS.sub("", found)).split())
        if text and text not in words:
            words.append(text)
    shown = ", ".join(words)
    shown = shown if len(shown) <= 240 else shown[:239] + "…"
    return f"Diagram: {shown}" if shown else "Diagram"


def _image(slot: DiagramSlot, drawing: Drawing, base_path: str) -> str:
    size = f' width="{drawing.width}" height="{drawing.height}"' if drawing.width else ""
    return (f'<img src="{escape(base_path + drawing.rel_url)}" alt="{escape(slot.alt)}"{size}'
            ' loading="lazy" decoding="async">')


def _error_box(slot: DiagramSlot, failed: Failed) -> str:
    """What a figure shows while its text cannot be drawn: where and why, as the terminal says it."""
    where = f'<code class="diagram-error__where">{escape(failed.location)}</code>: ' if failed.location else ""
    return (f'<div class="diagram-error" role="note"><p class="diagram-error__title">{escape(slot.label)} '
            f'could not be drawn</p><p class="diagram-error__message">{where}{escape(failed.message)}</p></div>')


def _placeholder(slot: DiagramSlot) -> str:
    alt = escape(slot.alt)
    return (f'<div class="diagram-placeholder" role="img" aria-label="Diagram to come: {alt}">'
            '<span class="diagram-placeholder__badge" aria-hidden="true">Diagram to come</span>'
            f'<span class="diagram-placeholder__alt" aria-hidden="true">{alt}</span></div>')


@dataclass(frozen=True)
class Content:
    """A page's finished HTML: its diagram slots filled with their drawings."""

    html: Markup
    slots: tuple[DiagramSlot, ...]
    digest: bytes  # stands for html: other HTML, another digest; the same inputs, the same digest (fill_content)
    has_images: bool = True  # as Rendered's: False when there is certainly no <img>
    has_source_links: bool = True  # False when there is certainly no link to a .md or .ipynb source


def fill_content(rendered: Rendered, drawings: dict[str, Drawing], base_path: str,
                 drawn: dict[tuple[str, str], Drawn] | None = None) -> Content:
    """The finished HTML of a rendered text (see :func:`fill_slots`)."""
    inserted: list[str] = []
    html, slots = fill_slots(rendered.html, list(rendered.slots), drawings, base_path, drawn, inserted)
    marks = (rendered.has_images or any(map(has_images, inserted)),  # the rest was looked at when it was rendered
             rendered.has_source_links or any(map(has_source_links, inserted)))
    digest = filled_digest(rendered.html_digest or text_digest(rendered.html), inserted)
    return Content(html if isinstance(html, Markup) else Markup(html), tuple(slots), digest, *marks)


def filled_digest(rendered: bytes, inserted: list[str]) -> bytes:
    """A digest of the finished HTML without reading it again: the rendered HTML's digest when no
    marker was replaced, else one of that digest and what replaced each marker, in order (the
    rendered HTML and those pieces determine the finished HTML)."""
    if not inserted:
        return rendered
    digest = hashlib.blake2b(b"f" + rendered, digest_size=16)
    for piece in inserted:
        digest.update(f"\0{len(piece)}:".encode() + piece.encode("utf-8", "surrogatepass"))
    return digest.digest()
