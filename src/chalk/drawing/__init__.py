"""Diagrams drawn from text at build time (stage 4.5, between Markdown and the model).

``engines`` runs Mermaid, D2 and Graphviz; ``palette`` turns their colours into the
theme's CSS variables; ``svg`` cleans a drawing and puts it inline; ``store`` keeps drawings
between builds; ``draw`` is the stage itself.
"""

from .draw import DRAWN_DIR, Drawer, Drawings, Drawn, Failed
from .store import DrawingStore
from .svg import CleanSvg, inline, standalone

__all__ = ["DRAWN_DIR", "CleanSvg", "Drawer", "DrawingStore", "Drawings", "Drawn", "Failed", "inline", "standalone"]
