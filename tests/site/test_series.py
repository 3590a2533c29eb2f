"""Series (chalk.series): `series:` / `series_part:` front matter, part navigation and series pages."""

from __future__ import annotations

import pytest

from chalk.pipeline import load
from chalk.render import object_key
from support.html import find_all, find_one, parse_html, text_of
from support.sites import all_files, BASE_PATH, build, build_errors, post

SITE = ("title: Test site\nbase_url: https://example.org/blog/\nseries:\n"
        "  generative-models:\n    title: Generative models, from scratch\n"
        "    description: Four explainers, one model family at a time.\n")

PARTS = {
    "content/posts/gans.md": post("GANs", "2024-03-01", series="Generative models", series_part=2),
    "content/posts/intro.md": post("Intro", "2024-04-01", series="Generative models", series_part=1),
    "content/posts/vaes.md": post("VAEs", "2024-02-01", series="generative models"),  # no number: last
    "content/posts/alone.md": post("Alone", "2024-01-01"),
}


@pytest.fixture
def built(make_site):
    root = make_site(PARTS, site_yaml=SITE)
    result = build(root, cache=False)
    assert result.diagnostics.errors == []
    return root, root / "public", result


# --------------------------------------------------------------------------- front matter

@pytest.mark.parametrize("value, expected", [
    ("0", "series_part: expected a whole number of at least 1, like 2, got 0"),
    ("two", "series_part: expected a whole number of at least 1, like 2, got 'two'"),
    ("true", "series_part: expected a whole number of at least 1, like 2, got True"),
])
def test_series_part_must_be_a_positive_whole_number(make_site, value, expected):
    text = f"---\ntitle: A\ndate: 2024-01-01\nseries: S\nseries_part: {value}\n---\n\nText.\n"
    root = make_site({"content/posts/a.md": text})
    assert build_errors(root) == [f"content/posts/a.md:5: {expected}"]


@pytest.mark.parametrize("value", ["[a, b]", "'???'"])
def test_series_must_be_a_name(make_site, value):
    root = make_site({"content/posts/a.md": f"---\ntitle: A\ndate: 2024-01-01\nseries: {value}\n---\n\nText.\n"})
    [message] = build_errors(root)
    assert message.startswith("content/posts/a.md:4: series: expected a series name like Generative models")


def test_series_fields_are_known_fields(make_site):
    root = make_site(PARTS, site_yaml=SITE)
    result = build(root, cache=False)
    assert [d.format() for d in result.diagnostics.warnings if "front matter" in d.message] == []


def test_two_parts_with_the_same_number_is_an_error_naming_both(make_site):
    root = make_site({
        "content/posts/a.md": post("A", "2024-01-01", series="S", series_part=1),
        "content/posts/b.md": post("B", "2024-01-02", series="S", series_part=1),
    })
    assert build_errors(root) == [
        "content/posts/b.md:5: series 'S': content/posts/b.md and content/posts/a.md both claim series_part 1 "
        "(give each part its own number)"]


def test_series_settings_in_site_yaml_are_checked(make_site):
    root = make_site({"content/posts/a.md": post("A")},
                     site_yaml="title: T\nbase_url: https://example.org/\nseries:\n  s: [1, 2]\n")
    [message] = build_errors(root)
    assert message.startswith("site.yaml:3: series: expected a mapping like")


# --------------------------------------------------------------------------- the model

def test_parts_are_ordered_and_linked(make_site):
    site = load(make_site(PARTS, site_yaml=SITE)).site
    [series] = site.series
    assert (series.slug, series.title, series.description) == (
        "generative-models", "Generative models, from scratch", "Four explainers, one model family at a time.")
    assert [p.title for p in series.parts] == ["Intro", "GANs", "VAEs"]
    assert [p.series_part for p in series.parts] == [1, 2, 3]
    intro, gans, vaes = series.parts
    assert (intro.series_prev, intro.series_next) == (None, gans)
    assert (gans.series_prev, gans.series_next) == (intro, vaes)
    assert (vaes.series_prev, vaes.series_next) == (gans, None)
    assert all(p.series is series for p in series.parts)
    alone = next(p for p in site.posts if p.title == "Alone")
    assert alone.series is None and alone.series_part is None
    assert series.url == BASE_PATH + "series/generative-models/"
    assert object_key(series) == "series:generative-models"


def test_series_title_defaults_to_its_name(make_site):
    site = load(make_site({"content/posts/a.md": post("A", series="Deep dives")})).site
    assert [(s.title, s.slug, s.description) for s in site.series] == [("Deep dives", "deep-dives", "")]


def test_no_series_no_series_pages(make_site):
    root = make_site({"content/posts/a.md": post("A")})
    out = build(root, cache=False).output
    assert not any(f.startswith("series/") for f in all_files(out))


# --------------------------------------------------------------------------- the pages

def test_each_part_shows_its_place_neighbours_and_the_full_list(built):
    _, out, _ = built
    page = parse_html(out / "posts/gans/index.html")
    nav = find_one(find_one(page, "header", cls="post-header"), "nav", cls="series-nav")
    assert text_of(find_one(nav, "p", cls="series-nav__label")) == "Part 2 of 3 in Generative models, from scratch"
    assert find_one(nav, "a", cls="series-nav__title").get("href") == BASE_PATH + "series/generative-models/"
    items = find_all(find_one(nav, "ol", cls="series-nav__parts"), "li")
    assert [text_of(li) for li in items] == ["Intro", "GANs", "VAEs"]
    assert find_one(items[1], "span").get("aria-current") == "page" and find_all(items[1], "a") == []
    assert [a.get("href") for a in find_all(items[0], "a")] == [BASE_PATH + "posts/intro/"]
    prev = find_one(nav, "li", cls="series-pager__prev")
    following = find_one(nav, "li", cls="series-pager__next")
    assert find_one(prev, "a").get("href") == BASE_PATH + "posts/intro/" and "Part 1" in text_of(prev)
    assert find_one(following, "a").get("href") == BASE_PATH + "posts/vaes/" and "Part 3" in text_of(following)
    end = find_one(page, "nav", cls="series-nav--end")
    assert "Part 2 of 3" in text_of(end)


def test_first_and_last_parts_have_one_neighbour(built):
    _, out, _ = built
    first = parse_html(out / "posts/intro/index.html")
    assert find_all(first, "li", cls="series-pager__prev") == []
    assert len(find_all(first, "li", cls="series-pager__next")) == 2  # top of the post and its end
    last = parse_html(out / "posts/vaes/index.html")
    assert find_all(last, "li", cls="series-pager__next") == []
    assert "Part 3 of 3" in text_of(find_all(last, "p", cls="series-nav__label")[0])


def test_an_article_outside_a_series_has_no_series_nav(built):
    _, out, _ = built
    assert find_all(parse_html(out / "posts/alone/index.html"), "nav", cls="series-nav") == []


def test_series_page_lists_the_parts_in_order(built):
    _, out, _ = built
    page = parse_html(out / "series/generative-models/index.html")
    assert text_of(find_one(page, "h1")) == "Generative models, from scratch"
    assert "Four explainers" in text_of(find_one(page, "p", cls="lede"))
    parts = find_all(page, "li", cls="series-part")
    assert [text_of(find_one(p, "p", cls="series-part__number")) for p in parts] == ["Part 1", "Part 2", "Part 3"]
    assert [find_one(p, "h2").find("a").get("href") for p in parts] == [
        BASE_PATH + "posts/intro/", BASE_PATH + "posts/gans/", BASE_PATH + "posts/vaes/"]


def test_series_index_lists_every_series(built):
    _, out, _ = built
    page = parse_html(out / "series/index.html")
    [item] = find_all(page, "li", cls="series-index__item")
    assert find_one(item, "a").get("href") == BASE_PATH + "series/generative-models/"
    assert "3 parts" in text_of(item)
