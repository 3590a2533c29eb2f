"""The drawing stage (between Markdown and the model): every slot and fence with text gets its SVG.

For each diagram with text (and, for a slot, no hand-made drawing in ``static/diagrams/``),
the text is read (inline, or from its ``source:`` file), looked up in the
:class:`~chalk.drawing.store.DrawingStore` by (engine, version, text, theme), and drawn by its
engine only when it is not there. Problems become diagnostics at ``path:line``: a missing file,
a missing engine (once per engine), and the engine's own message at the line it names.
A diagram that cannot be drawn (its engine rejects the text, its file is missing) is a
*recoverable* error, as a bad formula is: ``chalk build`` fails, ``chalk serve`` shows the
page with an error box in the figure (:class:`Failed`) and lists the error in the overlay.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Diagnostic, Diagnostics, error
from ..markdown.diagrams import DiagramSlot
from .engines import ENGINES, EngineFailed, EngineMissing
from .palette import THEME_KEY
from .store import DrawingStore, drawing_key
from .svg import CleanSvg, clean

DRAWN_DIR = "diagrams/drawn"  # standalone copies in the output, for feeds
SOURCE_DIR = "diagrams"  # source: files are looked up beside the article, then here


@dataclass(frozen=True)
class Drawn:
    """One drawing made from text."""

    svg: CleanSvg
    key: str

    @property
    def rel_url(self) -> str:
        return f"{DRAWN_DIR}/{self.key[:20]}.svg"


@dataclass(frozen=True)
class Failed:
    """A diagram that could not be drawn: the engine's message, and where (``path:line``)."""

    message: str
    location: str


class Drawings(dict[tuple[str, str], Drawn]):
    """Drawings by (article path, slot id); ``failed`` holds, by the same key, the diagrams that
    could not be drawn (their figures show an error box under ``chalk serve``)."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: dict[tuple[str, str], Failed] = {}


@dataclass
class Drawer:
    """Draws diagram text, keeping what it drew; ``calls`` counts engine runs by engine."""

    store: DrawingStore = field(default_factory=DrawingStore)
    calls: Counter[str] = field(default_factory=Counter)
    _versions: dict[str, str] = field(default_factory=dict)
    #: What the engine said about text it rejected, by drawing key: a broken diagram is not
    #: drawn again on every preview edit elsewhere (kept for the last build's keys only).
    _rejected: dict[str, EngineFailed] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)

    def draw_all(self, root: Path, slots: list[DiagramSlot], hand_made: set[str],
                 diagnostics: Diagnostics) -> Drawings:
        """Drawings by (article path, slot id); slots with a hand-made drawing are left to it."""
        self._versions = {}  # an engine installed or updated since the last build is noticed
        self._seen = set()
        drawn = Drawings()
        missing: set[str] = set()  # engines found missing: reported once, at their first diagram
        for slot in slots:
            if slot.text is None or (slot.numbered and slot.id in hand_made) or slot.text.engine in missing:
                continue
            try:
                result = self._draw(root, slot, diagnostics)
            except EngineMissing as exc:
                missing.add(slot.text.engine)
                diagnostics.add(error(f"{slot.label}: {exc.message}", slot.path, slot.line, hint=exc.hint))
                continue
            if isinstance(result, Failed):
                drawn.failed[(slot.path, slot.id)] = result
            elif result is not None:
                drawn[(slot.path, slot.id)] = result
        self._rejected = {key: failed for key, failed in self._rejected.items() if key in self._seen}
        return drawn

    def _draw(self, root: Path, slot: DiagramSlot, diagnostics: Diagnostics) -> Drawn | Failed | None:
        assert slot.text is not None
        engine = ENGINES[slot.text.engine]
        located = self._text(root, slot, diagnostics)
        if not isinstance(located, tuple):
            return located
        code, path, first_line = located
        version = self._versions.get(engine.name)
        if version is None:
            version = self._versions[engine.name] = engine.version()
        key = drawing_key(engine.name, version, code, THEME_KEY)
        self._seen.add(key)
        cached = self.store.get(key)
        if cached is not None:
            return Drawn(cached, key)
        try:
            drawing = clean(self._run(engine.name, key, code))
        except EngineFailed as exc:
            line = first_line + exc.line - 1 if exc.line else (slot.line if path == slot.path else None)
            return _failed(error(f"{slot.label}: {exc.message}", path, line,
                                 hint=f"{engine.title} could not draw this text"), exc.message, diagnostics)
        except ValueError as exc:
            return _failed(error(f"{slot.label}: {exc}", path, first_line), str(exc), diagnostics)
        self.store.put(key, drawing)
        return Drawn(drawing, key)

    def _run(self, engine: str, key: str, code: str) -> str:
        """The engine's SVG; raises EngineFailed (remembered, so the same text is not run again)."""
        if key in self._rejected:
            raise self._rejected[key]
        self.calls[engine] += 1
        try:
            return ENGINES[engine].draw(code)
        except EngineFailed as exc:
            self._rejected[key] = exc
            raise

    def _text(self, root: Path, slot: DiagramSlot,
              diagnostics: Diagnostics) -> tuple[str, str, int] | Failed | None:
        """The diagram's text, the file it is in (relative to ``root``), and the file line of its first line."""
        assert slot.text is not None
        if slot.text.code is not None:
            return slot.text.code, slot.path, slot.text.line
        name = slot.text.file or ""
        candidates = [(root / slot.path).parent / name, root / SOURCE_DIR / name]
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_file() and resolved.is_relative_to(root.resolve()):
                try:
                    return resolved.read_text(encoding="utf-8"), resolved.relative_to(root.resolve()).as_posix(), 1
                except (OSError, UnicodeDecodeError) as exc:
                    return _failed(error(f"{slot.label}: source: cannot read {name}: {exc}", slot.path,
                                         slot.text.line), f"cannot read {name}: {exc}", diagnostics)
        where = " or ".join(c.parent.relative_to(root).as_posix() if c.parent != root else "."
                            for c in (candidates[0], candidates[1]) if _inside(c, root))
        return _failed(error(f"{slot.label}: source: file {name!r} not found", slot.path, slot.text.line,
                             hint=f"looked in {where}"), f"source file {name!r} not found", diagnostics)


def _failed(diagnostic: Diagnostic, message: str, diagnostics: Diagnostics) -> Failed:
    """Report a diagram that cannot be drawn as a recoverable error; the figure will say why."""
    diagnostics.add(replace(diagnostic, recoverable=True))
    return Failed(message, diagnostic.location)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.parent.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
