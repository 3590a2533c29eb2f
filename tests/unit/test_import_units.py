"""The importer's converters, one behaviour each, on small texts."""

from __future__ import annotations


import pytest

from chalk.importer import import_site
from chalk.importer.document import Document
from chalk.importer.frontmatter import normalise, parse_date, split
from chalk.importer.headings import gfm_id, kramdown_id
from chalk.importer.convert import convert_jekyll
from chalk.importer.links import Links
from chalk.importer.report import DROPPED, LEFT
from support.html import find_one, parse_html
from support.sites import build, write_files
from support.pictures import png_bytes

CAT_PNG = png_bytes(3, 3)


def jekyll(body: str) -> tuple[str, list]:
    doc = Document("_posts/2020-01-01-x.md", "content/posts/2020-01-01-x.md", "post", {}, body,
                   new_url="/posts/x/")
    text = convert_jekyll(doc, Links(), "gfm")
    return doc.finish(text, 1)


def test_mark_lines_become_hl_lines():
    text, _ = jekyll("{% highlight ruby linenos mark_lines=\"1 3\" %}\na\nb\nc\n{% endhighlight %}\n")
    assert text.startswith('```ruby linenums="1" hl_lines="1 3"\na\nb\nc\n```')


def test_a_fence_is_longer_than_any_backtick_run_in_the_code():
    text, _ = jekyll("{% highlight md %}\n```\ninner\n```\n{% endhighlight %}\n")
    assert text.startswith("````md\n```\ninner\n```\n````")


def test_highlight_in_a_list_keeps_its_indent():
    text, _ = jekyll("1. Step:\n\n    {% highlight sh %}\n    make\n    {% endhighlight %}\n")
    assert "    ```sh\n    make\n    ```" in text


def test_ial_before_a_block_is_dropped_with_a_note_and_after_a_paragraph_kept():
    text, items = jekyll("{: .note}\nA paragraph.\n{: .tip}\nNext paragraph.\n")
    assert "{: .note}" not in text and "A paragraph.\n{: .tip }\n\nNext paragraph." in text
    assert [(i.line, i.kind, i.what) for i in items] == [(1, DROPPED, "{: .note}")]


def test_heading_ial_moves_onto_the_heading():
    text, _ = jekyll("## Title\n{: #custom .big}\n\nText.\n")
    assert text.startswith("## Title {: #custom .big }")


def test_kramdown_comment_and_parse_block_html():
    text, items = jekyll('{::options parse_block_html="true" /}\n{::comment}\nsecret\n{:/comment}\n'
                         '<div class="box">\n*Markdown* inside\n</div>\n')
    assert "<!--\nsecret\n-->" in text and '<div markdown="1" class="box">' in text
    assert any(i.kind == DROPPED and "options" in i.what for i in items)


def test_unknown_liquid_is_a_comment_at_its_line():
    text, items = jekyll("One.\n\nTwo {% if x %}maybe{% endif %}.\n")
    assert text.split("\n")[2].startswith("Two <!-- chalk import: {% if x %} -->maybe")
    assert [(i.line, i.kind) for i in items] == [(3, LEFT), (3, LEFT)]


def test_comment_text_cannot_end_the_comment_early():
    text, _ = jekyll("{% include a.html x='-->' %}\n")
    assert "-->" not in text.split("<!--", 1)[1][:-4]


def test_heading_id_schemes():
    assert gfm_id("Why *this* matters?") == "why-this-matters"
    assert gfm_id("A -- B") == "a----b"
    assert kramdown_id("1. Intro & Setup") == "intro--setup"


def test_heading_gets_an_explicit_id_only_where_chalk_would_differ():
    text, _ = jekyll("## Plain heading\n\n## A -- B\n\n## Plain heading\n")
    assert text.strip().split("\n") == ["## Plain heading", "", "## A -- B {#a----b}", "", "## Plain heading {#plain-heading-1}"]


def test_front_matter_formats_and_rules():
    toml, body, line = split('+++\ntitle = "T"\ndate = 2021-03-04\ntags = "a b"\n+++\nBody\n')
    assert (toml["title"], body, line) == ("T", "Body\n", 6)
    data, _, _ = split('{"title": "J", "draft": true}\n\nBody\n')
    assert data == {"title": "J", "draft": True}
    meta, dropped = normalise({"title": "T", "layout": "post", "tags": "a b", "published": False,
                               "description": "D", "lastmod": "2020-01-02", "permalink": "/x/",
                               "redirect_from": "/old/"})
    assert meta == {"title": "T", "updated": parse_date("2020-01-02"), "summary": "D", "tags": ["a", "b"],
                    "draft": True, "url": "/x/", "aliases": ["/old/"]}
    assert dropped == ["layout"]
    assert parse_date("2019-04-25 9:05:00 +0800").isoformat() == "2019-04-25T09:05:00+08:00"


def test_a_post_with_two_old_addresses_of_the_same_new_one_is_an_error_naming_both(tmp_path):
    src = write_files(tmp_path / "old", {
        "_config.yml": "title: T\nurl: https://t.example.org\n",
        "_posts/2019-01-01-same.md": "---\ntitle: A\n---\nA\n",
        "cats/_posts/2019-02-01-same.md": "---\ntitle: B\n---\nB\n",
    }, site_yaml=None)
    import_site(src, tmp_path / "new")
    from chalk.errors import BuildError

    with pytest.raises(BuildError) as info:
        build(tmp_path / "new")
    assert any("both want the URL /posts/same/" in d.message for d in info.value.errors)


def hugo(body: str) -> tuple[str, list]:
    from chalk.importer.convert import convert_hugo

    doc = Document("content/posts/x.md", "content/posts/x.md", "post", {}, body, new_url="/posts/x/")
    return doc.finish(convert_hugo(doc, Links()), 1)


def test_theme_callouts_become_chalk_callouts():
    text, items = hugo('{{% admonition tip "Read this" %}}\nSome **text**.\n\nMore.\n{{% /admonition %}}\n'
                       "{{< hint danger >}}\nCareful.\n{{< /hint >}}\n{{< admonition type=bug >}}\nX\n{{< /admonition >}}\n")
    assert '!!! tip "Read this"\n    Some **text**.\n\n    More.' in text
    assert "!!! danger\n    Careful." in text and "!!! danger\n    X" in text
    assert not items


def test_hugo_escaped_shortcode_is_literal_and_a_multi_line_look_alike_is_not():
    text, _ = hugo("`{{</* x */>}}` and `{{%/*`\nthen `*/%}}`\n")
    assert text.startswith("`{{< x >}}` and `{{%/*`\nthen `*/%}}`")


def test_images_beside_a_jekyll_post_land_beside_its_new_page(tmp_path):
    src = write_files(tmp_path / "old", {
        "_config.yml": "title: T\nurl: https://t.example.org\n",
        "_posts/2019-01-01-cats/2019-01-01-cats.md": "---\ntitle: Cats\n---\n\n![A cat](cat.png)\n",
        "_posts/2019-01-01-cats/cat.png": CAT_PNG,
        "_posts/shared.png": png_bytes(2, 2),
        "_posts/2019-02-01-a.md": "---\ntitle: A\n---\nA\n",
        "_posts/2019-03-01-b.md": "---\ntitle: B\n---\nB\n",
    }, site_yaml=None)
    report = import_site(src, tmp_path / "new")
    result = build(tmp_path / "new")
    article = find_one(parse_html(result.output / "posts/cats/index.html"), "article")
    assert find_one(article, "img").get("src") == "cat.png"
    assert (result.output / "posts/cats/cat.png").read_bytes() == CAT_PNG
    assert any(i.path == "_posts/shared.png" and i.kind == DROPPED for i in report.items)


def test_a_url_outside_the_site_is_left_out_and_reported(tmp_path):
    src = write_files(tmp_path / "old", {
        "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n',
        "content/posts/x.md": '---\ntitle: X\ndate: 2020-01-01\nurl: "/../../etc/x/"\n---\nText\n',
    }, site_yaml=None)
    report = import_site(src, tmp_path / "new")
    assert any(i.path == "content/posts/x.md" and i.what == "url: /../../etc/x/" for i in report.items)
    assert "url:" not in (tmp_path / "new/content/posts/x.md").read_text()
    assert not (tmp_path / "etc").exists()


def test_jekyll_excerpt_separator_becomes_more(tmp_path):
    src = write_files(tmp_path / "old", {
        "_config.yml": "title: T\nurl: https://t.example.org\nexcerpt_separator: <!--cut-->\n",
        "_posts/2019-01-01-a.md": "---\ntitle: A\n---\n\nFirst.\n\nSecond.\n\n<!--cut-->\n\nRest.\n",
    }, site_yaml=None)
    import_site(src, tmp_path / "new")
    assert build(tmp_path / "new").site.posts[0].summary == "First. Second."
