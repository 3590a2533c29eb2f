"""Jekyll's and Hugo's conventions in chalk itself: .markdown files, dates in file names,
published: false, tag strings, categories, excerpt and <!--more-->, url/permalink, aliases,
and the one warning about unused files under content/."""

from __future__ import annotations


from support.html import find_all, find_one, output_file_for, parse_html, text_of
from support.sites import build, build_errors, page, post


def html_of(result, url: str):
    path = output_file_for(result.output, url)
    assert path is not None and path.is_file(), f"{url} was not written"
    return parse_html(path)


def test_markdown_suffix_is_content_and_date_comes_from_the_file_name(make_site):
    site = make_site({
        "content/posts/2019-04-25-recipe.markdown": "---\ntitle: A recipe\n---\n\nBody text.\n",
        "content/about.markdown": page("About"),
    })
    result = build(site)
    post_page = next(p for p in result.site.posts)
    assert post_page.slug == "recipe" and post_page.url == "/blog/posts/recipe/"
    assert post_page.date.date().isoformat() == "2019-04-25"
    root = html_of(result, "/blog/posts/recipe/")
    assert "Body text." in text_of(find_one(root, "article"))
    assert html_of(result, "/blog/about/") is not None
    assert not result.diagnostics.items


def test_front_matter_date_wins_over_the_file_name(make_site):
    site = make_site({"content/posts/2019-04-25-x.md": post("X", date="2020-01-02")})
    page_ = build(site).site.posts[0]
    assert page_.date.date().isoformat() == "2020-01-02" and page_.slug == "x"


def test_a_post_without_any_date_names_both_ways_to_give_one(make_site):
    site = make_site({"content/posts/x.md": "---\ntitle: X\n---\n\nText.\n"})
    [line] = build_errors(site)
    assert line.startswith("content/posts/x.md:2: date: required for posts")
    assert "2024-05-14-title.md" in line


def test_published_false_is_a_draft(make_site):
    site = make_site({"content/posts/a.md": post("Hidden", published=False),
                      "content/posts/b.md": post("Shown", published=True)})
    result = build(site)
    assert [p.title for p in result.site.posts] == ["Shown"]
    assert not (result.output / "posts/a/index.html").exists()
    with_drafts = build(site, drafts=True, output=site.parent / "with-drafts").site.posts
    assert sorted((p.title, p.draft) for p in with_drafts) == [("Hidden", True), ("Shown", False)]


def test_space_separated_tags_and_categories_are_lists(make_site):
    site = make_site({"content/posts/a.md": post("A", tags="deep-learning math rl", categories="ml notes")})
    result = build(site)
    article = result.site.posts[0]
    assert [t.name for t in article.tags] == ["deep-learning", "math", "rl"]
    assert article.categories == ("ml", "notes")
    assert html_of(result, "/blog/tags/rl/") is not None
    assert "categories" not in article.extra and not result.diagnostics.warnings


def test_excerpt_is_the_summary(make_site):
    site = make_site({"content/posts/a.md": post("A", excerpt="The short story.", body="First paragraph.\n")})
    result = build(site)
    assert result.site.posts[0].summary == "The short story."
    root = html_of(result, "/blog/posts/a/")
    assert any(m.get("content") == "The short story." for m in find_all(root, "meta"))


def test_more_divider_ends_the_summary(make_site):
    body = "## Intro\n\nFirst paragraph.\n\nSecond *paragraph*.\n\n<!--more-->\n\nThe rest.\n"
    site = make_site({"content/posts/a.md": post("A", body=body)})
    summary = build(site).site.posts[0].summary
    assert summary == "Intro First paragraph. Second paragraph."


def test_summary_field_wins_over_excerpt_and_more(make_site):
    site = make_site({"content/posts/a.md": post("A", summary="Mine.", excerpt="Theirs.",
                                                  body="One.\n\n<!-- more -->\n\nTwo.\n")})
    assert build(site).site.posts[0].summary == "Mine."


def test_url_and_permalink_set_the_address(make_site):
    site = make_site({
        "content/posts/a.md": post("A", url="/2019/04/25/a-post/"),
        "content/posts/b.md": post("B", permalink="/old/b.html"),
        "content/about.md": page("About", permalink="about-me"),
    })
    result = build(site)
    urls = {p.title: p.url for p in [*result.site.posts, *result.site.pages]}
    assert urls == {"A": "/blog/2019/04/25/a-post/", "B": "/blog/old/b.html", "About": "/blog/about-me/"}
    assert (result.output / "2019/04/25/a-post/index.html").is_file()
    assert (result.output / "old/b.html").is_file()
    home = parse_html(result.output / "index.html")
    assert "/blog/2019/04/25/a-post/" in [a.get("href") for a in find_all(home, "a")]


def test_a_url_that_leaves_the_site_is_an_error(make_site):
    for bad, line in (("../../etc/x/", 3), ("https://evil.example/x", 3), ("/a?b", 3)):
        site = make_site({"content/posts/a.md": post("A", url=bad)})
        errors = build_errors(site)
        assert errors[0].startswith(f"content/posts/a.md:{line + 1}: url: expected a URL path like"), errors


def test_aliases_write_redirect_pages(make_site):
    site = make_site({"content/posts/a.md": post("A & B", aliases=["/2019/04/25/a.html", "/old/a/"])})
    result = build(site)
    for url in ("/blog/2019/04/25/a.html", "/blog/old/a/"):
        root = html_of(result, url)
        target = "https://example.org/blog/posts/a/"
        canonical = [link.get("href") for link in find_all(root, "link") if link.get("rel") == "canonical"]
        assert canonical == [target]
        refresh = [m.get("content") for m in find_all(root, "meta") if m.get("http-equiv") == "refresh"]
        assert refresh == [f"0; url={target}"]
        robots = [m.get("content") for m in find_all(root, "meta") if m.get("name") == "robots"]
        assert robots == ["noindex"]
        [link] = find_all(root, "a")
        assert link.get("href") == target and text_of(link) == "A & B"
    sitemap = (result.output / "sitemap.xml").read_text()
    assert "old/a" not in sitemap and "2019/04/25" not in sitemap


def test_alias_collisions_name_both(make_site):
    site = make_site({"content/posts/a.md": post("A", aliases="/posts/b/"),
                      "content/posts/b.md": post("B")})
    errors = build_errors(site)
    assert any("content/posts/a.md:4:" in e and "content/posts/a.md (alias /blog/posts/b/)" in e
               and "content/posts/b.md" in e for e in errors), errors


def test_url_collisions_name_both(make_site):
    site = make_site({"content/posts/a.md": post("A", url="/same/"),
                      "content/c.md": page("C", url="/same/")})
    errors = build_errors(site)
    assert any("content/c.md:3:" in e and "content/posts/a.md" in e and "/blog/same/" in e for e in errors), errors


def test_unused_files_under_content_are_named_in_one_warning(make_site):
    site = make_site({
        "content/posts/a.md": post("A"),
        "content/images/cat.png": b"\x89PNG",
        "content/notes.txt": "x",
        "content/glossary.yaml": "GAN: A generator and a discriminator.\n",
        "content/.hidden.txt": "x",
    })
    result = build(site)
    [warning] = [d for d in result.diagnostics.warnings if "not used" in d.message]
    assert warning.format().startswith("content: warning: 2 files under content/ are not used and not published: "
                                       "content/images/cat.png, content/notes.txt")
    assert "static/" in warning.hint


def test_no_unused_files_no_warning(make_site):
    assert not build(make_site({"content/posts/a.md": post("A")})).diagnostics.items


def test_jekyll_date_with_time_and_offset(make_site):
    site = make_site({"content/posts/a.md": "---\ntitle: A\ndate: 2019-04-25 10:00:00 +0800\n---\n\nx\n"})
    article = build(site).site.posts[0]
    assert article.date.isoformat() == "2019-04-25T10:00:00+08:00"


def test_fence_markers_inside_an_html_pre_block_are_not_fences(make_site):
    body = "Text:\n\n<pre><code>```md\n{{x}}\n```\n</code></pre>\n\nAfter *this*.\n"
    result = build(make_site({"content/posts/a.md": post("A", body=body)}))
    article = find_one(html_of(result, "/blog/posts/a/"), "div", cls="e-content")
    assert "```md" in text_of(find_one(article, "pre")) and find_all(article, "em")
    assert not result.diagnostics.items
