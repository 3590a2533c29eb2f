"""Whole-site builds: a small site served from https://example.org/blog/, checked through its HTML and XML."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from support.html import (
    ATOM, find_all, find_by_id, find_one, has_class, iter_links, meta_content, output_file_for, parse_html, parse_xml, SITEMAP, text_of,
)
from support.run import run_chalk
from support.sites import all_files, BASE_PATH, BASE_URL, build, page, post, write_files

EVIL_TITLE = '<script>alert(1)</script> & "quotes"'
EVIL_SUMMARY = "A <b>bold</b> & 'quoted' summary"
EVIL_TAG = "x<y>"

SITE_YAML = """\
title: Test site
description: A site for tests.
author: Tester
base_url: https://example.org/blog/
posts_per_page: 1
menu:
  - {title: About, url: /about/}
"""

FIRST_BODY = """\
An opening paragraph that becomes the summary.[^1]

## Why it matters

Some text with a [link to the about page](/blog/about/) and [an anchor](#how-it-works).

### A detail

```python title="train.py" linenums="1" hl_lines="2"
import torch
x = torch.zeros(3)
```

## How it works

!!! warning "Careful"
    Mind the gap.

```diagram
id: filled
caption: A drawn diagram
alt: Boxes and arrows.
```

```diagram
id: pending
caption: Not drawn yet
alt: Something to come.
```

[^1]: A footnote.
"""

CUSTOM_TEMPLATE = """\
{% extends "base.html" %}
{% block content %}
<article class="custom">
  <h1>{{ page.title }}</h1>
  <p class="mood">Mood: {{ page.extra.mood }}</p>
  <p class="sponsor">{{ page.extra.sponsor.name }} #{{ page.extra.sponsor.part }}</p>
  {{ page.content }}
</article>
{% endblock %}
"""

FILES = {
    "site.yaml": SITE_YAML,
    "content/posts/first.md": post("First post", "2024-01-10", FIRST_BODY, tags=["gan", "Machine Learning"]),
    "content/posts/evil.md": post(EVIL_TITLE, "2024-03-01", "Body of the evil post.\n\n## One\n\n## Two\n",
                                  summary=EVIL_SUMMARY, tags=[EVIL_TAG, "gan"]),
    "content/posts/custom.md": (
        '---\ntitle: Custom\ndate: 2023-06-01\ntemplate: custom.html\nmood: curious\n'
        'sponsor: {name: GANs, part: 2}\n---\nCustom body.\n'),
    "content/posts/secret.md": post("Secret draft", "2024-02-01", "Not yet.\n", draft=True, tags=["hidden"]),
    "content/about.md": page("About", "About this site.\n"),
    "templates/custom.html": CUSTOM_TEMPLATE,
    "static/files/data.csv": "a,b\n1,2\n",
    "static/diagrams/filled.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"></svg>\n',
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site built once for this module: (root, output folder, BuildResult)."""
    root = write_files(tmp_path_factory.mktemp("site") / "site", FILES)
    result = build(root)
    return root, root / "public", result


@pytest.fixture(scope="module")
def out(built) -> Path:
    return built[1]


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


# --------------------------------------------------------------------------- files and links

def test_expected_files_exist(out):
    files = set(all_files(out))
    expected = {
        "index.html", "page/2/index.html", "page/3/index.html", "404.html", "feed.xml", "sitemap.xml",
        "robots.txt", "archive/index.html", "tags/index.html", "tags/gan/index.html",
        "tags/machine-learning/index.html", "tags/xy/index.html", "posts/first/index.html",
        "posts/evil/index.html", "posts/custom/index.html", "about/index.html", "css/pygments.css",
        "css/chalk.css", "files/data.csv", "diagrams/filled.svg",
    }
    assert expected <= files, expected - files
    assert "page/4/index.html" not in files


def test_static_files_are_copied_byte_for_byte(built):
    root, out, _ = built
    assert (out / "files/data.csv").read_bytes() == (root / "static/files/data.csv").read_bytes()
    assert (out / "diagrams/filled.svg").read_bytes() == (root / "static/diagrams/filled.svg").read_bytes()


def test_every_internal_link_has_the_base_path_and_exists(out):
    checked = 0
    for path in html_pages(out):
        root = parse_html(path)
        for tag, attribute, url in iter_links(root):
            if url.startswith("#"):
                assert find_by_id(root, url[1:]) is not None, f"{path}: {url} has no target"
                continue
            if url.startswith(("mailto:", "data:")):
                continue
            if url.startswith(("http://", "https://")):
                if not url.startswith("https://example.org/"):
                    continue  # external
                assert url.startswith(BASE_URL), f"{path}: {url}"
            else:
                assert url.startswith(BASE_PATH), f"{path}: <{tag} {attribute}={url!r}> lacks the base path"
            target = output_file_for(out, url)
            assert target is not None and target.is_file(), f"{path}: {url} points to no file"
            checked += 1
    assert checked > 50


def test_links_into_other_pages_with_fragments_resolve(out):
    for path in html_pages(out):
        for _, _, url in iter_links(parse_html(path)):
            if url.startswith(BASE_PATH) and "#" in url:
                target = output_file_for(out, url)
                assert find_by_id(parse_html(target), url.split("#", 1)[1]) is not None, url


# --------------------------------------------------------------------------- the article page

def test_article_structure(out):
    root = parse_html(out / "posts/first/index.html")
    [h1] = find_all(root, "h1")
    assert text_of(h1) == "First post"
    assert root.get("lang") == "en"
    assert text_of(find_one(root, "title")) == "First post — Test site"
    article = find_one(root, "article")
    assert find_all(article, "h2") and find_all(article, "h3")
    assert find_all(root, "time")


def test_toc_links_to_existing_heading_ids(out):
    root = parse_html(out / "posts/first/index.html")
    toc = find_one(root, "nav", cls="toc")
    links = find_all(toc, "a")
    assert [text_of(a) for a in links] == ["Why it matters", "A detail", "How it works"]
    for link in links:
        target = find_by_id(root, link.get("href").lstrip("#"))
        assert target is not None and target.tag in ("h2", "h3")


def test_head_metadata(out):
    root = parse_html(out / "posts/first/index.html")
    permalink = BASE_URL + "posts/first/"
    assert find_one(root, "link", rel="canonical").get("href") == permalink
    assert meta_content(root, "description") == "An opening paragraph that becomes the summary."
    assert meta_content(root, "og:title") == "First post"
    assert meta_content(root, "og:url") == permalink
    assert meta_content(root, "og:type") == "article"
    assert meta_content(root, "og:description") == "An opening paragraph that becomes the summary."
    assert meta_content(root, "og:site_name") == "Test site"
    assert meta_content(root, "twitter:card") in ("summary", "summary_large_image")
    assert meta_content(root, "twitter:title") == "First post"
    assert meta_content(root, "article:published_time").startswith("2024-01-10T00:00:00")
    feed = find_one(root, "link", rel="alternate", type="application/atom+xml")
    assert feed.get("href") == BASE_PATH + "feed.xml"


def test_article_content_html(out):
    root = parse_html(out / "posts/first/index.html")
    block = find_one(find_one(root, "div", cls="prose"), "div", cls="highlight")
    assert text_of(find_one(block, "span", cls="filename")) == "train.py"
    assert find_all(block, "span", cls="hll")
    assert find_all(block, "span", cls="kn")
    assert "Mind the gap." in text_of(find_one(root, "div", cls="admonition"))
    assert has_class(find_one(root, "div", cls="admonition"), "warning")
    assert find_one(root, "sup", id="fnref:1") is not None
    assert find_one(root, "div", cls="footnote") is not None
    filled = find_one(root, "figure", id="filled")
    img = find_one(filled, "img")
    assert img.get("src") == BASE_PATH + "diagrams/filled.svg"
    assert (img.get("width"), img.get("height")) == ("640", "360")
    assert img.get("loading") is None and img.get("fetchpriority") == "high"  # the page's first image: eager
    assert img.get("alt") == "Boxes and arrows."
    pending = find_one(root, "figure", id="pending")
    assert has_class(pending, "diagram--pending")
    box = find_one(pending, "div", cls="diagram-placeholder")
    assert box.get("role") == "img" and "Something to come." in box.get("aria-label")
    assert text_of(find_one(pending, "figcaption")).endswith("Not drawn yet")  # may be numbered "Figure 2: ..."


def test_prev_next_links_between_posts(out):
    first = parse_html(out / "posts/first/index.html")
    hrefs = {a.get("href") for a in find_all(first, "a")}
    assert BASE_PATH + "posts/custom/" in hrefs  # older
    assert BASE_PATH + "posts/evil/" in hrefs  # newer


# --------------------------------------------------------------------------- escaping front matter

def test_title_is_escaped_in_the_page(out):
    raw = (out / "posts/evil/index.html").read_text()
    assert "<script>alert(1)</script>" not in raw
    root = parse_html(out / "posts/evil/index.html")
    assert text_of(find_one(root, "h1")) == EVIL_TITLE
    assert text_of(find_one(root, "title")) == f"{EVIL_TITLE} — Test site"
    assert meta_content(root, "og:title") == EVIL_TITLE
    assert meta_content(root, "twitter:title") == EVIL_TITLE
    assert meta_content(root, "description") == EVIL_SUMMARY
    assert meta_content(root, "og:description") == EVIL_SUMMARY
    for script in find_all(root, "script"):
        # only the theme's own scripts: external files and inert JSON-LD
        assert script.get("src") or script.get("type") == "application/ld+json", script.attrib
        if script.get("type") == "application/ld+json":
            assert "</script" not in (script.text or "").lower()
            assert json.loads(script.text)["headline"] == EVIL_TITLE
    assert find_all(root, "b") == []
    tag_link = [a for a in find_all(root, "a", cls="tag") if text_of(a) == EVIL_TAG]
    assert tag_link and tag_link[0].get("href") == BASE_PATH + "tags/xy/"


@pytest.mark.parametrize("listing", ["index.html", "archive/index.html", "tags/gan/index.html", "tags/xy/index.html"])
def test_title_is_escaped_in_listings(out, listing):
    path = out / listing
    if listing == "index.html":
        path = next(p for p in [out / "index.html", out / "page/2/index.html", out / "page/3/index.html"]
                    if "evil" in p.read_text())
    assert "<script>alert" not in path.read_text()
    root = parse_html(path)
    assert [s for s in find_all(root, "script") if not (s.get("src") or s.get("type") == "application/ld+json")] == []
    assert any(text_of(a) == EVIL_TITLE for a in find_all(root, "a"))


def test_tag_name_is_escaped_on_its_page(out):
    root = parse_html(out / "tags/xy/index.html")
    assert text_of(find_one(root, "h1")) == EVIL_TAG
    assert find_all(root, "y") == []


def test_feed_round_trips_escaped_text(out):
    raw = (out / "feed.xml").read_bytes()
    assert b"<script>" not in raw
    feed = parse_xml(out / "feed.xml")
    entry = next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith("/posts/evil/"))
    assert entry.findtext(f"{ATOM}title") == EVIL_TITLE
    assert entry.findtext(f"{ATOM}summary") == EVIL_SUMMARY
    labels = {c.get("label") for c in entry.iter(f"{ATOM}category")}
    assert EVIL_TAG in labels
    content = entry.findtext(f"{ATOM}content")
    assert "<p>Body of the evil post.</p>" in content  # HTML content, escaped once in the XML


def test_sitemap_round_trips_and_is_absolute(out):
    sitemap = parse_xml(out / "sitemap.xml")
    assert sitemap.tag == f"{SITEMAP}urlset"
    locs = [u.findtext(f"{SITEMAP}loc") for u in sitemap.iter(f"{SITEMAP}url")]
    assert locs and all(loc.startswith(BASE_URL) for loc in locs)
    for loc in locs:
        assert output_file_for(out, loc).is_file(), loc
    for expected in ("posts/first/", "posts/evil/", "posts/custom/", "about/", "tags/gan/", "archive/"):
        assert BASE_URL + expected in locs
    assert BASE_URL + "posts/secret/" not in locs
    assert all(u.findtext(f"{SITEMAP}lastmod") for u in sitemap.iter(f"{SITEMAP}url"))


# --------------------------------------------------------------------------- feed, robots, 404

def test_atom_feed_structure(out):
    feed = parse_xml(out / "feed.xml")
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == BASE_URL
    assert feed.findtext(f"{ATOM}title") == "Test site"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)", feed.findtext(f"{ATOM}updated"))
    assert feed.findtext(f"{ATOM}updated").startswith("2024-03-01")
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == BASE_URL + "feed.xml" and links["alternate"] == BASE_URL
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Tester"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [EVIL_TITLE, "First post", "Custom"]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith(BASE_URL)
        link = entry.find(f"{ATOM}link")
        assert link.get("href").startswith(BASE_URL + "posts/")
        assert output_file_for(out, link.get("href")).is_file()
        assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")
        assert entry.find(f"{ATOM}content").get("type") == "html"


def test_robots_txt_points_to_absolute_sitemap(out):
    text = (out / "robots.txt").read_text()
    assert "User-agent: *" in text
    assert f"Sitemap: {BASE_URL}sitemap.xml" in text


def test_404_page(out):
    root = parse_html(out / "404.html")
    assert meta_content(root, "robots") == "noindex"
    hrefs = [a.get("href") for a in find_all(root, "a")]
    assert BASE_PATH in hrefs
    for _, _, url in iter_links(root):
        assert url.startswith((BASE_PATH, "#", "https://")), url  # served at any depth: no relative links


# --------------------------------------------------------------------------- listings

def test_pagination_with_one_post_per_page(out):
    pages = [out / "index.html", out / "page/2/index.html", out / "page/3/index.html"]
    titles = []
    for path in pages:
        root = parse_html(path)
        titles.append([text_of(h) for h in find_all(root, cls="post-item__title")])
    assert titles == [[EVIL_TITLE], ["First post"], ["Custom"]]
    second = parse_html(out / "page/2/index.html")
    assert find_one(second, "link", rel="prev").get("href") == BASE_PATH
    assert find_one(second, "link", rel="next").get("href") == BASE_PATH + "page/3/"
    assert find_one(second, "link", rel="canonical").get("href") == BASE_URL + "page/2/"
    assert "Page 2" in text_of(find_one(second, "title"))


def test_tags_pages(out):
    index = parse_html(out / "tags/index.html")
    hrefs = {a.get("href") for a in find_all(index, "a", cls="tag-index__link")}
    assert hrefs == {BASE_PATH + "tags/gan/", BASE_PATH + "tags/machine-learning/", BASE_PATH + "tags/xy/"}
    gan = parse_html(out / "tags/gan/index.html")
    assert [text_of(h) for h in find_all(gan, cls="post-item__title")] == [EVIL_TITLE, "First post"]


def test_archive_groups_by_year(out):
    root = parse_html(out / "archive/index.html")
    years = find_all(root, "section", cls="archive-year")
    assert [text_of(find_one(s, "h2")).split()[0] for s in years] == ["2024", "2023"]
    assert [text_of(a) for a in find_all(years[0], "a")] == [EVIL_TITLE, "First post"]
    assert [a.get("href") for a in find_all(years[1], "a")] == [BASE_PATH + "posts/custom/"]


# --------------------------------------------------------------------------- drafts

def test_drafts_are_excluded_everywhere(out):
    assert not (out / "posts/secret").exists()
    assert not (out / "tags/hidden").exists()
    for path in out.rglob("*"):
        if path.suffix in (".html", ".xml"):
            assert "Secret draft" not in path.read_text(), path


def test_drafts_build_with_flag(built, tmp_path):
    root, _, _ = built
    result = build(root, drafts=True, output=tmp_path / "preview")
    out = tmp_path / "preview"
    assert result.output == out.resolve()
    draft = parse_html(out / "posts/secret/index.html")
    assert text_of(find_one(draft, "h1")) == "Secret draft"
    assert meta_content(draft, "robots") == "noindex"
    assert (out / "tags/hidden/index.html").is_file()


# --------------------------------------------------------------------------- assets

def test_pygments_css_has_light_and_dark_styles(out):
    css = (out / "css/pygments.css").read_text()
    assert ".highlight" in css
    light, _, dark = css.partition("@media (prefers-color-scheme: dark)")
    assert dark, "no dark block"
    assert ".highlight .k" in light and ".highlight .k" in dark


def test_asset_urls_carry_content_hashes(out):
    root = parse_html(out / "posts/first/index.html")
    stylesheets = [link.get("href") for link in find_all(root, "link", rel="stylesheet")]
    scripts = [s.get("src") for s in find_all(root, "script") if s.get("src")]
    assert stylesheets
    for url in [*stylesheets, *scripts]:
        match = re.fullmatch(r"/blog/(?P<path>[^?]+)\?v=(?P<hash>[0-9a-f]{8,})", url)
        assert match, url
        data = (out / match["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest().startswith(match["hash"]), url


# --------------------------------------------------------------------------- extra front matter

def test_unknown_front_matter_warns_and_reaches_templates(built):
    _, out, result = built
    warnings = [d.format() for d in result.diagnostics.warnings]
    assert "content/posts/custom.md:5: warning: unknown front matter field 'mood' " \
           "(available to templates as page.extra.mood)" in warnings
    assert any(w.startswith("content/posts/custom.md:6: warning: unknown front matter field 'sponsor'")
               for w in warnings)
    root = parse_html(out / "posts/custom/index.html")
    assert text_of(find_one(root, "p", cls="mood")) == "Mood: curious"
    assert text_of(find_one(root, "p", cls="sponsor")) == "GANs #2"
    assert find_one(root, "article", cls="custom") is not None


# --------------------------------------------------------------------------- --strict and diagram slots

STRICT_POST = post("Slotted", "2024-05-14", "Intro.\n\n```diagram\nid: pipeline\ncaption: The pipeline\n"
                                            "alt: Files flow into pages.\n```\n")


def test_strict_fails_while_a_slot_awaits_its_drawing_and_passes_once_drawn(make_site):
    root = make_site({"content/posts/x.md": STRICT_POST})
    code, stdout, stderr = run_chalk("build", cwd=root)
    assert code == 0, stderr
    assert "content/posts/x.md:8 pipeline" in stdout  # the slot report names file:line

    code, stdout, stderr = run_chalk("build", "--strict", cwd=root)
    assert code == 1
    assert "content/posts/x.md:8: diagram 'pipeline' awaits a drawing" in stderr

    write_files(root, {"static/diagrams/pipeline.svg":
                       '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"><rect width="8" height="8"/></svg>'},
                site_yaml=None)
    code, stdout, stderr = run_chalk("build", "--strict", cwd=root)
    assert code == 0, stderr
    figure = find_one(parse_html(root / "public/posts/x/index.html"), "figure", id="pipeline")
    img = find_one(figure, "img")
    assert img.get("src") == "/blog/diagrams/pipeline.svg"
    assert (img.get("width"), img.get("height")) == ("800", "450")
    assert img.get("loading") is None and img.get("fetchpriority") == "high"  # the page's first image: eager
    assert img.get("alt") == "Files flow into pages."
    assert (root / "public/diagrams/pipeline.svg").is_file()


# --------------------------------------------------------------------------- the theme contract

CONTRACT_POST = """\
<!doctype html>
<html><head><title>{{ page.title }}</title></head><body>
<dl>
<dd id="kind">{{ page.kind }}</dd>
<dd id="title">{{ page.title }}</dd>
<dd id="slug">{{ page.slug }}</dd>
<dd id="url">{{ page.url }}</dd>
<dd id="permalink">{{ page.permalink }}</dd>
<dd id="date">{{ page.date|isodate }}</dd>
<dd id="date-fmt">{{ page.date|date("%Y/%m/%d") }}</dd>
<dd id="updated">{{ page.updated|isodate }}</dd>
<dd id="summary">{{ page.summary }}</dd>
<dd id="toc">{% for e in page.toc %}{{ e.id }}:{{ e.level }}:{{ e.title }}:{{ e.children|length }};{% endfor %}</dd>
<dd id="show-toc">{{ page.show_toc }}</dd>
<dd id="tags">{% for t in page.tags %}{{ t.name }}|{{ t.slug }}|{{ t.url }}|{{ t.permalink }}|{{ t.posts|length }};{% endfor %}</dd>
<dd id="author">{{ page.author }}</dd>
<dd id="draft">{{ page.draft }}</dd>
<dd id="words">{{ page.word_count }}</dd>
<dd id="reading">{{ page.reading_time }}</dd>
<dd id="extra">{{ page.extra.get('mood', '-') }}</dd>
<dd id="prev">{{ page.prev.title if page.prev else "none" }}</dd>
<dd id="next">{{ page.next.title if page.next else "none" }}</dd>
<dd id="diagrams">{% for d in page.diagrams %}{{ d.id }}|{{ d.caption }}|{{ d.alt }}|{{ d.image_url }}|{{ d.line }};{% endfor %}</dd>
<dd id="site">{{ site.title }}|{{ site.description }}|{{ site.author }}|{{ site.language }}|{{ site.base_url }}|{{ site.base_path }}</dd>
<dd id="menu">{% for m in site.menu %}{{ m.title }}={{ m.url }};{% endfor %}</dd>
<dd id="counts">{{ site.posts|length }}|{{ site.pages|length }}|{{ site.tags|length }}|{{ site.years|map(attribute='year')|join(',') }}</dd>
<dd id="params">{{ site.params.color }}</dd>
<dd id="build-date">{{ site.build_date|isodate }}</dd>
<dd id="generator">{{ site.generator }}</dd>
<dd id="url-for">{{ url_for('css/chalk.css') }}|{{ url_for('/') }}</dd>
<dd id="absolute-url">{{ absolute_url('feed.xml') }}</dd>
<dd id="asset-url">{{ asset_url('css/pygments.css') }}</dd>
<dd id="serve">{{ serve }}</dd>
</dl>
<div id="content">{{ page.content }}</div>
</body></html>
"""

CONTRACT_INDEX = """\
<!doctype html>
<html><head><title>{{ page.title }}</title></head><body>
<p id="listing">{{ page.kind }}|{{ page.title }}|{{ page.url }}|{{ page.permalink }}|{{ page.summary }}</p>
<p id="paginator">{{ paginator.number }}|{{ paginator.total }}|{{ paginator.prev_url }}|{{ paginator.next_url }}|{{ paginator.first_url }}|{% for p in paginator.items %}{{ p.title }};{% endfor %}</p>
</body></html>
"""

CONTRACT_TAG = """\
<!doctype html>
<html><head><title>{{ page.title }}</title></head><body>
<p id="tag">{{ page.kind }}|{{ tag.name }}|{{ tag.slug }}|{{ tag.url }}|{% for p in tag.posts %}{{ p.title }};{% endfor %}</p>
</body></html>
"""


@pytest.fixture(scope="module")
def contract_site(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("contract") / "site", {
        "site.yaml": SITE_YAML.replace("posts_per_page: 1", "posts_per_page: 2")
                     + "language: en-GB\nparams: {color: teal}\n",
        "templates/post.html": CONTRACT_POST,
        "templates/index.html": CONTRACT_INDEX,
        "templates/tag.html": CONTRACT_TAG,
        "content/posts/old.md": post("Old", "2023-12-31", "Old one.\n", tags=["ml"]),
        "content/posts/mid.md": post("Mid", "2024-02-02T10:00:00+01:00",
                                     "The *first* paragraph.\n\n## Alpha\n\n### Beta\n\n## Gamma\n\n"
                                     "```diagram\nid: flow\ncaption: The flow\nalt: It flows.\n```\n",
                                     updated="2024-03-03", tags=["ml", "Deep Learning"], author="Ada",
                                     mood="calm"),
        "content/posts/new.md": post("New", "2024-04-04", "Newest.\n"),
        "content/about.md": page("About", "About.\n"),
    })
    build(root)
    return root / "public"


def dd(root, name: str) -> str:
    return text_of(find_one(root, id=name))


def test_theme_contract_post_context(contract_site):
    root = parse_html(contract_site / "posts/mid/index.html")
    assert dd(root, "kind") == "post"
    assert dd(root, "title") == "Mid" and dd(root, "slug") == "mid"
    assert dd(root, "url") == "/blog/posts/mid/"
    assert dd(root, "permalink") == "https://example.org/blog/posts/mid/"
    assert dd(root, "date") == "2024-02-02T10:00:00+01:00"
    assert dd(root, "date-fmt") == "2024/02/02"
    assert dd(root, "updated") == "2024-03-03T00:00:00+00:00"
    assert dd(root, "summary") == "The first paragraph."
    assert dd(root, "toc") == "alpha:2:Alpha:1;gamma:2:Gamma:0;"
    assert dd(root, "show-toc") == "True"
    assert dd(root, "tags") == ("ml|ml|/blog/tags/ml/|https://example.org/blog/tags/ml/|2;"
                                "Deep Learning|deep-learning|/blog/tags/deep-learning/|"
                                "https://example.org/blog/tags/deep-learning/|1;")
    assert dd(root, "author") == "Ada" and dd(root, "draft") == "False"
    assert int(dd(root, "words")) >= 5 and dd(root, "reading") == "1"
    assert dd(root, "extra") == "calm"
    assert dd(root, "prev") == "Old" and dd(root, "next") == "New"
    assert dd(root, "diagrams") == "flow|The flow|It flows.|None|18;"
    assert dd(root, "site") == "Test site|A site for tests.|Tester|en-GB|https://example.org/blog/|/blog/"
    assert dd(root, "menu") == "About=/blog/about/;"
    assert dd(root, "counts") == "3|1|2|2024,2023"
    assert dd(root, "params") == "teal"
    assert dd(root, "build-date") == "2024-04-04T00:00:00+00:00"
    assert dd(root, "generator").startswith("chalk ")
    assert dd(root, "url-for") == "/blog/css/chalk.css|/blog/"
    assert dd(root, "absolute-url") == "https://example.org/blog/feed.xml"
    assert re.fullmatch(r"/blog/css/pygments\.css\?v=[0-9a-f]{8,}", dd(root, "asset-url"))
    assert dd(root, "serve") == "False"
    content = find_one(root, id="content")
    assert find_one(content, "h2", id="alpha") is not None  # content is HTML, not escaped text
    assert find_one(content, "figure", id="flow") is not None


def test_theme_contract_paginator_and_listing(contract_site):
    first = parse_html(contract_site / "index.html")
    assert text_of(find_one(first, id="listing")) == (
        "index|Test site|/blog/|https://example.org/blog/|A site for tests.")
    assert text_of(find_one(first, id="paginator")) == "1|2|None|/blog/page/2/|/blog/|New;Mid;"
    second = parse_html(contract_site / "page/2/index.html")
    assert text_of(find_one(second, id="paginator")) == "2|2|/blog/|None|/blog/|Old;"


def test_theme_contract_tag_context(contract_site):
    root = parse_html(contract_site / "tags/ml/index.html")
    assert text_of(find_one(root, id="tag")) == "tag|ml|ml|/blog/tags/ml/|Mid;Old;"
