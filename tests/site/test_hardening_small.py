"""Issue 16, item 14: script URLs in the menu, an odd language, the sitemap's generated pages,
the feed of a fresh ``chalk init`` site, and ``params`` escaped once."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from chalk.scaffold import init_site
from support.html import ATOM, SITEMAP, parse_html, text_of
from support.sites import build, build_errors, post

BASE = "title: T\nbase_url: https://example.org/blog/\n"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)",
                                 " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)"])
def test_script_urls_in_the_menu_are_refused(make_site, url):
    root = make_site({"content/posts/x.md": post("X")},
                     site_yaml=BASE + f"menu:\n  - title: Evil\n    url: {json.dumps(url)}\n")
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith("site.yaml:3: menu: expected links to pages"), errors


def test_ordinary_menu_urls_stay_fine(make_site):
    root = make_site({"content/posts/x.md": post("X")}, site_yaml=BASE + (
        "menu:\n  - {title: About, url: /about/}\n  - {title: Mail, url: 'mailto:me@example.org'}\n"
        "  - {title: Data, url: 'https://example.org/data:x'}\n"))
    build(root)


@pytest.mark.parametrize("language", ["x" * 5000, "en_US!", "e", "en--us"])
def test_a_language_that_is_not_a_language_tag_is_a_config_error_with_its_line(make_site, language):
    root = make_site({"content/posts/x.md": post("X")}, site_yaml=BASE + f"search: false\nlanguage: {language!r}\n")
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith("site.yaml:4: language: expected a language tag like en"), errors


@pytest.mark.parametrize("language", ["en", "de", "pt-BR", "zh-Hant-TW"])
def test_real_language_tags_are_fine(make_site, language):
    build(make_site({"content/posts/x.md": post("X")}, site_yaml=BASE + f"language: {language}\n"))


def test_sitemap_lists_the_glossary_and_the_series_pages(make_site):
    root = make_site({
        "content/posts/a.md": post("A", series="Generative models", body="A GAN.\n"),
        "content/posts/b.md": post("B", date="2024-05-15", series="Generative models"),
        "content/glossary.yaml": "GAN: A generative adversarial network.\n",
    })
    build(root)
    sitemap = ET.fromstring((root / "public" / "sitemap.xml").read_bytes())
    locs = {el.text for el in sitemap.iter(f"{SITEMAP}loc")}
    for url in ("glossary/", "series/", "series/generative-models/"):
        assert f"https://example.org/blog/{url}" in locs, locs


def test_fresh_init_site_feed_has_no_empty_author(tmp_path):
    root = tmp_path / "blog"
    init_site(root, date(2024, 5, 14))
    build(root)
    feed = ET.fromstring((root / "public" / "feed.xml").read_bytes())
    names = [el.text for el in feed.iter(f"{ATOM}name")]
    assert all(name and name.strip() for name in names), names


def test_params_are_escaped_once(make_site):
    root = make_site({"content/posts/x.md": post("X")},
                     site_yaml=BASE + "params:\n  date_format: '%d <%m> & %Y'\n")
    build(root)
    html = (root / "public/posts/x/index.html").read_text()
    assert "14 &lt;05&gt; &amp; 2024" in html, [line for line in html.splitlines() if "2024" in line][:5]
    times = [text_of(t) for t in parse_html(root / "public/posts/x/index.html").iter("time")]
    assert "14 <05> & 2024" in times
