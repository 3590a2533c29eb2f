"""This repository's own site, built from a copy: the seed article and its neighbours."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import yaml

from chalk.content import decode, split_front_matter
from chalk.errors import Diagnostics
from chalk.markdown import scan_fences
from support.html import (
    ATOM, find_all, find_by_id, find_one, has_class, iter_links, output_file_for, parse_html, parse_xml, SITEMAP, text_of,
)
from support.sites import build, copy_repo_site, REPO

SEED = "content/posts/demystifying-generative-ai.md"


@pytest.fixture(scope="module")
def repo_build(tmp_path_factory):
    """(site copy, output folder, BuildResult, site.yaml as dict) — built once, in-process."""
    root = copy_repo_site(tmp_path_factory.mktemp("repo") / "site")
    result = build(root)
    config = yaml.safe_load((root / "site.yaml").read_text())
    return root, root / "public", result, config


@pytest.fixture(scope="module")
def seed_slots() -> list[dict]:
    """The diagram slots declared in the seed article's Markdown."""
    diagnostics = Diagnostics()
    _, body, _ = split_front_matter(decode((REPO / SEED).read_bytes()), SEED, diagnostics)
    return [yaml.safe_load(f.body) for f in scan_fences(body) if f.language == "diagram"]


@pytest.fixture(scope="module")
def article(repo_build):
    return parse_html(repo_build[1] / "posts/demystifying-generative-ai/index.html")


def test_repo_site_builds_without_errors(repo_build):
    _, out, result, _ = repo_build
    assert result.diagnostics.errors == []
    assert (out / "index.html").is_file()


def test_repository_public_folder_is_not_touched_by_tests(repo_build):
    root, out, _, _ = repo_build
    assert out.resolve() != (REPO / "public").resolve()
    assert root.resolve() != REPO.resolve()


def test_seed_article_has_four_diagram_figures(article, seed_slots):
    figures = find_all(article, "figure", cls="diagram")
    assert len(seed_slots) == 4
    assert len(figures) == 4
    assert [f.get("id") for f in figures] == [s["id"] for s in seed_slots]
    for figure, slot in zip(figures, seed_slots):
        assert text_of(find_one(figure, "figcaption")).endswith(slot["caption"])  # may be numbered "Figure 1: ..."
        images = find_all(figure, "img")
        drawn = [svg for svg in find_all(figure) if svg.tag.endswith("svg") and has_class(svg, "diagram-svg")]
        if images:  # the drawing exists by now
            assert images[0].get("alt") == slot["alt"]
            assert images[0].get("loading") == "lazy"
        elif any(engine in slot for engine in ("mermaid", "d2", "dot", "source")):  # drawn from its text
            assert len(drawn) == 1 and drawn[0].get("role") == "img"
            assert drawn[0].get("aria-label") == slot["alt"]
        else:
            assert has_class(figure, "diagram--pending")
            box = find_one(figure, cls="diagram-placeholder")
            assert box.get("role") == "img"
            assert box.get("aria-label") == f"Diagram to come: {slot['alt']}"


def test_seed_article_has_highlighted_code(article):
    blocks = find_all(article, "div", cls="highlight")
    assert len(blocks) >= 3
    for block in blocks:
        token_spans = [s for s in find_all(block, "span") if s.get("class") and s.get("class") not in (
            "filename", "linenos", "hll")]
        assert token_spans, "code is highlighted with Pygments token classes"
    filenames = [text_of(s) for s in find_all(article, "span", cls="filename")]
    assert "gan_step.py" in filenames and "vae_loss.py" in filenames
    assert find_all(article, "span", cls="linenos") and find_all(article, "span", cls="hll")


def test_seed_article_toc_covers_every_section(article):
    toc = find_one(article, "nav", cls="toc")
    toc_targets = {a.get("href") for a in find_all(toc, "a")}
    prose = find_one(article, "div", cls="prose")  # the article's own sections (not References, Cite this)
    headings = [h for tag in ("h2", "h3") for h in find_all(prose, tag) if h.get("id")]
    assert len([h for h in headings if h.tag == "h2"]) >= 6
    assert len([h for h in headings if h.tag == "h3"]) == 4
    for heading in headings:
        assert f"#{heading.get('id')}" in toc_targets, text_of(heading)
    for target in toc_targets:
        assert find_by_id(article, target[1:]) is not None, target


def test_seed_article_content_is_html_not_escaped_text(repo_build, article):
    raw = (repo_build[1] / "posts/demystifying-generative-ai/index.html").read_text()
    assert "&lt;p&gt;" not in raw and "&lt;h2" not in raw
    assert len(find_all(find_one(article, "article"), "p")) > 20


def test_seed_article_has_a_warning_callout_and_footnote(article):
    callouts = find_all(article, "div", cls="admonition")
    assert any(has_class(c, "warning") for c in callouts)
    warning = next(c for c in callouts if has_class(c, "warning"))
    assert text_of(find_one(warning, "p", cls="admonition-title")) == "Important"
    assert find_one(article, "div", cls="footnote") is not None
    assert find_one(article, "sup", id="fnref:kl-closed-form") is not None


def test_seed_article_head(article, repo_build):
    config = repo_build[3]
    permalink = config["base_url"].rstrip("/") + "/posts/demystifying-generative-ai/"
    assert find_one(article, "link", rel="canonical").get("href") == permalink
    assert text_of(find_one(article, "h1")).startswith("Demystifying Generative AI")


def test_feed_and_sitemap_contain_the_seed_article(repo_build):
    _, out, _, config = repo_build
    permalink = config["base_url"].rstrip("/") + "/posts/demystifying-generative-ai/"
    feed = parse_xml(out / "feed.xml")
    assert permalink in [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert permalink in [e.text for e in feed.iter(f"{ATOM}id")]
    sitemap = parse_xml(out / "sitemap.xml")
    assert permalink in [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]


def test_about_page_exists(repo_build):
    _, out, _, config = repo_build
    about = parse_html(out / "about/index.html")
    assert text_of(find_one(about, "h1")) == "About"
    sitemap = parse_xml(out / "sitemap.xml")
    assert config["base_url"].rstrip("/") + "/about/" in [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]


def test_every_internal_link_of_the_repo_site_exists(repo_build):
    _, out, _, config = repo_build
    base_path = urlsplit(config["base_url"]).path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    for path in sorted(out.rglob("*.html")):
        root = parse_html(path)
        for _, _, url in iter_links(root):
            if url.startswith("#"):
                assert find_by_id(root, url[1:]) is not None, f"{path}: {url}"
            elif url.startswith(base_path) and not url.startswith("//"):
                target = output_file_for(out, url, base_path)
                assert target is not None and target.is_file(), f"{path}: {url}"
