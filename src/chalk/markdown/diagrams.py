"""Diagram slots and diagram fences: figures whose drawing is made after Markdown rendering.

A slot is a fenced block with the language ``diagram`` holding YAML (``id``, ``caption``,
``alt``, ``width`` and at most one of ``mermaid:``, ``d2:``, ``dot:`` or ``source:``). A bare
```` ```mermaid ````, ```` ```d2 ```` or ```` ```dot ```` fence is an unnumbered figure drawn
the same way. Markdown rendering turns either into a ``<figure>`` with a marker; the drawing
stage (:mod:`chalk.drawing`) draws the text, and :func:`chalk.model.drawings.fill_slots` puts in
that drawing, a hand-made one from ``static/diagrams/<id>.<ext>``, or an accessible placeholder.
Reading files and running engines stays out of this module, so Markdown rendering remains pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ..errors import Diagnostic, error, warning
from ..yamlsource import YamlProblem, parse_mapping

ENGINES = ("mermaid", "d2", "dot")
#: Source-file extensions and the engine each one means.
ENGINE_EXTENSIONS = {".mmd": "mermaid", ".mermaid": "mermaid", ".d2": "d2", ".dot": "dot", ".gv": "dot"}
WIDTHS = ("body", "wide", "page", "margin")
SLOT_KEYS = ("id", "caption", "alt", "width", *ENGINES, "source")
_ID = re.compile(r"^[A-Za-z][\w-]*$")


@dataclass(frozen=True)
class DiagramText:
    """The text a diagram is drawn from: inline (``code``) or in a file (``file``, resolved later)."""

    engine: str
    code: str | None = None
    file: str | None = None
    line: int = 0  # file line of the code's first line (inline), or of the ``source:`` key


@dataclass(frozen=True)
class DiagramSlot:
    """A figure reserved in an article: where it is and what it will show."""

    id: str
    caption: str
    alt: str
    path: str
    line: int
    image_url: str | None = None
    text: DiagramText | None = None
    width: str = "body"
    numbered: bool = True  # False for a bare ```mermaid fence
    drawn: bool = False  # drawn from its text by an engine

    @property
    def filled(self) -> bool:
        return self.image_url is not None or self.drawn

    @property
    def label(self) -> str:
        """How messages name it: ``diagram 'gan'``, or ``mermaid diagram`` for a bare fence."""
        if self.numbered or self.text is None:
            return f"diagram '{self.id}'"
        return f"{self.text.engine} diagram"


def parse_slot(text: str, path: str, line: int) -> tuple[DiagramSlot | None, list[Diagnostic]]:
    """Parse a slot's YAML; ``line`` is the line of its opening fence."""
    try:
        mapping = parse_mapping(text, first_line=line + 1)
    except YamlProblem as exc:
        return None, [error(f"diagram: {exc.message}", path, exc.line)]
    data, problems = mapping.data, []
    for key in data:
        if key not in SLOT_KEYS:
            problems.append(warning(f"diagram: unknown field '{key}' (expected {', '.join(SLOT_KEYS)})",
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
    width = data.get("width", "body")
    if width not in WIDTHS:
        problems.append(error(f"diagram: width: expected one of {', '.join(WIDTHS)}, got {width!r}",
                              path, mapping.line_of("width")))
    drawing, found = _diagram_text(text, data, mapping.lines, path, line + 1)
    problems.extend(found)
    if any(p.is_error for p in problems) or not isinstance(slot_id, str) or not isinstance(alt, str):
        return None, problems
    return DiagramSlot(slot_id, str(caption).strip(), alt.strip(), path, line, text=drawing, width=width), problems


def _diagram_text(text: str, data: dict, lines: dict[str, int], path: str,
                  first_line: int) -> tuple[DiagramText | None, list[Diagnostic]]:
    """The slot's ``mermaid:``/``d2:``/``dot:``/``source:`` field, if it has (exactly) one."""
    given = [key for key in (*ENGINES, "source") if key in data]
    if not given:
        return None, []
    if len(given) > 1:
        return None, [error(f"diagram: {given[1]}: a slot takes one of mermaid, d2, dot or source, "
                            f"got {' and '.join(given)}", path, lines[given[1]],
                            hint="keep one and draw the other in its own slot")]
    key, value, key_line = given[0], data[given[0]], lines[given[0]]
    if not isinstance(value, str) or not value.strip():
        what = "a file name like gan.mmd" if key == "source" else f"the {key} text of the diagram"
        return None, [error(f"diagram: {key}: expected {what}, got {value!r}", path, key_line)]
    if key == "source":
        engine = ENGINE_EXTENSIONS.get(_extension(value))
        if engine is None:
            return None, [error(f"diagram: source: expected a file ending in {', '.join(ENGINE_EXTENSIONS)}, "
                                f"got {value!r}", path, key_line,
                                hint="the extension names the engine: .mmd Mermaid, .d2 D2, .dot Graphviz")]
        return DiagramText(engine, file=value.strip(), line=key_line), []
    raw = text.split("\n")[key_line - first_line] if 0 <= key_line - first_line < text.count("\n") + 1 else ""
    block = re.match(rf"\s*{key}\s*:\s*[|>]", raw) is not None
    return DiagramText(key, code=value, line=key_line + 1 if block else key_line), []


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower().strip() if dot > 0 else ""


def fence_slot(code: str, engine: str, path: str, line: int, number: int) -> DiagramSlot:
    """A bare ```mermaid/```d2/```dot fence opening at ``line``: the ``number``-th on its page."""
    return DiagramSlot(f"_fence-{number}", "", "", path, line, text=DiagramText(engine, code=code, line=line + 1),
                       numbered=False)


def slot_html(slot: DiagramSlot) -> str:
    """The figure as Markdown rendering emits it; the marker is replaced by :func:`fill_slots`."""
    caption = f"<figcaption>{escape(slot.caption)}</figcaption>" if slot.caption else ""
    width = f" figure--{slot.width}" if slot.width != "body" else ""
    if not slot.numbered:
        return f'<figure class="drawing{width}"><!--chalk:diagram:{slot.id}--></figure>'
    return f'<figure class="diagram{width}" id="{escape(slot.id)}"><!--chalk:diagram:{slot.id}-->{caption}</figure>'
