"""The Markdown speed-ups (chalk.markdown.quick) change no byte of what the renderer writes.

Each text is rendered twice through the real renderer: as chalk renders it, and with the
smarty skip left out, so smarty sees every text node as Python-Markdown alone would give it.
"""

from __future__ import annotations

import pytest

import chalk.markdown.quick as quick
import chalk.markdown.renderer as renderer_module
from chalk.markdown.renderer import MarkdownRenderer
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

from support.markdown import render

TEXTS = [
    "It's \"quoted\" -- and 'single' --- with an ellipsis... and '80s music.",
    "Plain words with no quote at all, then *emphasis* and `code's \"quotes\"` and a [link](https://x.org).",
    '"**Bold at the start**," she said, "and *italic*" in the middle\'s tail.',
    "A list:\n\n- no quotes here\n- 'one' here\n- \"two\" -- here\n",
    "| a | b |\n|---|---|\n| it's | plain |\n| \"x\" | y -- z |\n",
    "Math $f'(x) = \"y\"$ and a footnote.[^1] Done...\n\n[^1]: The note's text -- \"quoted\".",
    "Heading\n=======\n\n## It's a \"heading\"\n\nText after -- it.",
    "<div markdown=\"1\">Inside 'HTML' -- with \"quotes\"</div>\n\nAnd after.",
    "An abbreviation and dashes: 1990--2000, a---b, a----b, .... and ..",
    "> A quote's \"inner\" text\n> -- its author\n",
    "```python\nprint(\"it's\") -- not touched\n```\n\nAfter the fence's end.",
]


@pytest.fixture(scope="module")
def renderers():
    fast = MarkdownRenderer()

    class NoSkip(quick.SmartySkipExtension):
        def extendMarkdown(self, md) -> None:  # register nothing: smarty sees every text node
            pass

    original = renderer_module.SmartySkipExtension
    renderer_module.SmartySkipExtension = NoSkip
    try:
        plain = MarkdownRenderer()
    finally:
        renderer_module.SmartySkipExtension = original
    return fast, plain


@pytest.mark.parametrize("text", TEXTS)
def test_smarty_skip_changes_no_byte(renderers, text: str):
    fast, plain = renderers
    assert render(fast, text) == render(plain, text)


def test_the_texts_do_get_typography(renderers):
    """The comparison above is not vacuous: smarty still educates what it should."""
    html = render(renderers[0], TEXTS[0]).html
    for entity in ("&rsquo;", "&ldquo;", "&rdquo;", "&ndash;", "&mdash;", "&hellip;", "&lsquo;"):
        assert entity in html, entity
    assert "'" not in html.split("<code>")[0]


def test_text_without_what_smarty_needs_is_marked_atomic():
    import xml.etree.ElementTree as etree

    root = etree.fromstring("<div><p>plain words<em>it's</em> tail -- dash</p><p>dots ... here</p></div>")
    quick._SmartySkip(None).run(root)
    first, second = root
    assert isinstance(first.text, AtomicString)
    assert not isinstance(first[0].text, AtomicString) and not isinstance(first[0].tail, AtomicString)
    assert not isinstance(second.text, AtomicString)


def test_inline_processors_hold_their_patterns_in_priority_order(renderers):
    md = renderers[0]._md
    processors = [p for p in md.treeprocessors if isinstance(p, InlineProcessor)]
    assert len(processors) == 2  # Python-Markdown's inline pass and smarty's
    for processor in processors:
        assert isinstance(processor.inlinePatterns, tuple) and processor.inlinePatterns
    assert processors[0].inlinePatterns == tuple(md.inlinePatterns)  # Registry iterates by priority


def test_the_skip_runs_right_before_smarty(renderers):
    """If Python-Markdown ever moved smarty, the skip would stop working (or run after it): this says so."""
    order = [item.name for item in sorted(renderers[0]._md.treeprocessors._priority, key=lambda i: -i.priority)]
    assert order[order.index("chalk-smarty-skip") + 1] == "smarty", order


def test_angled_quotes_are_left_to_smarty_should_they_be_turned_on():
    import xml.etree.ElementTree as etree

    root = etree.fromstring("<p>a &lt;&lt;quote&gt;&gt; here</p>")
    quick._SmartySkip(None).run(root)
    assert not isinstance(root.text, AtomicString)
