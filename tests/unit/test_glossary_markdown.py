"""The glossary (chalk.glossary): content/glossary.yaml, first-use term markup and the glossary page.

Here the renderer on its own; whole sites are tested in tests/site/test_glossary.py.
"""

from __future__ import annotations

import pytest

from chalk.errors import Diagnostics
from chalk.glossary import Glossary, parse_glossary
from chalk.markdown import MarkdownRenderer, Rendered

from support.html import find_all, find_one, parse_html, text_of
from support.sites import GLOSSARY_YAML


PATH = "content/posts/g.md"




def glossary(text: str = GLOSSARY_YAML, url: str = "/blog/glossary/") -> Glossary:
    diagnostics = Diagnostics()
    found = parse_glossary(text, "content/glossary.yaml", url, diagnostics)
    assert found is not None, [d.format() for d in diagnostics.items]
    return found


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer(glossary())


def render(renderer: MarkdownRenderer, body: str) -> Rendered:
    return renderer.render(body, PATH, 1)


def root_of(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def marked(rendered: Rendered) -> list[tuple[str, str]]:
    return [(text_of(a), a.get("href")) for a in find_all(root_of(rendered), "a", cls="term__link")]


def test_terms_from_strings_and_mappings():
    found = glossary()
    assert [(t.name, t.slug, t.aliases) for t in found.terms] == [
        ("latent space", "latent-space", ()), ("KL divergence", "kl-divergence", ("Kullback-Leibler divergence", "KL")),
        ("diffusion", "diffusion", ()), ("diffusion model", "diffusion-model", ("diffusion models",)),
        ("encoder", "encoder", ())]
    assert found.terms[1].definition == "How far one distribution is from another."
    assert found.terms[1].line == 2 and found.terms[1].anchor == "term-kl-divergence"


@pytest.mark.parametrize("text, expected", [
    ("a: [b\n", "content/glossary.yaml:2: glossary: invalid YAML"),
    ("- a\n- b\n", "content/glossary.yaml:1: glossary: expected 'key: value' lines, got a YAML list"),
    ("one: Fine.\ntwo:\n", "content/glossary.yaml:2: glossary: two: expected a short definition, got None"),
    ("one: Fine.\ntwo:\n  aliases: [x]\n", "content/glossary.yaml:2: glossary: two: expected a short definition"),
    ("one:\n  definition: D.\n  aliases: 3\n", "content/glossary.yaml:1: glossary: one: aliases: expected a list"),
    ("one: D.\ntwo:\n  definition: E.\n  aliases: [One]\n",
     "content/glossary.yaml:2: glossary: 'One' of 'two' is already a name of 'one' (line 1)"),
    ("'???': D.\n", "content/glossary.yaml:1: glossary: '???' is not a term"),
])
def test_problems_are_errors_at_their_line(text, expected):
    diagnostics = Diagnostics()
    assert parse_glossary(text, "content/glossary.yaml", "/glossary/", diagnostics) is None
    assert any(d.format().startswith(expected) for d in diagnostics.errors), [d.format() for d in diagnostics.items]


def test_unknown_entry_field_is_a_warning():
    diagnostics = Diagnostics()
    assert parse_glossary("a:\n  definition: D.\n  see: b\n", "g.yaml", "/g/", diagnostics) is not None
    assert [d.format() for d in diagnostics.warnings] == [
        "g.yaml:1: warning: glossary: a: unknown field 'see' (expected definition, aliases)"]


def test_settings_key_follows_the_glossary_and_its_url():
    assert MarkdownRenderer().settings_key() == ""
    key = MarkdownRenderer(glossary()).settings_key()
    assert key and key == glossary().settings_key()
    assert key != glossary(GLOSSARY_YAML.replace("The space of codes.", "Codes.")).settings_key()
    assert key != glossary(url="/glossary/").settings_key()


def test_first_use_only_case_insensitive(renderer):
    rendered = render(renderer, "The Latent Space is big.\n\nThe latent space again, and latent\nspace.\n")
    assert marked(rendered) == [("Latent Space", "/blog/glossary/#term-latent-space")]
    assert rendered.terms == ("latent-space",)


def test_markup_carries_the_definition_for_hover_and_focus(renderer):
    root = root_of(render(renderer, "An encoder here.\n"))
    wrapper = find_one(root, "span", cls="term")
    link = find_one(wrapper, "a", cls="term__link")
    tip = find_one(wrapper, "span", cls="term__tip")
    assert text_of(link) == "encoder" and text_of(tip) == "Compresses data."
    assert link.get("aria-describedby") == tip.get("id") == "term-tip-encoder"
    assert tip.get("aria-hidden") == "true"
    assert text_of(find_one(root, "p")) == "An encoder Compresses data. here."  # plain text without CSS


def test_longest_name_first_and_aliases_count(renderer):
    rendered = render(renderer, "Diffusion models add noise; a diffusion model is neat; diffusion happens.\n")
    assert marked(rendered) == [("Diffusion models", "/blog/glossary/#term-diffusion-model"),
                                ("diffusion", "/blog/glossary/#term-diffusion")]
    assert rendered.terms == ("diffusion-model", "diffusion")


def test_whole_words_only(renderer):
    assert marked(render(renderer, "An autoencoder, encoders, KLX and encoder-like.\n")) == [
        ("encoder", "/blog/glossary/#term-encoder")]


def test_code_links_headings_attributes_and_math_are_untouched(renderer):
    body = ("# Latent space\n\n## The encoder {#encoder-section}\n\n"
            "Use `latent space` and [the encoder](https://example.org/encoder \"encoder\").\n\n"
            "```python\nencoder = 1  # latent space\n```\n\n"
            "![an encoder diagram](e.png)\n\n"
            "<abbr title=\"KL divergence\">KL</abbr> and <a href=\"/x\">the *latent space*</a> in raw HTML.\n\n"
            "Math $encoder$ and **KL** then the encoder and latent space.\n")
    rendered = render(renderer, body)
    root = root_of(rendered)
    assert marked(rendered) == [("KL", "/blog/glossary/#term-kl-divergence"),
                                ("encoder", "/blog/glossary/#term-encoder"),
                                ("latent space", "/blog/glossary/#term-latent-space")]
    assert find_one(root, "abbr").get("title") == "KL divergence" and find_all(find_one(root, "abbr"), "a") == []
    for heading in (find_one(root, "h1"), find_one(root, "h2")):
        assert find_all(heading, "span", cls="term") == [], text_of(heading)
    assert find_one(root, "img").get("alt") == "an encoder diagram"
    assert find_all(find_one(root, "pre"), "a") == []
    assert find_one(root, "strong").find("span") is not None  # emphasis is prose: it may hold a term
    link = [a for a in find_all(root, "a") if a.get("href") == "https://example.org/encoder"][0]
    assert find_all(link, "span") == [] and link.get("title") == "encoder"


def test_terms_in_nested_lists(renderer):
    rendered = render(renderer, "- one\n    - nested encoder\n        1. deeper encoder and latent space\n")
    assert [t for t, _ in marked(rendered)] == ["encoder", "latent space"]


def test_no_glossary_no_markup():
    rendered = MarkdownRenderer().render("The encoder and latent space.\n", PATH, 1)
    assert "term" not in rendered.html and rendered.terms == ()


def test_tooltips_are_not_words_or_summary(renderer):
    rendered = render(renderer, "An encoder works.\n")
    assert rendered.summary == "An encoder works." and rendered.word_count == 3


def test_plain_pages_are_not_marked_up():
    renderer = MarkdownRenderer(glossary())
    assert renderer.render("An encoder.\n", "content/about.md", 1).terms == ()
    assert renderer.render("An encoder.\n", "content/posts/deep/a.md", 1).terms == ("encoder",)

