"""The glossary (chalk.glossary): content/glossary.yaml, first-use term markup and the glossary page.

Here in whole sites; the renderer alone is tested in tests/unit/test_glossary_markdown.py.
"""

from __future__ import annotations

import pytest

from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.sites import GLOSSARY_YAML
from support.sites import BASE_PATH, build, copy_repo_site, post, write_files




SITE_FILES = {
    "content/glossary.yaml": GLOSSARY_YAML,
    "content/posts/a.md": post("Alpha", "2024-01-01", body="The latent space and an encoder.\n"),
    "content/posts/b.md": post("Beta", "2024-02-01", body="Latent space again. No other terms.\n"),
    "content/about.md": "---\ntitle: About\n---\n\nA page about the encoder is not an article.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("glossary") / "site", SITE_FILES)
    result = build(root, cache=False)
    return result.site, result.output, result.diagnostics


def test_articles_link_terms_to_the_glossary_page(site):
    _, out, _ = site
    page = parse_html(out / "posts/a/index.html")
    links = [(text_of(a), a.get("href")) for a in find_all(page, "a", cls="term__link")]
    assert links == [("latent space", BASE_PATH + "glossary/#term-latent-space"),
                     ("encoder", BASE_PATH + "glossary/#term-encoder")]
    glossary_page = parse_html(out / "glossary/index.html")
    for _, href in links:
        assert find_by_id(glossary_page, href.split("#")[1]) is not None


def test_glossary_page_lists_every_term_and_where_it_is_used(site):
    built, out, _ = site
    page = parse_html(out / "glossary/index.html")
    entries = find_all(page, "div", cls="glossary-entry")
    assert [e.get("id") for e in entries] == [
        "term-diffusion", "term-diffusion-model", "term-encoder", "term-kl-divergence", "term-latent-space"]
    kl = find_by_id(page, "term-kl-divergence")
    assert text_of(find_one(kl, "dfn")) == "KL divergence"
    assert "Kullback-Leibler divergence" in text_of(find_one(kl, "span", cls="glossary-entry__aliases"))
    assert text_of(find_one(kl, "dd", cls="glossary-entry__definition")) == "How far one distribution is from another."
    assert find_all(kl, "dd", cls="glossary-entry__uses") == []
    latent = find_by_id(page, "term-latent-space")
    uses = [(text_of(a), a.get("href")) for a in find_all(find_one(latent, "dd", cls="glossary-entry__uses"), "a")]
    assert uses == [("Beta", BASE_PATH + "posts/b/"), ("Alpha", BASE_PATH + "posts/a/")]
    encoder = find_one(find_by_id(page, "term-encoder"), "dd", cls="glossary-entry__uses")
    assert [text_of(a) for a in find_all(encoder, "a")] == ["Alpha"]  # the About page is not an article
    assert text_of(find_one(page, "h1")) == "Glossary"
    assert [entry.term.slug for entry in built.glossary] == [e.get("id")[5:] for e in entries]


def test_repo_site_glossary(tmp_path):
    root = copy_repo_site(tmp_path / "site")
    out = build(root, cache=False).output
    article = parse_html(out / "posts/demystifying-generative-ai/index.html")
    used = {a.get("href").split("#term-")[1] for a in find_all(article, "a", cls="term__link")}
    for term in ("latent-space", "kl-divergence", "discriminator", "generator", "mode-collapse", "autoregressive",
                 "diffusion-model", "encoder", "decoder", "transformer", "attention-mechanism", "backpropagation",
                 "data-distribution"):
        assert term in used, term
    page = parse_html(out / "glossary/index.html")
    assert len(find_all(page, "div", cls="glossary-entry")) >= 13
    for link in find_all(article, "a", cls="term__link"):
        assert find_by_id(page, link.get("href").split("#")[1]) is not None


def test_search_and_feeds_leave_out_the_tooltips(site):
    _, out, _ = site
    page = parse_html(out / "posts/a/index.html")
    assert all(tip.get("data-pagefind-ignore") == "all" for tip in find_all(page, "span", cls="term__tip"))
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "term__link" in feed and "term__tip" not in feed and "The space of codes." not in feed

