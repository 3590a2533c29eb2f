"""Numbered figures and equations, and cross-references [@fig:..], [@eq:..], [@sec:..] (chalk.xref).

Here in whole sites; the renderer alone is tested in tests/unit/test_xref_markdown.py.
"""

from __future__ import annotations

import pytest

from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.sites import build, copy_repo_site


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    root = copy_repo_site(tmp_path_factory.mktemp("xref") / "site")
    result = build(root, cache=False)
    assert result.diagnostics.errors == []
    return parse_html(root / "public/posts/demystifying-generative-ai/index.html")


def test_seed_article_figures_are_numbered(seed):
    captions = [text_of(find_one(f, "figcaption")) for f in find_all(seed, "figure", cls="diagram")]
    assert captions == ["Figure 1: Simplified GAN architecture", "Figure 2: Simplified VAE architecture",
                        "Figure 3: Simplified autoregressive model (conceptual)",
                        "Figure 5: Simplified diffusion model (forward and reverse process)"]  # 4: the executed cell


def test_seed_article_equations_and_references(seed):
    equations = find_all(seed, "div", cls="math-display--numbered")
    assert [(e.get("id"), text_of(find_one(e, "span", cls="math-display__number"))) for e in equations] == [
        ("eq-vae-loss", "(1)"), ("eq-forward-noising", "(2)")]
    links = [(text_of(a), a.get("href")) for a in find_all(seed, "a", cls="xref")]
    for expected in [("Figure 1", "#gan-architecture"), ("Figure 2", "#vae-architecture"),
                     ("Figure 3", "#autoregressive-model"), ("Figure 4", "#alpha-bar"),
                     ("Figure 5", "#diffusion-process"),
                     ("Equation (1)", "#eq-vae-loss"), ("Equation (2)", "#eq-forward-noising"),
                     ("1. Generative Adversarial Networks (GANs)", "#gans")]:
        assert expected in links, expected
    for _, href in links:
        assert find_by_id(seed, href[1:]) is not None, href
    assert find_all(seed, "span", cls="xref--missing") == []

