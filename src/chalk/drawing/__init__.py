"""Diagrams drawn from text at build time (stage 4.5, between Markdown and the model).

``engines`` runs Mermaid, D2 and Graphviz; ``palette`` turns their colours into the
theme's CSS variables; ``svg`` cleans a drawing and puts it inline; ``store`` keeps drawings
between builds; ``draw`` is the stage itself.
"""

from .draw import DRAWN_DIR, Drawer, Drawn
from .store import DrawingStore
from .svg import CleanSvg, inline, standalone

__all__ = ["DRAWN_DIR", "CleanSvg", "Drawer", "DrawingStore", "Drawn", "inline", "standalone"]
