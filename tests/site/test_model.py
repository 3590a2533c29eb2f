"""Stage 5: the site model: ordering, neighbours, tags, archive, pagination, URL claims."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalk.errors import BuildError
from chalk.pipeline import BuildOptions, load
from support.sites import page, post

SITE = "title: Model test\nbase_url: https://example.org/blog/\nposts_per_page: 2\n"


def load_site(make_site, files, **options):
    return load(make_site(files, site_yaml=SITE), BuildOptions(**options)).site


@pytest.fixture
def five_posts():
    return {
        "content/posts/a.md": post("Alpha", "2023-03-01", tags=["GAN", "ml"]),
        "content/posts/b.md": post("Beta", "2023-11-20", tags="ml"),
        "content/posts/c.md": post("Gamma", "2024-01-05T08:00:00", tags=["Diffusion Models"]),
        "content/posts/d.md": post("Delta", "2024-01-05T18:00:00"),
        "content/posts/e.md": post("Epsilon", "2024-06-30", tags=["gan"]),
        "content/about.md": page("About"),
        "content/docs/faq.md": page("FAQ"),
    }


def test_posts_are_newest_first_and_pages_separate(make_site, five_posts):
    site = load_site(make_site, five_posts)
    assert [p.title for p in site.posts] == ["Epsilon", "Delta", "Gamma", "Beta", "Alpha"]
    assert [p.title for p in site.pages] == ["About", "FAQ"]
    assert all(p.kind == "post" for p in site.posts) and all(p.kind == "page" for p in site.pages)


def test_urls_permalinks_and_outputs(make_site, five_posts):
    site = load_site(make_site, five_posts)
    alpha = next(p for p in site.posts if p.title == "Alpha")
    assert alpha.url == "/blog/posts/a/"
    assert alpha.permalink == "https://example.org/blog/posts/a/"
    assert alpha.output == "posts/a/index.html"
    about = site.pages[0]
    assert (about.url, about.output) == ("/blog/about/", "about/index.html")
    faq = site.pages[1]
    assert faq.url == "/blog/faq/"  # pages are flat: the slug, not the folder, makes the URL


def test_unicode_slug_url_is_percent_encoded_but_output_is_not(make_site):
    site = load_site(make_site, {"content/posts/x.md": post("Über", slug="Über Diffusion")})
    [p] = site.posts
    assert p.slug == "über-diffusion"
    assert p.url == "/blog/posts/%C3%BCber-diffusion/"
    assert p.output == "posts/über-diffusion/index.html"


def test_prev_is_older_and_next_is_newer(make_site, five_posts):
    site = load_site(make_site, five_posts)
    titles = {p.title: p for p in site.posts}
    assert titles["Epsilon"].next is None and titles["Epsilon"].prev is titles["Delta"]
    assert titles["Gamma"].next is titles["Delta"] and titles["Gamma"].prev is titles["Beta"]
    assert titles["Alpha"].prev is None and titles["Alpha"].next is titles["Beta"]
    assert all(p.prev is None and p.next is None for p in site.pages)


def test_tags_are_merged_by_slug_sorted_and_list_posts_newest_first(make_site, five_posts):
    site = load_site(make_site, five_posts)
    assert [(t.name, t.slug) for t in site.tags] == [("Diffusion Models", "diffusion-models"), ("GAN", "gan"),
                                                     ("ml", "ml")]
    gan = next(t for t in site.tags if t.slug == "gan")
    assert gan.name == "GAN"  # the earliest post's spelling wins
    assert [p.title for p in gan.posts] == ["Epsilon", "Alpha"]
    assert gan.url == "/blog/tags/gan/" and gan.permalink == "https://example.org/blog/tags/gan/"
    ml = next(t for t in site.tags if t.slug == "ml")
    assert [p.title for p in ml.posts] == ["Beta", "Alpha"]  # "tags: ml" (a single string) counts
    alpha = next(p for p in site.posts if p.title == "Alpha")
    assert [t.slug for t in alpha.tags] == ["gan", "ml"]


def test_repeated_tag_on_one_post_counts_once(make_site):
    site = load_site(make_site, {"content/posts/x.md": post("X", tags=["ml", "ML", "ml"])})
    [tag] = site.tags
    assert len(tag.posts) == 1 and len(site.posts[0].tags) == 1


def test_archive_years(make_site, five_posts):
    site = load_site(make_site, five_posts)
    assert [(y.year, [p.title for p in y.posts]) for y in site.years] == [
        (2024, ["Epsilon", "Delta", "Gamma"]), (2023, ["Beta", "Alpha"])]


def test_pagination(make_site, five_posts):
    site = load_site(make_site, five_posts)
    homes = [item for item in site.listings if item.kind == "index"]
    assert [h.url for h in homes] == ["/blog/", "/blog/page/2/", "/blog/page/3/"]
    assert [h.output for h in homes] == ["index.html", "page/2/index.html", "page/3/index.html"]
    pages = [h.paginator for h in homes]
    assert [[p.title for p in pg.items] for pg in pages] == [["Epsilon", "Delta"], ["Gamma", "Beta"], ["Alpha"]]
    assert [(pg.number, pg.total) for pg in pages] == [(1, 3), (2, 3), (3, 3)]
    assert [(pg.prev_url, pg.next_url) for pg in pages] == [
        (None, "/blog/page/2/"), ("/blog/", "/blog/page/3/"), ("/blog/page/2/", None)]
    assert all(pg.first_url == "/blog/" for pg in pages)
    assert homes[1].permalink == "https://example.org/blog/page/2/"


def test_empty_site_has_one_home_page(make_site):
    site = load_site(make_site, {})
    homes = [item for item in site.listings if item.kind == "index"]
    assert len(homes) == 1 and homes[0].paginator.items == [] and homes[0].paginator.total == 1
    assert site.posts == [] and site.tags == [] and site.years == []
    assert site.build_date is None


def test_generated_listings(make_site, five_posts):
    site = load_site(make_site, five_posts)
    outputs = {item.output: item.kind for item in site.listings}
    for output, kind in [("tags/index.html", "tags"), ("tags/gan/index.html", "tag"),
                         ("archive/index.html", "archive"), ("404.html", "404"), ("feed.xml", "feed"),
                         ("sitemap.xml", "sitemap"), ("robots.txt", "robots")]:
        assert outputs[output] == kind


def test_build_date_is_latest_lastmod(make_site):
    site = load_site(make_site, {
        "content/posts/a.md": post("A", "2024-01-01", updated="2024-09-09"),
        "content/posts/b.md": post("B", "2024-05-05"),
    })
    assert site.build_date == datetime(2024, 9, 9, tzinfo=timezone.utc)
    assert site.posts[1].lastmod == datetime(2024, 9, 9, tzinfo=timezone.utc)


def test_drafts_are_left_out_unless_asked_for(make_site):
    files = {"content/posts/a.md": post("Public"), "content/posts/b.md": post("Secret", draft=True, tags=["x"])}
    root = make_site(files, site_yaml=SITE)
    site = load(root, BuildOptions()).site
    assert [p.title for p in site.posts] == ["Public"] and site.tags == []
    with_drafts = load(root, BuildOptions(drafts=True)).site
    assert sorted(p.title for p in with_drafts.posts) == ["Public", "Secret"]
    assert next(p for p in with_drafts.posts if p.title == "Secret").draft is True


def test_page_fields_from_front_matter_and_markdown(make_site):
    site = load_site(make_site, {"content/posts/x.md": post(
        "X", summary="Given summary.", author="Ada", mood="happy",
        body="First paragraph here.\n\n## One\n\ntext\n\n## Two\n\ntext\n")})
    [p] = site.posts
    assert p.summary == "Given summary."
    assert p.author == "Ada"
    assert p.extra == {"mood": "happy"}
    assert [e.title for e in p.toc] == ["One", "Two"]
    assert p.show_toc is True
    assert p.template == "post.html"
    assert p.reading_time == 1 and p.word_count > 0


def test_summary_falls_back_to_first_paragraph_and_author_to_site(make_site):
    root = make_site({"content/posts/x.md": post("X", body="The *first* paragraph.\n\nSecond.\n")},
                     site_yaml=SITE + "author: Site Author\n")
    [p] = load(root).site.posts
    assert p.summary == "The first paragraph."
    assert p.author == "Site Author"


def test_show_toc_needs_two_headings_and_the_flag(make_site):
    site = load_site(make_site, {
        "content/posts/one.md": post("One", body="## Only\n\ntext\n"),
        "content/posts/nested.md": post("Nested", "2024-05-15", body="## A\n\n### B\n\ntext\n"),
        "content/posts/off.md": post("Off", "2024-05-16", toc=False, body="## A\n\n## B\n"),
        "content/page.md": page("Page", body="## A\n\n## B\n"),
        "content/page-toc.md": page("Page toc", toc=True, body="## A\n\n## B\n"),
    })
    show = {p.title: p.show_toc for p in [*site.posts, *site.pages]}
    assert show == {"One": False, "Nested": True, "Off": False, "Page": False, "Page toc": True}


def test_url_collision_names_both_files(make_site):
    root = make_site({
        "content/posts/a.md": post("A", slug="same"),
        "content/posts/b.md": post("B", slug="Same"),
    }, site_yaml=SITE)
    with pytest.raises(BuildError) as info:
        load(root)
    [problem] = info.value.errors
    message = problem.format()
    assert "content/posts/a.md" in message and "content/posts/b.md" in message
    assert "/blog/posts/same/" in message


def test_page_colliding_with_a_generated_page_is_an_error(make_site):
    root = make_site({"content/archive.md": page("My archive")}, site_yaml=SITE)
    with pytest.raises(BuildError) as info:
        load(root)
    message = info.value.errors[0].format()
    assert "content/archive.md" in message and "archive" in message and "/blog/archive/" in message


def test_posts_in_subfolders_collide_by_slug(make_site):
    root = make_site({
        "content/posts/2023/intro.md": post("Old intro", "2023-01-01"),
        "content/posts/2024/intro.md": post("New intro", "2024-01-01"),
    }, site_yaml=SITE)
    with pytest.raises(BuildError) as info:
        load(root)
    message = info.value.errors[0].format()
    assert "content/posts/2023/intro.md" in message and "content/posts/2024/intro.md" in message


def test_diagram_slots_are_collected_with_drawing_state(make_site):
    root = make_site({
        "content/posts/x.md": post("X", body="```diagram\nid: done\nalt: A.\n```\n\n```diagram\nid: todo\nalt: B.\n```\n"),
        "static/diagrams/done.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"></svg>',
    }, site_yaml=SITE)
    site = load(root).site
    assert [(s.id, s.image_url, s.line) for s in site.slots] == [
        ("done", "/blog/diagrams/done.svg", 6), ("todo", None, 11)]
    assert site.posts[0].diagrams == site.slots


def test_a_one_off_model_keeps_no_renderings_alive_and_a_kept_builder_s_does(make_site, five_posts):
    import gc

    from chalk.builder import Builder
    from chalk.markdown import Rendered

    def renderings() -> int:
        gc.collect()
        return sum(type(obj) is Rendered for obj in gc.get_objects())

    root = make_site(five_posts, site_yaml=SITE)
    before = renderings()  # whatever earlier tests left alive
    once = load(root, BuildOptions(jobs=1)).site
    assert once.own == {}
    assert renderings() == before  # this build's seven were freed once the model was made
    kept = Builder(root, BuildOptions(jobs=1), incremental=True)
    site = kept.load().site
    assert sorted(site.own) == sorted(five_posts)  # what the next model of this builder takes over
    assert [p.title for p in site.posts] == [p.title for p in once.posts]
