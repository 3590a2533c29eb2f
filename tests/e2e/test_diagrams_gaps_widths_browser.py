"""Figure widths on pages with sidenotes, in a real Chromium at 375, 768 and 1440 px, light and dark.

At 1300 px and wider a page with footnotes puts them beside the text (sidenotes), in the same
three-column grid as margin figures. There a ``wide`` figure must still be wider than the text
column and a ``page`` figure at least as wide, with no horizontal overflow and without covering a
sidenote, a margin figure or the table of contents (which moves to the left margin there)."""

from __future__ import annotations

import pytest
from support.browser import StaticServer, new_page

from support.sites import DEFAULT_SITE_YAML, build, post, write_files

pytestmark = [pytest.mark.browser, pytest.mark.server]

TEXT = "A paragraph of ordinary text that fills the column from one side to the other. " * 4 + "\n\n"
NOTE = ("A sentence with a note{n}.[^n{n}] " + TEXT)
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="400" viewBox="0 0 1600 400">'
       '<rect width="1600" height="400" fill="#ccc"/></svg>')
LONG_NOTE = "A note long enough to run down the margin for a good few lines, past where the next figure starts. " * 3
WIDTHS = ("body", "wide", "page", "margin")


def figure(width: str) -> str:
    return f"```diagram\nid: {width}\ncaption: A {width} figure\nalt: A grey box.\nwidth: {width}\n```\n\n"


def article(notes: bool, toc: bool) -> str:
    blocks = []
    for n, width in enumerate(WIDTHS, 1):
        heading = f"## Part {n}\n\n" if toc else ""
        blocks.append(heading + (NOTE.format(n=n) if notes else TEXT) + figure(width) + TEXT)
    body = "".join(blocks)
    if notes:
        body += "".join(f"[^n{n}]: {LONG_NOTE}\n" for n in range(1, len(WIDTHS) + 1))
    return post("A", body=body, toc=toc)


@pytest.fixture(scope="module")
def served(tmp_path_factory, browser):
    files = {f"content/posts/{name}.md": article(notes, toc) for name, notes, toc in
             (("plain", False, False), ("notes", True, False), ("notes-toc", True, True))}
    files.update({f"static/diagrams/{w}.svg": SVG for w in WIDTHS})
    root = write_files(tmp_path_factory.mktemp("widths") / "site", files, DEFAULT_SITE_YAML)
    with StaticServer(build(root).output, "/blog/") as server:
        yield server


MEASURE = """() => {
  const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top,
                                                                bottom: b.bottom, width: b.width}; };
  const visible = e => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
  return {
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    prose: box(document.querySelector('.prose')),
    figures: Object.fromEntries([...document.querySelectorAll('.prose figure')].map(f => [f.id, box(f)])),
    sidenotes: [...document.querySelectorAll('.sidenote')].filter(visible).map(box),
    toc: [...document.querySelectorAll('.toc')].filter(visible).map(box),
  };
}"""


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 and \
        a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5


def measure(served, browser, name: str, width: int, scheme: str, shot: bool = False) -> dict:
    page = new_page(browser, width, 900, scheme)
    try:
        page.goto(served.url + f"posts/{name}/", wait_until="load")
        found = page.evaluate(MEASURE)
        if shot:  # the whole page, with the lazy images below the first screen loaded
            from support.sites import REPO
            page.evaluate("Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode(); }))")
            folder = REPO / "test-artifacts" / "screenshots"
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"figure-widths-{name}-{width}-{scheme}.png"), full_page=True)
    finally:
        page.context.close()
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 768, 1440])
@pytest.mark.parametrize("name", ["plain", "notes", "notes-toc"])
def test_figure_widths_with_and_without_sidenotes(served, browser, name, width, scheme):
    found = measure(served, browser, name, width, scheme, shot=True)
    boxes, column = found["figures"], found["prose"]
    assert found["overflow"] == 0, found
    assert set(boxes) == set(WIDTHS)
    for figure_id, box in boxes.items():
        assert box["left"] >= 0 and box["right"] <= width + 0.5, (figure_id, box)
    body, wide, full, margin = (boxes[w] for w in WIDTHS)
    assert abs(body["width"] - column["width"]) < 1, found
    assert wide["width"] >= body["width"] - 0.5 and full["width"] >= wide["width"] - 0.5, found
    if width == 375:
        assert all(abs(b["width"] - column["width"]) < 1 for b in (wide, full, margin)), found
    if width == 1440:
        assert wide["width"] > body["width"] + 32, found  # at least 2rem more than the text column
        assert full["width"] >= wide["width"] - 0.5, found
        assert margin["left"] >= column["right"], found  # beside the text, not in it
        assert margin["width"] < column["width"] / 2, found
        if name != "plain":
            assert len(found["sidenotes"]) == len(WIDTHS), found  # the notes are in the margin
        for figure_id in ("wide", "page"):
            for item in found["sidenotes"] + found["toc"]:
                assert not overlaps(boxes[figure_id], item), (figure_id, item, found)
        for item in found["sidenotes"]:
            assert not overlaps(margin, item), (item, found)
