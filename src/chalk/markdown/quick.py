"""Python-Markdown, made cheaper without changing a byte of what it writes.

Two costs of its inline pass are bookkeeping, not work:

- each inline processor indexes its pattern registry once per pattern per text node, and
  every ``Registry[i]`` re-checks the sort order in Python (about a tenth of all Markdown
  time): :func:`freeze_inline_patterns` hands each processor its patterns as a tuple, once
  every extension has registered its own, so the order is final;
- smarty runs a second inline pass of 15–18 patterns over every text node, yet each of its
  patterns needs a ``'``, a ``"``, ``--``, ``...``, or (for angled quotes) ``<<`` or ``>>``
  in the text. :class:`SmartySkipExtension` marks the text nodes with none of them atomic
  just before smarty runs, so smarty passes them by, as it passes code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString

#: What one of smarty's patterns needs in a text to change it (angled quotes too, should they be on).
_SMARTY_NEEDS = re.compile(r"""['"]|--|\.\.\.|<<|>>""")
SMARTY_PRIORITY = 6  # where smarty registers its inline pass among the treeprocessors


def freeze_inline_patterns(md: Markdown) -> None:
    """Give each inline processor (Python-Markdown's and smarty's) its patterns as a tuple."""
    for processor in md.treeprocessors:
        if isinstance(processor, InlineProcessor):
            processor.inlinePatterns = tuple(processor.inlinePatterns)  # type: ignore[assignment]


class _SmartySkip(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        needs = _SMARTY_NEEDS.search
        for element in root.iter():
            text, tail = element.text, element.tail
            if text and not isinstance(text, AtomicString) and needs(text) is None:
                element.text = AtomicString(text)
            if tail and not isinstance(tail, AtomicString) and needs(tail) is None:
                element.tail = AtomicString(tail)


class SmartySkipExtension(Extension):
    """Registers :class:`_SmartySkip` to run right before smarty's inline pass."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_SmartySkip(md), "chalk-smarty-skip", SMARTY_PRIORITY + 0.5)
