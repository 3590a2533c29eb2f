"""Sidenotes (chalk.sidenotes): each footnote is copied into the margin beside its reference.

Here the renderer on its own; whole sites are tested in tests/site/test_sidenotes.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

from chalk.markdown import MarkdownRenderer, Rendered

from support.html import find_all, find_one, parse_html, text_of


PATH = "content/posts/s.md"


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def render(renderer: MarkdownRenderer, body: str) -> Rendered:
    return renderer.render(body, PATH, 1)


def root_of(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def following(parent, element):
    children = list(parent)
    return children[children.index(element) + 1]


def ids(root) -> list[str]:
    return [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]


def test_a_footnote_gets_a_sidenote_right_after_its_reference(renderer):
    root = root_of(render(renderer, "Claim one.[^a] Then more text.\n\n[^a]: Source *A*, 2014.\n"))
    paragraph = find_all(root, "p")[0]
    sup = find_one(paragraph, "sup", id="fnref:a")
    note = following(paragraph, sup)
    assert note.tag == "span" and note.get("class") == "sidenote" and note.get("id") == "sn:a"
    assert note.get("aria-hidden") == "true"
    assert text_of(note) == "1 Source A, 2014."
    assert text_of(find_one(note, "span", cls="sidenote__number")) == "1"
    assert find_all(note, "em") and find_all(note, "a", cls="footnote-backref") == []
    assert (note.tail or "").startswith(" Then more text.")
    footnotes = find_one(root, "div", cls="footnote")
    assert find_one(footnotes, "li", id="fn:a") is not None  # the ordinary list is still there


def test_numbering_matches_the_footnote_list_and_ids_are_unique(renderer):
    body = "One.[^x] Two.[^y] One again.[^x]\n\n- item with a note[^z]\n\n[^y]: Why.\n[^x]: Ex.\n[^z]: Zed.\n"
    root = root_of(render(renderer, body))
    notes = find_all(root, "span", cls="sidenote")
    assert [n.get("id") for n in notes] == ["sn:x", "sn:y", "sn:z"]  # one per note, at its first reference
    refs = {sup.get("id"): text_of(sup) for sup in find_all(root, "sup")}
    numbers = [text_of(find_one(n, "span", cls="sidenote__number")) for n in notes]
    assert numbers == [refs["fnref:x"], refs["fnref:y"], refs["fnref:z"]]
    items = find_all(find_one(root, "div", cls="footnote"), "li")
    order = [li.get("id") for li in items]
    assert [order.index("fn:" + n.get("id")[3:]) + 1 for n in notes] == [int(x) for x in numbers]
    assert [k for k, v in Counter(ids(root)).items() if v > 1] == []
    assert [n.get("id") for n in find_all(find_one(root, "ul"), "span", cls="sidenote")] == ["sn:z"]


def test_links_in_sidenotes_leave_the_tab_order(renderer):
    root = root_of(render(renderer, "Text.[^l]\n\n[^l]: See [the paper](https://example.org/p).\n"))
    note = find_one(root, "span", cls="sidenote")
    link = find_one(note, "a")
    assert link.get("href") == "https://example.org/p" and link.get("tabindex") == "-1"


def test_a_note_with_a_list_shows_its_paragraphs_and_links_to_the_full_note(renderer):
    body = "Text.[^long]\n\n[^long]:\n    First paragraph.\n\n    - a\n    - b\n"
    root = root_of(render(renderer, body))
    note = find_one(root, "span", cls="sidenote")
    assert find_all(note, "ul") == [] and find_all(note, "li") == []
    assert "First paragraph." in text_of(note)
    more = find_one(note, "a", cls="sidenote__more")
    assert more.get("href") == "#fn:long" and more.get("tabindex") == "-1"


def test_a_reference_in_a_table_puts_the_note_before_the_table(renderer):
    body = "Intro.\n\n| a | b |\n| - | - |\n| x[^t] | y |\n\n[^t]: In a table.\n"
    root = root_of(render(renderer, body))
    table = find_one(root, "table")
    assert find_all(table, "span", cls="sidenote") == []
    assert following(root, find_one(root, "span", cls="sidenote")) is table


def test_sidenotes_do_not_count_as_words_or_summary(renderer):
    plain = render(renderer, "One two three.\n")
    noted = render(renderer, "One two three.[^n]\n\n[^n]: Four five.\n")
    assert noted.summary == "One two three."
    assert noted.word_count == plain.word_count + 3  # "1" in the list, "Four five." (not the copy)


def test_glossary_ids_inside_copied_notes_are_renamed():
    from chalk.glossary import Glossary, Term

    glossary = Glossary((Term("latent space", "latent-space", "Where codes live."),), "/glossary/")
    root = root_of(MarkdownRenderer(glossary).render("Text.[^g]\n\n[^g]: About latent space.\n", PATH, 1))
    note = find_one(root, "span", cls="sidenote")
    tip = find_one(note, "span", cls="term__tip")
    assert tip.get("id") == "sn-term-tip-latent-space"
    assert find_one(note, "a", cls="term__link").get("aria-describedby") == "sn-term-tip-latent-space"
    assert [k for k, v in Counter(ids(root)).items() if v > 1] == []


def test_no_footnotes_no_sidenotes(renderer):
    assert "sidenote" not in render(renderer, "Nothing [^here] to see.\n").html

