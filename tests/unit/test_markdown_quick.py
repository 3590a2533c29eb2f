"""The Markdown speed-ups (chalk.markdown.quick) change no byte of what the renderer writes.

Each text is rendered twice through the real renderer: as chalk renders it, and with the
speed-ups left out (no smarty skip, every inline pattern tried on every text), as
Python-Markdown alone would render it.
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
    # every kind of inline pattern, alone, nested and side by side (the needs each is tried for)
    "A `span` then \\*not em\\* and \\`not code\\` and a \\\\ backslash; `a \\` b` and ``double ` tick``.",
    "[link](https://x.org \"t\") ![img](a.png) [ref][r] ![iref][r] [r] ![r] [^n] [not a ref]\n\n"
    "[r]: https://r.org\n[^n]: A note with *em* and `code`.",
    "<https://auto.link/x?a=1&b=2> <someone@example.org> a@b.c <span class=\"x\">in *HTML*</span> "
    "<!-- a comment --> &amp; &copy; &#169; &#xA9; & alone; AT&T",
    "Line one  \nline two\\\nthree *em* **strong** ***both*** _u_ __uu__ ___uuu___ snake_case_name 2*3*4",
    "Math $a_b * c_d$ and $$x^2$$ and \\(y_1\\) and \\[z_2\\] and \\eqref{eq:one} and \\ref{two}, $5 and $6.",
    "\\begin{equation}\na_1 * b_2\n\\end{equation}\n\nAfter it, see [@fig:one] and [@eq:one] and [@sec:x].",
    "Cited [@knuth1984; @lamport, p. 3] and [-@smith] and an email-like [me@x.org] and @bare.",
    "**[a link in strong](u)** and *`code in em`* and [`code in a link` *em*](u) and ![*alt*](i.png)",
    "Text with nothing special at all, only words and numbers 1 2 3 and a period.",
    "Quotes 'in `code` here' and \"a [link](u)\" -- and it's *Bob's* \"em\"... done.",
]


def _freeze_only(md) -> None:
    """freeze_inline_patterns without the needs: every pattern is tried on every text."""
    for processor in md.treeprocessors:
        if isinstance(processor, InlineProcessor):
            processor.inlinePatterns = tuple(processor.inlinePatterns)


@pytest.fixture(scope="module")
def renderers():
    fast = MarkdownRenderer()

    class NoSkip(quick.SmartySkipExtension):
        def extendMarkdown(self, md) -> None:  # register nothing: smarty sees every text node
            pass

    originals = renderer_module.SmartySkipExtension, renderer_module.freeze_inline_patterns
    renderer_module.SmartySkipExtension, renderer_module.freeze_inline_patterns = NoSkip, _freeze_only
    try:
        plain = MarkdownRenderer()
    finally:
        renderer_module.SmartySkipExtension, renderer_module.freeze_inline_patterns = originals
    return fast, plain


@pytest.mark.parametrize("text", TEXTS)
def test_the_speed_ups_change_no_byte(renderers, text: str):
    fast, plain = renderers
    assert render(fast, text) == render(plain, text)


def test_the_inline_texts_do_get_their_markup(renderers):
    """The comparison above is not vacuous: the patterns passed by where they are not needed
    still apply where they are."""
    from html.parser import HTMLParser

    tags: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag + "".join(f".{v}" for k, v in attrs if k == "class"))

    Tags().feed("".join(render(renderers[0], text).html for text in TEXTS[11:18]))
    for tag in ("code", "a", "img", "sup", "br", "span.x", "em", "strong", "span.xref xref--missing", "math"):
        assert tag in tags, tag
    assert tags.count("math") >= 5, tags


def _counting_tries(renderer) -> list[int]:
    """A counter of the patterns each inline processor of ``renderer`` tries (one per try)."""
    counts = [0]
    for processor in renderer._md.treeprocessors:
        if isinstance(processor, InlineProcessor):
            apply = processor._InlineProcessor__applyPattern

            def counted(*args, _apply=apply):
                counts[0] += 1
                return _apply(*args)

            processor._InlineProcessor__applyPattern = counted
    return counts


def test_patterns_are_tried_only_on_texts_that_hold_what_they_need():
    fast, plain = MarkdownRenderer(), MarkdownRenderer()
    for processor in plain._md.treeprocessors:  # as Python-Markdown does: every pattern on every text
        if isinstance(processor, InlineProcessor):
            del processor._InlineProcessor__handleInline
    fast_tries, plain_tries = _counting_tries(fast), _counting_tries(plain)
    text = "Plain words, a *word* in em, and more plain words.\n\nA second paragraph of words."
    assert render(fast, text) == render(plain, text)
    patterns = len(fast._md.inlinePatterns)
    assert plain_tries[0] >= 2 * patterns  # each paragraph through every pattern
    assert fast_tries[0] <= 4, fast_tries  # "*" in the first paragraph: emphasis only, nothing for the others


def test_every_pattern_chalk_renders_with_has_known_needs(renderers):
    """Keyed by their regular expressions: should Python-Markdown change one, its pattern would
    be tried everywhere again (still right, only slower), and this says so."""
    for processor in renderers[0]._md.treeprocessors:
        if isinstance(processor, InlineProcessor):
            unknown = [pattern.compiled_re.pattern for pattern in processor.inlinePatterns
                       if quick.needs_of(pattern) is None]
            assert not unknown, unknown


def test_each_known_need_is_in_every_text_its_pattern_matches_in():
    """A property of the table, over many texts: where a pattern finds a match, the text holds one
    of its needs; and each pattern finds one somewhere, so the check is not vacuous."""
    import re

    texts = [*TEXTS, "\\*x\\*", "<<angled>> quotes", "<a@b.c>", "a  \nb", "<http://x.org>", "70's '80s", '"\'a\'"',
             "x'\" and \"' b", "it's", "'a", '"a', "a' b", 'a" b', "a -- b --- c... ", "\u2014'x", "&ndash;\"x",
             "[^1] [a] ![b]", "`x`", "&amp;", "*a* _b_", "<b>x</b>", "x ' y", 'x " y', "x 's", "'.", '".', "'\"a", 'x"\' y', "x'\" y", "_b_ only"]
    for source, needs in quick.KNOWN_NEEDS.items():
        compiled = re.compile(source)
        matched = [text for text in texts if compiled.search(text)]
        assert matched, source
        for text in matched:
            assert any(need in text for need in needs), (source, text)


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


def test_another_python_markdown_without_the_private_loop_gets_every_pattern_tried():
    """Should Python-Markdown rename the loop the needs check replaces, or the try it calls,
    chalk leaves its inline passes as they are instead of failing on every text."""
    import types as pytypes

    md = MarkdownRenderer()._md
    processor = next(p for p in md.treeprocessors if isinstance(p, InlineProcessor))
    del processor._InlineProcessor__handleInline  # the override: Python-Markdown's own loop again
    original = InlineProcessor._InlineProcessor__applyPattern
    try:
        del InlineProcessor._InlineProcessor__applyPattern
        quick.freeze_inline_patterns(md)
        assert "_InlineProcessor__handleInline" not in vars(processor)
    finally:
        InlineProcessor._InlineProcessor__applyPattern = original
    quick.freeze_inline_patterns(md)
    assert isinstance(vars(processor)["_InlineProcessor__handleInline"], pytypes.MethodType)
