"""Figure widths (body, wide, page, margin) in a real Chromium at 375, 768 and 1440 px:
no horizontal overflow anywhere, and on a wide screen each width is where it says."""

from __future__ import annotations

import pytest
from support.browser import StaticServer, new_page

from support.sites import DEFAULT_SITE_YAML, build, post, write_files

pytestmark = [pytest.mark.browser, pytest.mark.server]

TEXT = "A paragraph of ordinary text that fills the column from one side to the other. " * 4 + "\n\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="400" viewBox="0 0 1600 400"><rect width="1600" height="400" fill="#ccc"/></svg>'


def figures(width: str) -> str:
    return f"```diagram\nid: {width}\ncaption: A {width} figure\nalt: A grey box.\nwidth: {width}\n```\n\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory, browser):
    body = TEXT + "".join(TEXT + figures(w) for w in ("body", "wide", "page", "margin")) + TEXT
    body += '![A grey box](/blog/box.svg "A wide image"){#image width=wide}\n\n' + TEXT
    files = {"content/posts/a.md": post("A", body=body, toc=False),
             "static/box.svg": SVG, **{f"static/diagrams/{w}.svg": SVG for w in ("body", "wide", "page", "margin")}}
    root = write_files(tmp_path_factory.mktemp("widths") / "site", files, DEFAULT_SITE_YAML)
    with StaticServer(build(root).output, "/blog/") as server:
        yield server


BOXES = """() => Object.fromEntries([...document.querySelectorAll('.prose figure')].map(f => {
  const b = f.getBoundingClientRect(), p = document.querySelector('.prose').getBoundingClientRect();
  return [f.id, {left: b.left, right: b.right, width: b.width, column: p.width, columnLeft: p.left,
                 float: getComputedStyle(f).float}];
}))"""


@pytest.mark.parametrize("width", [375, 768, 1440])
def test_figure_widths(served, browser, width):
    page = new_page(browser, width, 900, "light")
    try:
        page.goto(served.url + "posts/a/", wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        boxes = page.evaluate(BOXES)
    finally:
        page.context.close()
    assert set(boxes) == {"body", "wide", "page", "margin", "image"}
    for name, box in boxes.items():
        assert box["left"] >= 0 and box["right"] <= width + 0.5, (name, box)
    body, wide, full, margin = (boxes[n] for n in ("body", "wide", "page", "margin"))
    assert abs(body["width"] - body["column"]) < 1
    if width == 375:
        assert all(abs(b["width"] - b["column"]) < 1 for b in (wide, full, margin)), boxes
    if width == 1440:
        assert body["column"] < wide["width"] < full["width"], boxes
        assert boxes["image"]["width"] == wide["width"]
        assert margin["float"] == "right" and margin["left"] >= body["right"], boxes
