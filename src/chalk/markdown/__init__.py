"""Stage 4: Markdown body -> HTML, table of contents, diagram slots and text statistics.

:mod:`~chalk.markdown.renderer` drives Python-Markdown with pymdown-extensions
(SuperFences and Highlight for Pygments code) and chalk's own extensions, one
module each: :mod:`~chalk.markdown.math` (LaTeX to MathML), :mod:`~chalk.markdown.xref`
(numbered figures and cross-references), :mod:`~chalk.markdown.sidenotes`,
:mod:`~chalk.markdown.codeblocks` (line anchors), :mod:`~chalk.markdown.diagrams`
(slots) and :mod:`~chalk.markdown.glossary` (term markup). They share per-document
state through :mod:`~chalk.markdown.context`; :mod:`~chalk.markdown.text` measures the result.
"""

from .renderer import (SETTINGS, Fence, MarkdownRenderer, Rendered, TocEntry, has_images, has_source_links, scan_fences,
                       settings_key_for)
from .text import count_words, reading_text, summarize

__all__ = ["SETTINGS", "Fence", "MarkdownRenderer", "Rendered", "TocEntry", "count_words", "has_images",
           "has_source_links", "reading_text", "scan_fences", "settings_key_for", "summarize"]
