"""chalk import of a Jekyll site (written here, not copied from any blog): import, build, read the HTML."""

from __future__ import annotations


import pytest

from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.run import run_chalk
from support.sites import build, snapshot_tree, write_files
from support.pictures import png_bytes

JEKYLL = {
    "_config.yml": """\
title: Old Notes
description: >
  Notes on
  things.
author:
  name: Ada
url: https://ada.example.org
baseurl: /notes
permalink: /:year/:month/:day/:title.html
twitter_username: ada
kramdown:
  input: GFM
""",
    "_posts/2019-04-25-first-post.markdown": """\
---
layout: post
title: "First post"
date: 2019-04-25 10:00:00 +0200
tags: ml math
categories: notes
excerpt: The first one.
comments: true
---

Intro paragraph.

<!--more-->

{: class="table-of-content"}
* TOC
{:toc}

## Why *this* matters

## What's new?

{% highlight python linenos %}
# a comment, not a heading
x = a * b * c
{% endhighlight %}

Read [the second post]({{ site.baseurl }}{% post_url 2019-05-01-second %}) and
[its part two](/notes/2019/05/01/second.html#part-two), or
[the same](https://ada.example.org/notes/2019/05/01/second.html).

![A cat]({{ "/assets/cat.png" | relative_url }})
{: .wide}
*Fig. 1. A cat.*

{% include toc.html %}

{% raw %}Literal {{ not liquid }} here.{% endraw %}

{{ page.author }}

The formula $$ {n \\choose k} $$ stays.
""",
    "_posts/2019-05-01-second.md": """\
---
title: Second
---

## Part two

Back to [the first]({% post_url 2019-04-25-first-post %}).

## Part two

Again, see [the next part](#setup----and-run).

## Setup -- and run
""",
    "_posts/2019-06-01-hidden.md": "---\ntitle: Hidden\npublished: false\n---\n\nNot yet.\n",
    "_drafts/idea.md": "---\ntitle: An idea\n---\n\nLater.\n",
    "about.md": "---\nlayout: page\ntitle: About\npermalink: /about/\n---\n\nWho I am. ![Me](/notes/assets/cat.png)\n",
    "notes.md": "---\ntitle: Notes page\n---\n\nSome notes.\n",
    "index.html": "---\nlayout: default\n---\n{% for post in site.posts %}{{ post.title }}{% endfor %}\n",
    "assets/cat.png": png_bytes(4, 3),
    "assets/main.scss": "---\n---\n@import 'minima';\n",
    "Gemfile": "source 'https://rubygems.org'\n",
    "_layouts/post.html": "<html>{{ content }}</html>\n",
    "CNAME": "notes.ada.example.org\n",
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("jekyll")
    src = write_files(root / "old", JEKYLL, site_yaml=None)
    before = snapshot_tree(src)
    from chalk.importer import import_site

    report = import_site(src, root / "new")
    assert snapshot_tree(src) == before, "chalk import changed SRC"
    result = build(root / "new", drafts=False)
    return root / "new", report, result


def page_html(result, path: str):
    return parse_html(result.output / path)


def test_site_yaml_comes_from_the_old_config(imported):
    dest, _, result = imported
    config = result.site.config
    assert (config.title, config.description, config.author) == ("Old Notes", "Notes on things.", "Ada")
    assert config.base_url == "https://ada.example.org/notes/"
    assert "cname: notes.ada.example.org" in (dest / "site.yaml").read_text()


def test_front_matter_is_normalised(imported):
    dest, _, result = imported
    text = (dest / "content/posts/2019-04-25-first-post.md").read_text()
    front = text.split("---\n")[1]
    assert "layout" not in front and "comments" not in front
    assert "tags: [ml, math]" in front and "categories: [notes]" in front and "summary: The first one." in front
    first = next(p for p in result.site.posts if p.title == "First post")
    assert first.date.isoformat() == "2019-04-25T10:00:00+02:00"
    assert first.summary == "The first one." and first.categories == ("notes",)
    assert [t.name for t in first.tags] == ["ml", "math"]
    hidden = (dest / "content/posts/2019-06-01-hidden.md").read_text()
    assert "draft: true" in hidden and "published" not in hidden
    assert "draft: true" in (dest / "content/posts/idea.md").read_text()
    assert sorted(p.title for p in result.site.posts) == ["First post", "Second"]


def test_highlight_becomes_a_fence_whose_code_is_never_markdown(imported):
    dest, _, result = imported
    assert '```python linenums="1"\n# a comment, not a heading\nx = a * b * c\n```' in \
        (dest / "content/posts/2019-04-25-first-post.md").read_text()
    root = page_html(result, "posts/first-post/index.html")
    article = find_one(root, "article")
    assert not [h for h in find_all(article, "h1") if "comment" in text_of(h)]
    code = [pre for pre in find_all(article, "pre") if "a comment, not a heading" in text_of(pre)]
    assert len(code) == 1 and not find_all(code[0], "em")
    assert "x = a * b * c" in "".join(code[0].itertext())
    assert [n.get("data-linenos") for n in find_all(code[0], cls="linenos")] == ["1 ", "2 "]


def test_links_become_links_to_the_new_pages(imported):
    _, _, result = imported
    article = find_one(page_html(result, "posts/first-post/index.html"), "article")
    hrefs = {text_of(a): a.get("href") for a in find_all(article, "a")}
    assert hrefs["the second post"] == "/notes/posts/second/"  # {{ site.baseurl }}{% post_url %}
    assert hrefs["its part two"] == "/notes/posts/second/#part-two"  # the old URL, under baseurl
    assert hrefs["the same"] == "/notes/posts/second/"  # the old absolute URL
    second = find_one(page_html(result, "posts/second/index.html"), "article")
    assert "/notes/posts/first-post/" in [a.get("href") for a in find_all(second, "a")]


def test_assets_are_copied_and_linked_relative_to_the_page(imported):
    _, _, result = imported
    article = find_one(page_html(result, "posts/first-post/index.html"), "article")
    image = find_one(article, "img")
    assert image.get("src") == "../../assets/cat.png" and (result.output / "assets/cat.png").is_file()
    paragraph = next(p for p in find_all(article, "p") if image in list(p.iter("img")))
    assert "wide" in (paragraph.get("class") or "").split()
    caption = next(p for p in find_all(article, "p") if text_of(p) == "Fig. 1. A cat.")
    assert caption is not paragraph
    about = find_one(page_html(result, "about/index.html"), "article")
    assert find_one(about, "img").get("src") == "../assets/cat.png"


def test_kramdown_toc_is_dropped_and_heading_ids_kept(imported):
    dest, _, result = imported
    root = page_html(result, "posts/first-post/index.html")
    article = find_one(root, "article")
    assert "TOC" not in text_of(article)
    assert find_by_id(article, "why-this-matters") is not None  # kramdown's id, from "Why *this* matters"
    assert find_by_id(article, "whats-new") is not None
    second = find_one(page_html(result, "posts/second/index.html"), "article")
    assert find_by_id(second, "part-two") is not None and find_by_id(second, "part-two-1") is not None
    assert find_by_id(second, "setup----and-run") is not None  # kramdown's id; chalk's own is setup-and-run


def test_what_is_left_stays_as_a_comment_and_is_reported(imported):
    dest, report, result = imported
    lines = report.lines()
    text = (dest / "content/posts/2019-04-25-first-post.md").read_text().split("\n")
    include_line = next(i for i, line in enumerate(text, start=1) if "{% include toc.html %}" in line)
    assert text[include_line - 1].startswith("<!-- chalk import: {% include toc.html %}")
    assert f"content/posts/2019-04-25-first-post.md:{include_line}: {{% include toc.html %}} (Liquid include: " \
        "chalk has no includes; paste in what it produced)" in lines
    value_line = next(i for i, line in enumerate(text, start=1) if "{{ page.author }}" in line)
    assert any(line.startswith(f"content/posts/2019-04-25-first-post.md:{value_line}: {{{{ page.author }}}}")
               for line in lines)
    assert "index.html: dropped: a Liquid template page, not imported" in "\n".join(lines)
    assert lines[-1] == ("Imported a Jekyll site: 4 posts (2 drafts), 2 pages, 1 assets, 4 redirects; "
                         f"{len(report.left)} items left for a human, {len(report.items) - len(report.left)} dropped.")
    assert len(report.left) == 2
    assert (dest / "import-report.txt").read_text().splitlines() == lines
    article = find_one(page_html(result, "posts/first-post/index.html"), "article")
    assert "Literal {{ not liquid }} here." in text_of(article)
    assert "{n \\choose k}" in "\n".join(text)  # TeX braces are not Liquid


def test_old_urls_redirect_to_the_new_ones(imported):
    _, _, result = imported
    root = parse_html(result.output / "2019/04/25/first-post.html")
    refresh = [m.get("content") for m in find_all(root, "meta") if m.get("http-equiv") == "refresh"]
    assert refresh == ["0; url=https://ada.example.org/notes/posts/first-post/"]
    assert (result.output / "2019/05/01/second.html").is_file()
    assert (result.output / "notes.html").is_file()  # the page's old address
    assert (result.output / "about/index.html").is_file()  # permalink: kept as the page's url


def test_the_imported_site_checks_clean(imported):
    dest, _, _ = imported
    code, out, err = run_chalk("check", cwd=dest)
    assert code == 0, out + err
    assert "0 errors" in out


def test_refuses_a_destination_that_is_not_empty(tmp_path):
    src = write_files(tmp_path / "old", JEKYLL, site_yaml=None)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    code, out, err = run_chalk("import", src, tmp_path / "full", cwd=tmp_path)
    assert code == 1 and "refusing to import into" in err and "not an empty folder" in err
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    code, out, err = run_chalk("import", src, src / "inside", cwd=tmp_path)
    assert code == 1 and "inside" in err and not (src / "inside").exists()


def test_not_a_site_is_one_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, err = run_chalk("import", tmp_path / "empty", tmp_path / "new", cwd=tmp_path)
    assert code == 1 and "--from jekyll|hugo" in err and "Traceback" not in err


def test_cli_prints_the_report_and_the_summary(tmp_path):
    src = write_files(tmp_path / "old", JEKYLL, site_yaml=None)
    code, out, err = run_chalk("import", src, tmp_path / "new", "--from", "jekyll", cwd=tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[-2].startswith("Imported a Jekyll site: 4 posts")
    assert lines[-1] == f"Next: cd {tmp_path / 'new'} && chalk build"
