"""Diagram slots: parsing, errors with lines, placeholders and drawings with their real size."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalk.markdown.diagrams import DiagramSlot, parse_slot, slot_html
from chalk.model.drawings import fill_slots, find_drawings
from chalk.markdown import MarkdownRenderer
from support.html import classes, find_all, find_one, parse_html, text_of
from support.pictures import png_bytes

PATH = "content/posts/x.md"


def svg_text(width: str | None = "640", height: str | None = "360", viewbox: str | None = "0 0 640 360") -> str:
    attrs = "".join(f' {name}="{value}"' for name, value in
                    (("width", width), ("height", height), ("viewBox", viewbox)) if value is not None)
    return f'<svg xmlns="http://www.w3.org/2000/svg"{attrs}><rect width="10" height="10"/></svg>\n'


def messages(problems) -> list[str]:
    return [p.format() for p in problems]


# --------------------------------------------------------------------------- parsing

def test_parse_valid_slot():
    slot, problems = parse_slot("id: gan-architecture\ncaption: Simplified GAN\nalt: Noise goes in.\n", PATH, 10)
    assert problems == []
    assert slot == DiagramSlot("gan-architecture", "Simplified GAN", "Noise goes in.", PATH, 10)
    assert not slot.filled


def test_caption_is_optional():
    slot, problems = parse_slot("id: d1\nalt: Something.\n", PATH, 3)
    assert problems == [] and slot.caption == ""


@pytest.mark.parametrize("text, expected", [
    ("caption: C\nalt: A.\n", f"{PATH}:10: diagram: id: expected a name like gan-architecture, got nothing"),
    ("id: 1st\nalt: A.\n", f"{PATH}:11: diagram: id: expected a name like gan-architecture, got '1st'"),
    ("id: has space\nalt: A.\n", f"{PATH}:11: diagram: id: expected a name like gan-architecture, got 'has space'"),
    ("id: [a]\nalt: A.\n", f"{PATH}:11: diagram: id: expected a name like gan-architecture, got ['a']"),
    ("id: d1\ncaption: C\n", f"{PATH}:10: diagram: alt: expected a sentence describing what the diagram shows"),
    ("id: d1\ncaption: C\nalt: '  '\n",
     f"{PATH}:13: diagram: alt: expected a sentence describing what the diagram shows"),
    ("id: d1\ncaption: [x]\nalt: A.\n", f"{PATH}:12: diagram: caption: expected text, got ['x']"),
    ("id: d1\nalt: [unclosed\n", f"{PATH}:13: diagram: invalid YAML:"),
    ("just words\n", f"{PATH}:11: diagram: expected 'key: value' lines, got a YAML single value"),
])
def test_slot_errors_name_the_line(text, expected):
    slot, problems = parse_slot(text, PATH, 10)
    assert slot is None
    assert any(m.startswith(expected) for m in messages(problems)), messages(problems)
    assert all(p.is_error or not p.is_error for p in problems)


def test_unknown_slot_field_is_a_warning():
    slot, problems = parse_slot("id: d1\nalt: A.\ncolour: red\n", PATH, 10)
    assert slot is not None
    assert messages(problems) == [f"{PATH}:13: warning: diagram: unknown field 'colour' "
                                  "(expected id, caption, alt, width, mermaid, d2, dot, source)"]


def test_slot_html_carries_a_marker_and_escaped_caption():
    slot = DiagramSlot("d1", "A <b> & C", "Alt.", PATH, 1)
    html = slot_html(slot)
    assert html.startswith('<figure class="diagram" id="d1">')
    assert "<!--chalk:diagram:d1-->" in html
    assert "A &lt;b&gt; &amp; C</figcaption>" in html and "<b>" not in html


# --------------------------------------------------------------------------- through Markdown

def test_slots_in_markdown_get_file_lines():
    body = ("Intro.\n\n```diagram\nid: first\ncaption: One\nalt: First one.\n```\n\nMiddle.\n\n"
            "- a list item\n\n    ```diagram\n    id: second\n    alt: Second one.\n    ```\n")
    rendered = MarkdownRenderer().render(body, PATH, body_line=6)
    assert rendered.diagnostics == ()
    assert [(s.id, s.line) for s in rendered.slots] == [("first", 8), ("second", 18)]
    assert rendered.html.count("<!--chalk:diagram:") == 2


def test_duplicate_diagram_id_is_an_error_on_the_second_slot():
    body = "```diagram\nid: d1\nalt: A.\n```\n\nText.\n\n```diagram\nid: d1\nalt: B.\n```\n"
    rendered = MarkdownRenderer().render(body, PATH, body_line=5)
    assert messages(rendered.diagnostics) == [
        f"{PATH}:12: diagram: id 'd1' is used twice in this article (each slot needs its own id)"]
    assert [s.id for s in rendered.slots] == ["d1"]


def test_slot_errors_through_markdown_point_at_the_file():
    rendered = MarkdownRenderer().render("Text.\n\n```diagram\ncaption: C\nalt: A.\n```\n", PATH, body_line=5)
    assert messages(rendered.diagnostics) == [
        f"{PATH}:7: diagram: id: expected a name like gan-architecture, got nothing"]


# --------------------------------------------------------------------------- drawings

def test_find_drawings_reads_real_sizes(tmp_path):
    folder = tmp_path / "static" / "diagrams"
    folder.mkdir(parents=True)
    (folder / "photo.png").write_bytes(png_bytes(40, 30))
    (folder / "sized.svg").write_text(svg_text("640", "360", "0 0 64 36"))
    (folder / "viewbox.svg").write_text(svg_text(None, None, "0 0 800 450"))
    (folder / "percent.svg").write_text(svg_text("100%", None, "0 0 300 150"))
    (folder / "nosize.svg").write_text(svg_text(None, None, None))
    (folder / "widthonly.svg").write_text(svg_text("640", None, "0 0 800 450"))
    (folder / "prolog.svg").write_text('<?xml version="1.0"?>\n<!-- width="1" height="1" -->\n' + svg_text("32", "16"))
    (folder / "notes.txt").write_text("not a drawing")
    drawings = find_drawings(tmp_path / "static")
    assert set(drawings) == {"photo", "sized", "viewbox", "percent", "nosize", "widthonly", "prolog"}
    assert (drawings["photo"].width, drawings["photo"].height) == (40, 30)
    assert drawings["photo"].rel_url == "diagrams/photo.png"
    assert (drawings["sized"].width, drawings["sized"].height) == (640, 360)
    assert (drawings["viewbox"].width, drawings["viewbox"].height) == (800, 450)
    assert (drawings["percent"].width, drawings["percent"].height) == (300, 150)
    assert (drawings["nosize"].width, drawings["nosize"].height) == (None, None)
    assert (drawings["widthonly"].width, drawings["widthonly"].height) == (640, 360)
    assert (drawings["prolog"].width, drawings["prolog"].height) == (32, 16)


def test_svg_wins_over_png_for_the_same_id(tmp_path):
    folder = tmp_path / "static" / "diagrams"
    folder.mkdir(parents=True)
    (folder / "gan.png").write_bytes(png_bytes(4, 4))
    (folder / "gan.svg").write_text(svg_text())
    assert find_drawings(tmp_path / "static")["gan"].rel_url == "diagrams/gan.svg"


def test_find_drawings_without_folder(tmp_path):
    assert find_drawings(tmp_path / "static") == {}


def fill(tmp_path: Path, files: dict[str, bytes | str], alt: str = 'Noise "in", <fakes> & verdict out.'):
    folder = tmp_path / "static" / "diagrams"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    rendered = MarkdownRenderer().render(
        f"Text.\n\n```diagram\nid: gan\ncaption: The GAN\nalt: '{alt}'\n```\n", PATH, 5)
    html, slots = fill_slots(rendered.html, list(rendered.slots), find_drawings(tmp_path / "static"), "/blog/")
    return find_one(parse_html(f"<body>{html}</body>"), "body"), html, slots


def test_placeholder_when_no_drawing(tmp_path):
    root, html, slots = fill(tmp_path, {})
    figure = find_one(root, "figure", id="gan")
    assert classes(figure) == ["diagram", "diagram--pending"]
    box = find_one(figure, "div", cls="diagram-placeholder")
    assert box.get("role") == "img"
    assert box.get("aria-label") == 'Diagram to come: Noise "in", <fakes> & verdict out.'
    assert text_of(find_one(box, "span", cls="diagram-placeholder__badge")) == "Diagram to come"
    assert text_of(find_one(box, "span", cls="diagram-placeholder__alt")) == 'Noise "in", <fakes> & verdict out.'
    assert text_of(find_one(figure, "figcaption")).endswith("The GAN")
    assert find_all(root, "img") == [] and find_all(root, "fakes") == []
    assert "<!--chalk" not in html
    assert slots[0].image_url is None and not slots[0].filled


def test_the_content_digest_follows_the_finished_html(tmp_path):
    from chalk.digest import text_digest
    from chalk.model.drawings import fill_content

    renderer = MarkdownRenderer()
    plain = renderer.render("Text without a figure.\n", PATH, 5)
    assert plain.html_digest == text_digest(plain.html)
    assert fill_content(plain, {}, "/blog/").digest == text_digest(plain.html)  # nothing filled in: the same
    rendered = renderer.render("Text.\n\n```diagram\nid: gan\ncaption: The GAN\nalt: A GAN\n```\n", PATH, 5)
    pending = fill_content(rendered, {}, "/blog/")
    assert pending.digest == fill_content(rendered, {}, "/blog/").digest  # same inputs, same digest
    assert pending.digest != rendered.html_digest
    (tmp_path / "static" / "diagrams").mkdir(parents=True)
    (tmp_path / "static" / "diagrams" / "gan.png").write_bytes(png_bytes(64, 36))
    drawn = fill_content(rendered, find_drawings(tmp_path / "static"), "/blog/")
    elsewhere = fill_content(rendered, find_drawings(tmp_path / "static"), "/other/")
    assert len({pending.html, drawn.html, elsewhere.html}) == 3
    assert len({pending.digest, drawn.digest, elsewhere.digest}) == 3  # other HTML, another digest


def test_png_drawing_fills_the_slot_with_its_size(tmp_path):
    root, html, slots = fill(tmp_path, {"gan.png": png_bytes(64, 36)})
    figure = find_one(root, "figure", id="gan")
    assert classes(figure) == ["diagram"]
    img = find_one(figure, "img")
    assert img.get("src") == "/blog/diagrams/gan.png"
    assert (img.get("width"), img.get("height")) == ("64", "36")
    assert img.get("loading") == "lazy" and img.get("decoding") == "async"
    assert img.get("alt") == 'Noise "in", <fakes> & verdict out.'
    assert text_of(find_one(figure, "figcaption")).endswith("The GAN")
    assert find_all(root, "div", cls="diagram-placeholder") == []
    assert slots[0].image_url == "/blog/diagrams/gan.png" and slots[0].filled


def test_svg_drawing_fills_the_slot_with_its_size(tmp_path):
    root, _, _ = fill(tmp_path, {"gan.svg": svg_text("640", "360")})
    img = find_one(root, "img")
    assert img.get("src") == "/blog/diagrams/gan.svg"
    assert (img.get("width"), img.get("height")) == ("640", "360")


def test_drawing_without_known_size_has_no_size_attributes(tmp_path):
    root, _, _ = fill(tmp_path, {"gan.svg": svg_text(None, None, None)})
    img = find_one(root, "img")
    assert img.get("width") is None and img.get("height") is None
    assert img.get("loading") == "lazy"
