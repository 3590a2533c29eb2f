"""The seed article's executed cell: published from its committed frozen result (no kernel needed)."""

from __future__ import annotations

from support.html import find_by_id, find_one, parse_html, text_of
from support.sites import REPO, build

SVG = "{http://www.w3.org/2000/svg}svg"


def test_the_seed_article_publishes_its_noise_schedule_plot_from_the_freeze(repo_site) -> None:
    build(repo_site, execute=False, cache=False)  # --no-execute: any stale or missing freeze is an error
    html = parse_html(repo_site / "public/posts/demystifying-generative-ai/index.html")
    figure = find_by_id(html, "alpha-bar")
    assert figure is not None and figure.tag == "figure"
    assert text_of(find_one(figure, "figcaption")).startswith("Figure 4: The cumulative noise schedule")
    svg = [element for element in figure.iter() if element.tag == SVG]
    assert len(svg) == 1 and "alpha-bar" in (svg[0].get("aria-label") or "")
    reference = [a for a in html.iter("a") if a.get("href") == "#alpha-bar"]
    assert [text_of(a) for a in reference] == ["Figure 4"]
    printed = text_of(find_one(find_one(html, "div", cls="cell"), "pre", cls="cell-output--stdout"))
    assert printed == "ᾱ at t = 260: 0.498; at t = 1000: 4.0e-05"  # the numbers the prose quotes


def test_the_freeze_is_committed_beside_the_site() -> None:
    assert (REPO / "_freeze/posts/demystifying-generative-ai.json").is_file()
