"""Code blocks, finished: an anchor on every numbered line.

In a block with line numbers (```` ```python title="train.py" linenums="1" ````),
each number becomes a link to its own line, so ``#train-py-12`` points at line 12
of ``train.py``. The id comes from the block's title (``train.py`` -> ``train-py``),
or ``code-N`` for the N-th numbered block without one; a title used twice on a
page gets ``-2``, ``-3``... Blocks without line numbers are left as they are.

The copy button is added in the browser by ``static/js/copy-code.js``
(progressive enhancement: the page works without it).
"""

from __future__ import annotations

import html as htmllib
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor


_BLOCK = re.compile(r'<div class="highlight"[^>]*>(?:<span class="filename">(?P<title>.*?)</span>)?<pre\b.*?</pre>',
                    re.S)
_NOT_WORD = re.compile(r"[\W_]+")
_LINENO = re.compile(r'<span class="linenos(?P<special> special)?" data-linenos="(?P<number>[^"]*)"></span>')


def block_slug(title: str) -> str:
    """``train.py`` -> ``train-py``; ``src/vae_loss.py`` -> ``src-vae-loss-py``."""
    return _NOT_WORD.sub("-", htmllib.unescape(title).lower()).strip("-")


def anchor_lines(html: str) -> str:
    """Wrap each line number of each numbered code block in a link to its own line."""
    used: set[str] = set()
    untitled = 0

    def block(match: re.Match[str]) -> str:
        nonlocal untitled
        text = match.group(0)
        if not _LINENO.search(text):
            return text
        base = block_slug(match.group("title") or "")
        if not base:
            untitled += 1
            base = f"code-{untitled}"
        slug, count = base, 1
        while slug in used:
            count += 1
            slug = f"{base}-{count}"
        used.add(slug)
        last = 0

        def line(number: re.Match[str]) -> str:
            nonlocal last
            digits = number.group("number").strip()
            last = int(digits) if digits.isdigit() else last + 1
            anchor = f"{slug}-{last}"
            return (f'<a class="code-line" id="{anchor}" href="#{anchor}" tabindex="-1" aria-hidden="true">'
                    f"{number.group(0)}</a>")

        return _LINENO.sub(line, text)

    return _BLOCK.sub(block, html)


class _LineAnchors(Postprocessor):
    def run(self, text: str) -> str:
        return anchor_lines(text) if 'class="linenos' in text else text


class CodeBlockExtension(Extension):
    """Registers the line-anchor postprocessor (after stashed code blocks are put back)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.postprocessors.register(_LineAnchors(md), "chalk-code-lines", 6)
