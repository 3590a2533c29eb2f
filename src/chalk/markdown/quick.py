"""Python-Markdown, made cheaper without changing a byte of what it writes.

Three costs of its inline passes are bookkeeping, not work:

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
import types
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString

#: What one of smarty's patterns needs in a text to change it (angled quotes too, should they be on).
_SMARTY_NEEDS = re.compile(r"""['"]|--|\.\.\.|<<|>>""")
SMARTY_PRIORITY = 6  # where smarty registers its inline pass among the treeprocessors


#: What a text must hold (one of these) for Python-Markdown's or smarty's pattern, known by its
#: regular expression, to match in it. chalk's own patterns say theirs in a ``needs`` attribute.
KNOWN_NEEDS: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # code span
    r"\\(.)": ("\\",),  # backslash escape
    r"\[\^([^\]]*)\]": ("[^",),  # footnote reference
    r"(?<!\!)\[": ("[",),  # links and references
    r"\!\[": ("![",),  # images
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("://",),  # <https://...>
    r"<([^<> !]+@[^@<> ]+)>": ("@",),  # <someone@example.org>
    r"  \n": ("  \n",),  # hard line break
    ('(<(\\/?+[a-zA-Z][^\\s"\'<>@]*+(?:\\s+[^\\s"\'=<>]++(?:\\s*+=\\s*+(?:"[^"]*+"|\'[^\']*+\'|[^\\s"\'=<>]++))?+)*+'
     '\\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\\[CDATA\\[(?:(?!<!\\[CDATA\\[|\\]\\]>).)*\\]\\])>)'):
    ("<",),  # inline HTML
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    r"\*|_": ("*", "_"),  # emphasis
    r"(?<!-)---(?!-)": ("--",),  # smarty: dashes
    r"(?<!-)--(?!-)": ("--",),
    r"(?<!\.)\.{3}(?!\.)": ("...",),  # smarty: ellipsis
    r"\<\<": ("<<",),  # smarty: angled quotes
    r"\>\>": (">>",),
    # smarty: quotes (each needs its own; a pair needs either)
    '^\'(?=[!"#\\$\\%\'()*+,-.\\/:;<=>?\\@\\[\\\\\\]\\^_`{|}~]\\B)': ("'",),
    '^"(?=[!"#\\$\\%\'()*+,-.\\/:;<=>?\\@\\[\\\\\\]\\^_`{|}~]\\B)': ('"',),
    '"\'(?=\\w)': ("'",),
    '\'"(?=\\w)': ("'",),
    '(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])\\\'"': ("'",),
    '(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])\\"\'': ("'",),
    "(?<!\\w)'(?=\\d{2}s)": ("'",),
    "(\\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)'(?=\\w)": ("'",),
    "(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])'(?!\\s|s\\b|\\d)": ("'",),
    "'(\\s|s\\b)": ("'",),
    "'": ("'",),
    '(\\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)"(?=\\w)': ('"',),
    '"(?=\\s)': ('"',),
    '(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])"': ('"',),
    '"': ('"',),
}


def needs_of(pattern: Any) -> tuple[str, ...] | None:  # an inline Pattern or InlineProcessor
    """One of these strings is in every text ``pattern`` matches in; None: not known (always try it)."""
    own = getattr(pattern, "needs", None)
    if own is not None:
        return tuple(own)
    return KNOWN_NEEDS.get(pattern.compiled_re.pattern)


#: InlineProcessor's private loop over its patterns (replaced) and the one try it makes (called)
_PRIVATE_METHODS = ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")


def freeze_inline_patterns(md: Markdown) -> None:
    """Give each inline processor (Python-Markdown's and smarty's) its patterns as a tuple, and
    have it try a pattern only on text that holds what the pattern needs."""
    for processor in md.treeprocessors:
        if isinstance(processor, InlineProcessor):
            processor.inlinePatterns = tuple(processor.inlinePatterns)  # type: ignore[assignment]
            if not all(hasattr(processor, name) for name in _PRIVATE_METHODS):
                continue  # another Python-Markdown than this was written against: every pattern is tried
            needs = tuple(needs_of(pattern) for pattern in processor.inlinePatterns)
            # the instance's own method replaces Python-Markdown's private one, which calls itself by that name
            processor._InlineProcessor__handleInline = types.MethodType(  # type: ignore[attr-defined]
                _handle_inline_where_needed(needs), processor)


def _handle_inline_where_needed(needs: tuple[tuple[str, ...] | None, ...]) -> Any:
    """InlineProcessor's loop over its patterns for one text, passing by each pattern whose needs
    the text lacks as if it had been tried and had not matched."""

    def handle_inline(self: InlineProcessor, data: str, patternIndex: int = 0) -> str:  # noqa: N803
        if isinstance(data, AtomicString):
            return data
        patterns = self.inlinePatterns
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start, count = 0, len(patterns)
        while patternIndex < count:
            need = needs[patternIndex]
            if need is not None and not any(item in data for item in need):
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data

    return handle_inline


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
