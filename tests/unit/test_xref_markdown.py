"""Numbered figures and equations, and cross-references [@fig:..], [@eq:..], [@sec:..] (chalk.xref).

Here the renderer on its own; whole sites are tested in tests/site/test_xref.py.
"""

from __future__ import annotations

import pytest

from chalk.markdown import Rendered

from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.markdown import render


PATH = "content/posts/x.md"


def root_of(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def refs(rendered: Rendered) -> list[tuple[str, str]]:
    return [(text_of(a), a.get("href")) for a in find_all(root_of(rendered), "a", cls="xref")]


def messages(rendered: Rendered) -> list[str]:
    return [d.format() for d in rendered.diagnostics]


def slot(ident: str, caption: str = "") -> str:
    lines = [f"id: {ident}", f"alt: A drawing of {ident}."] + ([f"caption: {caption}"] if caption else [])
    return "```diagram\n" + "\n".join(lines) + "\n```\n"


def test_slots_and_titled_images_are_numbered_in_order(renderer):
    body = (slot("gan", "The GAN") + "\nText.\n\n![Boxes](boxes.png \"Boxes and arrows\"){#boxes}\n\n"
            + slot("vae") + "\n![Just an image](plain.png)\n\nInline ![icon](i.png \"not a figure\") here.\n")
    rendered = render(renderer, body)
    root = root_of(rendered)
    figures = find_all(root, "figure")
    assert [f.get("id") for f in figures] == ["gan", "boxes", "vae"]
    assert [text_of(find_one(f, "figcaption")) for f in figures] == [
        "Figure 1: The GAN", "Figure 2: Boxes and arrows", "Figure 3"]
    image = find_one(find_by_id(root, "boxes"), "img")
    assert image.get("alt") == "Boxes" and image.get("title") is None and image.get("id") is None
    assert [find_one(f, "span", cls="figure-number") is not None for f in figures] == [True] * 3
    assert len(find_all(root, "img")) == 3  # the plain image and the inline one are not figures
    assert rendered.diagnostics == ()


def test_raw_html_figure_with_a_caption_is_numbered(renderer):
    body = ('<figure id="chart" markdown>\n<img src="c.png" alt="A chart">\n<figcaption>Sales</figcaption>\n'
            '</figure>\n\nSee [@fig:chart].\n')
    rendered = render(renderer, body)
    assert text_of(find_one(root_of(rendered), "figcaption")) == "Figure 1: Sales"
    assert refs(rendered) == [("Figure 1", "#chart")]


def test_references_before_and_after_their_targets(renderer):
    body = ("As [@fig:vae] and [@eq:loss] show, and [@sec:custom] explains:\n\n"
            + slot("gan", "GAN") + "\n" + slot("vae", "VAE") + "\n"
            "## The loss {#custom}\n\n$$ L = a + b $$ {#eq:loss}\n\n## Auto slug here\n\n"
            "Back to [@fig:gan], [@eq:loss] and [@sec:auto-slug-here].\n")
    rendered = render(renderer, body)
    assert rendered.diagnostics == ()
    assert refs(rendered) == [
        ("Figure 2", "#vae"), ("Equation (1)", "#eq-loss"), ("The loss", "#custom"),
        ("Figure 1", "#gan"), ("Equation (1)", "#eq-loss"), ("Auto slug here", "#auto-slug-here")]
    root = root_of(rendered)
    for _, href in refs(rendered):
        assert find_by_id(root, href[1:]) is not None, href


def test_references_in_nested_lists_tables_and_footnotes(renderer):
    body = (slot("d", "D") + "\n- a\n    - nested [@fig:d]\n        1. deeper [@fig:d]\n\n"
            "| col |\n| --- |\n| cell [@fig:d] |\n\nNote.[^1]\n\n[^1]: See [@fig:d].\n")
    rendered = render(renderer, body)
    assert rendered.diagnostics == ()
    assert {text for text, _ in refs(rendered)} == {"Figure 1"}
    assert len(refs(rendered)) >= 4


def test_references_in_code_or_escaped_stay_literal(renderer):
    body = slot("d", "D") + "\nCode `[@fig:d]`, escaped \\[@fig:d], fenced:\n\n```\n[@fig:nope]\n```\n"
    rendered = render(renderer, body)
    assert refs(rendered) == [] and rendered.diagnostics == ()
    text = text_of(root_of(rendered))
    assert "Code [@fig:d], escaped [@fig:d], fenced:" in text and "[@fig:nope]" in text


@pytest.mark.parametrize("ref, expected", [
    ("[@fig:missing]", "no figure with the id 'missing' in this article"),
    ("[@eq:missing]", "no labelled equation with the id 'missing' in this article"),
    ("[@sec:missing]", "no section with the id 'missing' in this article"),
])
def test_unknown_ids_are_errors_at_their_line(renderer, ref, expected):
    body = "First.\n\n" + slot("known", "K") + f"\nSecond line\nand {ref} here.\n"
    rendered = render(renderer, body, body_line=5)
    [message] = messages(rendered)
    line = 5 + body.split("\n").index(f"and {ref} here.")
    assert message.startswith(f"{PATH}:{line}: reference {ref}: {expected}")
    missing = find_one(root_of(rendered), "span", cls="xref--missing")
    assert text_of(missing) == ref


def test_unknown_figure_hint_lists_the_known_ids(renderer):
    [message] = messages(render(renderer, slot("gan", "G") + "\n[@fig:gna]\n"))
    assert "(known: gan)" in message


def test_an_unknown_id_used_twice_is_reported_once(renderer):
    assert len(messages(render(renderer, "[@fig:x] and [@fig:x].\n"))) == 1

