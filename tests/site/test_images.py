"""Responsive images, page bundles, social cards and image errors (issue 15), built for real
with Pillow and read back with Pillow and html5lib."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.html import find_all, find_one, parse_html
from support.sites import build, build_errors, post
from support.pictures import photo

Image = pytest.importorskip("PIL.Image", reason="the images extra: pip install 'chalk-ssg[images]'")

BASE = "https://example.org/blog/"


def decoded(path: Path) -> "Image.Image":
    image = Image.open(path)
    image.load()
    return image


BUNDLE = post("A post with photos", body="""\
    Intro.

    ![A wide photo](photo.jpg "The caption")

    A second one: ![A small logo](logo.png)

    And [the data](data/table.csv).
    """)


@pytest.fixture
def bundle_site(make_site) -> Path:
    return make_site({"content/posts/photos/index.md": BUNDLE,
                      "content/posts/photos/photo.jpg": photo(2000, 1000),
                      "content/posts/photos/logo.png": photo(500, 250, "PNG"),
                      "content/posts/photos/data/table.csv": "a,b\n1,2\n"})


def test_variants_exist_at_the_widths_and_formats_and_decode(bundle_site):
    result = build(bundle_site)
    out = result.output / "posts/photos"
    for width in (360, 720, 1080, 1440):
        for ext, kind in (("avif", "AVIF"), ("webp", "WEBP"), ("jpg", "JPEG")):
            image = decoded(out / f"photo-{width}w.{ext}")
            assert image.format == kind and image.size == (width, width // 2)
    assert not list(out.glob("photo-2000w.*"))  # 2000 is wider than the widest width: not offered
    logo_widths = sorted(int(p.name.split("-")[1][:-5]) for p in out.glob("logo-*w.png"))
    assert logo_widths == [360, 500]  # never upscaled; its own width instead
    assert decoded(out / "logo-500w.avif").size == (500, 250)
    assert (out / "photo.jpg").read_bytes() == (bundle_site / "content/posts/photos/photo.jpg").read_bytes()


def test_picture_has_srcset_sizes_and_size_and_only_the_first_image_is_eager(bundle_site):
    out = build(bundle_site).output
    root = parse_html(out / "posts/photos/index.html")
    pictures = find_all(root, "picture")
    assert len(pictures) == 2
    first, second = (find_one(p, "img") for p in pictures)
    assert (first.get("width"), first.get("height")) == ("2000", "1000")
    assert (second.get("width"), second.get("height")) == ("500", "250")
    assert first.get("src") == "photo.jpg" and first.get("alt") == "A wide photo"
    assert first.get("srcset") == ", ".join(f"/blog/posts/photos/photo-{w}w.jpg {w}w" for w in (360, 720, 1080, 1440))
    assert first.get("sizes") == "(min-width: 46rem) 42rem, calc(100vw - 2rem)"
    assert second.get("sizes") == "(min-width: 532px) 500px, calc(100vw - 2rem)"  # narrower than the column
    sources = find_all(pictures[0], "source")
    assert [s.get("type") for s in sources] == ["image/avif", "image/webp"]
    assert sources[0].get("srcset").split(", ")[0] == "/blog/posts/photos/photo-360w.avif 360w"
    assert all(s.get("sizes") == first.get("sizes") for s in sources)
    assert first.get("loading") is None and first.get("fetchpriority") == "high"
    assert second.get("loading") == "lazy" and second.get("decoding") == "async"
    for url in [u.split(" ")[0] for s in sources for u in s.get("srcset").split(", ")]:
        assert (out / url[len("/blog/"):]).is_file(), url


def test_bundle_files_are_published_beside_the_page_and_links_resolve(bundle_site):
    result = build(bundle_site)
    assert (result.output / "posts/photos/data/table.csv").read_text() == "a,b\n1,2\n"
    assert (result.output / "posts/photos/index.html").is_file()  # slug from the folder, not "index"
    assert not [d.format() for d in result.diagnostics.warnings]  # chalk's checks found every target
    link = find_one(parse_html(result.output / "posts/photos/index.html"), "a", href="data/table.csv")
    assert link is not None


def test_an_image_beside_a_flat_post_is_a_warning_saying_where_to_put_it(make_site):
    root = make_site({"content/posts/flat.md": post("Flat", body="Text.\n\n![A chart](chart.png)\n"),
                      "content/posts/chart.png": photo(100, 50, "PNG")})
    warnings = [d.format() for d in build(root).diagnostics.warnings]
    assert any(w.startswith("content/posts/flat.md:8: warning: image chart.png sits beside content/posts/flat.md")
               and "content/posts/flat/index.md" in w for w in warnings), warnings


def test_second_build_does_no_image_work(bundle_site):
    first = build(bundle_site)
    assert first.loaded.images.stats.made == 12 + 6 + 1  # photo: 4 widths x 3 formats, logo: 2 x 3, a card
    second = build(bundle_site)
    stats = second.loaded.images.stats
    assert (stats.made, stats.jobs) == (0, 0)
    assert stats.reused == first.loaded.images.stats.made
    (bundle_site / "content/posts/photos/logo.png").write_bytes(photo(400, 200, "PNG"))
    third = build(bundle_site).loaded.images.stats
    assert (third.jobs, third.made) == (1, 6)  # only the changed image: 360 and 400 px, 3 formats


def card_of(result, page: str = "posts/photos/index.html") -> tuple[dict[str, str], Path]:
    root = parse_html(result.output / page)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in root.iter("meta")}
    assert meta["og:image"].startswith(BASE)
    return meta, result.output / meta["og:image"][len(BASE):]


def test_generated_card_is_1200_by_630_and_shows_the_title(make_site):
    first = build(make_site({"content/posts/a.md": post("Diffusion models, step by step")}))
    second = build(make_site({"content/posts/a.md": post("Variational autoencoders")}))
    meta, card = card_of(first, "posts/a/index.html")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
    assert meta["og:image:alt"] == "Diffusion models, step by step — Test site"
    image = decoded(card)
    assert image.format == "PNG" and image.size == (1200, 630)
    other = decoded(card_of(second, "posts/a/index.html")[1])
    from PIL import ImageChops

    box = ImageChops.difference(image.convert("RGB"), other.convert("RGB")).getbbox()
    assert box is not None and box[1] >= 200 and box[3] <= 540  # they differ, in the title's box only


@pytest.mark.parametrize("title", ["生成式人工智能揭秘：扩散模型如何去噪", "Η τεχνητή νοημοσύνη εξηγημένη",
                                   "A very long title " * 30 + "Ende"])
def test_non_latin_and_very_long_titles_render_inside_the_card(make_site, title):
    result = build(make_site({"content/posts/a.md": post(title)}))
    assert not [d for d in result.diagnostics.warnings if "social card" in d.message]  # every glyph found
    image = decoded(card_of(result, "posts/a/index.html")[1]).convert("RGB")
    background = image.getpixel((600, 600))
    ink = [x for x in range(1200) for y in range(200, 540, 3) if image.getpixel((x, y)) != background]
    assert ink and min(ink) >= 80 and max(ink) <= 1120  # drawn, and within the margins


def test_front_matter_image_is_the_social_image_cropped_to_1200_by_630(make_site):
    root = make_site({"content/posts/c/index.md": post("Cover", image="cover.jpg", image_alt="A blue field"),
                      "content/posts/c/cover.jpg": photo(1600, 1600)})
    meta, card = card_of(build(root), "posts/c/index.html")
    assert meta["og:image"] == BASE + "social/posts/c.jpg" and meta["og:image:alt"] == "A blue field"
    image = decoded(card)
    assert image.format == "JPEG" and image.size == (1200, 630)


def test_missing_front_matter_image_is_an_error_at_its_line(make_site):
    root = make_site({"content/posts/c.md": post("Cover", image="nope.jpg")})
    assert build_errors(root) == ["content/posts/c.md:4: image: nope.jpg: no such image file in the site "
                                  "(name a JPEG, PNG, WebP or AVIF file beside the page, or /path under static/)"]


def test_corrupt_image_is_an_error_naming_file_and_line_and_nothing_is_written(make_site):
    root = make_site({"content/posts/x/index.md": post("X", body="Text.\n\n![Broken](broken.jpg)\n"),
                      "content/posts/x/broken.jpg": photo(800, 600)[:900]})
    errors = build_errors(root)
    assert len(errors) == 1
    assert errors[0].startswith("content/posts/x/index.md:8: image broken.jpg (content/posts/x/broken.jpg): "
                                "cannot read the image")
    assert not (root / "public").exists()


def test_a_20000_px_wide_jpeg_is_resized_and_a_huge_png_refused(make_site):
    wide = photo(20000, 3000)
    root = make_site({"content/posts/x/index.md": post("X", body="![Wide](wide.jpg)\n\n![Huge](huge.png)\n"),
                      "content/posts/x/wide.jpg": wide, "content/posts/x/huge.png": photo(20000, 3000, "PNG", "L")})
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith("content/posts/x/index.md:8: image huge.png")
    assert "too large to resize: 20000×3000 px (60 megapixels" in errors[0] and "scale it down" in errors[0]
    (root / "content/posts/x/index.md").write_text(post("X", body="![Wide](wide.jpg)\n"), encoding="utf-8")
    out = build(root).output
    assert decoded(out / "posts/x/wide-1440w.avif").size == (1440, 216)
    img = find_one(parse_html(out / "posts/x/index.html"), "img")
    assert (img.get("width"), img.get("height")) == ("20000", "3000")


def test_images_false_copies_images_and_makes_no_cards(make_site):
    root = make_site({"content/posts/photos/index.md": BUNDLE,
                      "content/posts/photos/photo.jpg": photo(2000, 1000),
                      "content/posts/photos/logo.png": photo(500, 250, "PNG"),
                      "content/posts/photos/data/table.csv": "a,b\n"},
                     site_yaml=f"title: Test site\nbase_url: {BASE}\nimages: false\n")
    out = build(root).output
    root_html = parse_html(out / "posts/photos/index.html")
    assert not find_all(root_html, "picture") and not list(out.rglob("*w.avif"))
    img = find_all(root_html, "img")[0]
    assert (img.get("src"), img.get("width"), img.get("height")) == ("photo.jpg", "2000", "1000")
    assert not [m for m in root_html.iter("meta") if m.get("property") == "og:image"]
    assert find_one(root_html, "meta", name="twitter:card").get("content") == "summary"


def test_image_settings_are_checked_with_their_line(make_site):
    root = make_site({"content/posts/a.md": post("A")},
                     site_yaml=f"title: T\nbase_url: {BASE}\nimages:\n  quality: 500\n")
    assert build_errors(root) == ["site.yaml:3: images: expected quality: a whole number from 1 to 100, "
                                  "got {'quality': 500}"]


def test_configured_widths_formats_and_budget(make_site):
    root = make_site({"content/posts/p/index.md": post("P", body="![A photo](p.jpg)\n"),
                      "content/posts/p/p.jpg": photo(1200, 800)},
                     site_yaml=f"title: T\nbase_url: {BASE}\nimages:\n  widths: [300, 600]\n  formats: [webp]\n"
                               "  quality: 60\n  max_kb: 1\n")
    result = build(root)
    names = sorted(p.name for p in (result.output / "posts/p").glob("p-*"))
    assert names == ["p-300w.jpg", "p-300w.webp", "p-600w.jpg", "p-600w.webp"]
    budget = [d.format() for d in result.diagnostics.warnings if "budget" in d.message]
    assert len(budget) == 1 and budget[0].startswith("content/posts/p/index.md:6: warning: image p.jpg is ")
    assert "over the budget of 1 KB" in budget[0]


def test_svg_and_gif_pass_through_with_their_size(make_site):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100"><rect width="300" height="100"/></svg>'
    root = make_site({"content/posts/g/index.md": post("G", body="![An SVG](a.svg)\n\n![A GIF](b.gif)\n"),
                      "content/posts/g/a.svg": svg, "content/posts/g/b.gif": photo(120, 60, "GIF")})
    out = build(root).output
    images = find_all(parse_html(out / "posts/g/index.html"), "img")
    assert [(i.get("src"), i.get("width"), i.get("height")) for i in images] == [("a.svg", "300", "100"),
                                                                                 ("b.gif", "120", "60")]
    assert not find_all(parse_html(out / "posts/g/index.html"), "picture")
    assert sorted(p.name for p in (out / "posts/g").iterdir()) == ["a.svg", "b.gif", "index.html"]


def test_zoom_link_points_to_the_full_image_and_is_not_nested_in_links(make_site):
    root = make_site({"content/posts/z/index.md": post("Z", body="![A photo](p.jpg)\n\n[![Linked](p.jpg)](/blog/)\n"),
                      "content/posts/z/p.jpg": photo(900, 600)})
    root_html = parse_html(build(root).output / "posts/z/index.html")
    zooms = find_all(root_html, "a", cls="zoom")
    assert [a.get("href") for a in zooms] == ["/blog/posts/z/p.jpg"]
    assert any(s.get("src", "").endswith("js/zoom.js") or "zoom.js" in (s.get("src") or "")
               for s in root_html.iter("script"))


def test_an_svg_front_matter_image_falls_back_to_a_card_with_a_warning(make_site):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
    root = make_site({"content/posts/s/index.md": post("S", image="featured.svg"),
                      "content/posts/s/featured.svg": svg})
    result = build(root)
    assert [d.format() for d in result.diagnostics.warnings if "image:" in d.message] == [
        "content/posts/s/index.md:4: warning: image: featured.svg: social sites show no SVG images, so the page "
        "gets a generated card instead (give a JPEG or PNG version, or leave image: out)"]
    meta, card = card_of(result, "posts/s/index.html")
    assert meta["og:image"] == BASE + "social/posts/s.png" and decoded(card).size == (1200, 630)


def test_a_diagram_slots_png_drawing_gets_variants(make_site):
    body = "Text.\n\n```diagram\nid: flow\nalt: Files flow into pages.\ncaption: The flow\n```\n"
    root = make_site({"content/posts/d.md": post("D", body=body), "static/diagrams/flow.png": photo(1000, 500, "PNG")})
    out = build(root).output
    figure = find_one(parse_html(out / "posts/d/index.html"), "figure", id="flow")
    img = find_one(figure, "img")
    assert img.get("src") == "/blog/diagrams/flow.png" and img.get("alt") == "Files flow into pages."
    assert (img.get("width"), img.get("height")) == ("1000", "500")
    assert [s.get("type") for s in find_all(figure, "source")] == ["image/avif", "image/webp"]
    assert decoded(out / "diagrams/flow-720w.webp").size == (720, 360)


def test_a_raw_html_image_in_capitals_still_gets_its_size(make_site):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20"/></svg>'
    root = make_site({"content/posts/r/index.md": post("R", body='Prose.\n\n<IMG SRC="a.svg" ALT="Raw">\n'),
                      "content/posts/plain.md": post("Plain", body="No images here at all.\n"),
                      "content/posts/r/a.svg": svg})
    out = build(root).output
    images = find_all(parse_html(out / "posts/r/index.html"), "img")
    assert [(i.get("src"), i.get("width"), i.get("height")) for i in images] == [("a.svg", "40", "20")]
