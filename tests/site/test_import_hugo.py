"""chalk import of a Hugo site (written here, not copied from any blog): import, build, read the HTML."""

from __future__ import annotations

import pytest

from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.sites import build, snapshot_tree, write_files
from support.pictures import png_bytes

MATH = "{http://www.w3.org/1998/Math/MathML}math"

HUGO = {
    "hugo.toml": """\
baseURL = "https://hugo.example.org/"
title = "Hugo Notes"
languageCode = "en-us"
paginate = 5

[params]
description = "Notes."
author = "Bo"

[permalinks]
posts = "/:year/:month/:slug/"
""",
    "content/posts/first.md": """\
+++
title = "First"
date = 2021-03-04T10:00:00Z
tags = ["go", "notes"]
aliases = ["/old/first/"]
math = true
+++

Text with $a\\_1 + b\\_2$ in it, and \\\\(c\\_3\\\\) too; costs $5 and $10.

{{< highlight go "linenos=table,hl_lines=2" >}}
// a comment
func main() { x := a * b * c }
{{< /highlight >}}

{{< figure src="/images/plot.png" caption="A plot of the loss" >}}

See [the bundle post]({{< ref "bundle" >}}) and [its part]({{< relref "posts/bundle/index.md#details" >}}).

{{< youtube dQw4w9WgXcQ >}}

{{< gist ada 123abc >}}

{{< notice warning >}}
Careful **here**.
{{< /notice >}}

{{< columns >}}
Left *side*.
{{< /columns >}}

Escaped: `{{</* figure src="x.png" */>}}`

## Go & Rust: a comparison
""",
    "content/posts/bundle/index.md": """\
---
title: Bundle
date: 2021-04-01
slug: bundled
description: A post with its own files.
---

![A diagram of the thing](diagram.png)

## Details
""",
    "content/posts/bundle/diagram.png": png_bytes(4, 3),
    "content/posts/_index.md": "---\ntitle: Posts\n---\n\nAll my posts.\n",
    "content/about.md": "---\ntitle: About\ndraft: false\n---\n\nAbout me.\n",
    "content/images/x.png": png_bytes(2, 2),
    "static/images/plot.png": png_bytes(5, 4),
    "layouts/shortcodes/notice.html": "<div>{{ .Inner }}</div>\n",
    "themes/paper/theme.toml": "name = 'paper'\n",
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("hugo")
    src = write_files(root / "old", HUGO, site_yaml=None)
    before = snapshot_tree(src)
    from chalk.importer import import_site

    report = import_site(src, root / "new")
    assert snapshot_tree(src) == before, "chalk import changed SRC"
    return root / "new", report, build(root / "new")


def article_of(result, path: str):
    return find_one(parse_html(result.output / path), "article")


def test_site_yaml_and_front_matter(imported):
    dest, _, result = imported
    config = result.site.config
    assert (config.title, config.base_url, config.description, config.author, config.language,
            config.posts_per_page) == ("Hugo Notes", "https://hugo.example.org/", "Notes.", "Bo", "en-us", 5)
    text = (dest / "content/posts/first.md").read_text()
    assert text.startswith("---\ntitle: First\ndate: 2021-03-04 10:00:00+00:00\ntags: [go, notes]\n")
    assert "math" not in text.split("---")[1]
    bundle = (dest / "content/posts/bundle.md").read_text()
    assert "summary: A post with its own files." in bundle and "slug: bundled" in bundle


def test_highlight_shortcode_becomes_a_fence(imported):
    dest, _, result = imported
    assert '```go linenums="1" hl_lines="2"\n// a comment\nfunc main() { x := a * b * c }\n```' in \
        (dest / "content/posts/first.md").read_text()
    article = article_of(result, "posts/first/index.html")
    [pre] = [p for p in find_all(article, "pre") if "a comment" in text_of(p)]
    assert not find_all(pre, "em") and find_all(pre, cls="hll")


def test_figure_ref_video_gist(imported):
    _, _, result = imported
    article = article_of(result, "posts/first/index.html")
    figure = next(f for f in find_all(article, "figure") if find_all(f, "img"))
    assert find_one(figure, "img").get("src") == "../../images/plot.png"
    assert find_one(figure, "img").get("alt") == "A plot of the loss"
    assert "A plot of the loss" in text_of(find_one(figure, "figcaption"))
    hrefs = {text_of(a): a.get("href") for a in find_all(article, "a")}
    assert hrefs["the bundle post"] == "/posts/bundled/"
    assert hrefs["its part"] == "/posts/bundled/#details"
    assert hrefs["Gist ada/123abc"] == "https://gist.github.com/ada/123abc"
    frame = find_one(article, "iframe")
    assert frame.get("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" and frame.get("title")


def test_unknown_shortcodes_stay_with_their_content_and_are_reported(imported):
    dest, report, result = imported
    article = article_of(result, "posts/first/index.html")
    callout = find_one(article, cls="admonition")
    assert "warning" in callout.get("class") and "Careful here." in text_of(callout) and find_all(callout, "strong")
    assert "Left side." in text_of(article) and find_all(article, "em")
    text = (dest / "content/posts/first.md").read_text().split("\n")
    line = next(i for i, t in enumerate(text, start=1) if "{{< columns >}}" in t)
    assert f"content/posts/first.md:{line}: {{{{< columns >}}}} (shortcode 'columns' has no chalk " \
        "equivalent (its content is kept))" in report.lines()
    assert '`{{< figure src="x.png" >}}`' in "\n".join(text)  # Hugo's escape: the literal text
    assert "content/posts/_index.md: a section page's text, not imported" in "\n".join(report.lines())
    assert "folders not imported: layouts, themes" in "\n".join(report.lines())


def test_math_escapes_are_undone_as_goldmark_did(imported):
    dest, report, result = imported
    text = (dest / "content/posts/first.md").read_text()
    assert "$a_1 + b_2$" in text and "\\(c_3\\)" in text and "costs $5 and $10" in text
    assert any("5 Markdown escapes inside formulas" in line for line in report.lines())
    article = article_of(result, "posts/first/index.html")
    maths = find_all(article, MATH)
    assert len(maths) >= 1
    assert find_all(maths[0], "{http://www.w3.org/1998/Math/MathML}msub")  # a_1, not a literal "\\_1"
    assert "costs $5 and $10" in text_of(article)


def test_bundle_resources_sit_beside_the_page(imported):
    _, _, result = imported
    article = article_of(result, "posts/bundled/index.html")
    assert find_one(article, "img").get("src") == "diagram.png"
    assert (result.output / "posts/bundled/diagram.png").is_file()
    assert (result.output / "images/x.png").is_file()  # a file under content/ Hugo published as it was


def test_old_urls_redirect(imported):
    _, _, result = imported
    for old in ("old/first/index.html", "2021/03/first/index.html", "2021/04/bundled/index.html"):
        root = parse_html(result.output / old)
        assert [l.get("href") for l in find_all(root, "link") if l.get("rel") == "canonical"][0].startswith(
            "https://hugo.example.org/posts/")
    assert not (result.output / "posts/index.html").exists()


def test_heading_ids_match_goldmark(imported):
    _, _, result = imported
    article = article_of(result, "posts/first/index.html")
    assert find_by_id(article, "go--rust-a-comparison") is not None  # goldmark: "&" dropped, spaces kept


def test_summary_line(imported):
    _, report, _ = imported
    assert report.lines()[-1].startswith("Imported a Hugo site: 2 posts, 1 pages, 3 assets, 3 redirects; 3 items left")
