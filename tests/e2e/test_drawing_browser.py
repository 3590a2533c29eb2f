"""Diagrams drawn from text, in a real headless Chromium: visible, sized, in the theme's colours.

One drawing per engine (skipped without it; CHALK_REQUIRE_DIAGRAMS=1 makes that a failure),
built, served on loopback and opened at 375 and 1440 px, light and dark.
"""

from __future__ import annotations

import pytest
from support.browser import StaticServer, new_page

from support.sites import build, post
from support.drawing import SOURCES, require_engine, slot

pytestmark = [pytest.mark.browser, pytest.mark.server]

COLOURS = """() => [...document.querySelectorAll('svg.diagram-svg')].map(svg => {
  const box = svg.getBoundingClientRect(), figure = svg.closest('figure').getBoundingClientRect();
  const text = [...svg.querySelectorAll('text')].find(t => t.textContent.trim());
  const shape = [...svg.querySelectorAll('rect, polygon, ellipse, path')].find(s => {
      const fill = getComputedStyle(s).fill; return fill && fill !== 'none' && !fill.startsWith('url'); });
  const edge = [...svg.querySelectorAll('path, line, polyline')].find(s => getComputedStyle(s).stroke !== 'none');
  return {id: svg.closest('figure').id, width: box.width, height: box.height,
          figureLeft: figure.left, figureRight: figure.right,
          text: text && getComputedStyle(text).fill, shape: shape && getComputedStyle(shape).fill,
          edge: edge && getComputedStyle(edge).stroke, visible: box.width > 0 && box.height > 0 &&
          getComputedStyle(svg).visibility === 'visible' && getComputedStyle(svg).display !== 'none'};
})"""


@pytest.fixture(scope="module")
def served(tmp_path_factory, browser):
    engines = [engine for engine in SOURCES if _has(engine)]
    if not engines:
        require_engine("mermaid")  # skips (or fails under CHALK_REQUIRE_DIAGRAMS=1)
    root = tmp_path_factory.mktemp("drawing-browser") / "site"
    from support.sites import DEFAULT_SITE_YAML, write_files
    blocks = [slot(engine, SOURCES[engine][0], id=f"by-{engine}") for engine in engines]
    write_files(root, {"content/posts/a.md": post("A", body="Text.\n\n" + "\n".join(blocks))}, DEFAULT_SITE_YAML)
    result = build(root)
    with StaticServer(result.output, "/blog/") as server:
        yield server, engines


def _has(engine: str) -> bool:
    try:
        require_engine(engine)
    except pytest.skip.Exception:
        return False
    return True


@pytest.mark.parametrize("engine", list(SOURCES))
def test_each_engine_is_installed_for_this_suite(engine):
    require_engine(engine)


@pytest.mark.parametrize("width", [375, 1440])
def test_drawings_are_visible_sized_and_follow_light_and_dark(served, browser, width):
    server, engines = served
    seen = {}
    for scheme in ("light", "dark"):
        page = new_page(browser, width, 900, scheme)
        try:
            page.goto(server.url + "posts/a/", wait_until="load")
            seen[scheme] = {d["id"]: d for d in page.evaluate(COLOURS)}
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow == 0
        finally:
            page.context.close()
    assert sorted(seen["light"]) == sorted(f"by-{engine}" for engine in engines)
    for ident, light in seen["light"].items():
        dark = seen["dark"][ident]
        assert light["visible"] and light["width"] > 40 and light["height"] > 15, light
        assert light["figureLeft"] >= 0 and light["figureRight"] <= width + 0.5, light
        assert light["text"] and light["edge"] and light["shape"], light
        # the theme's colours: dark text on light, light text on dark
        assert light["text"] == "rgb(30, 33, 37)" and dark["text"] == "rgb(230, 227, 220)", (light, dark)
        assert light["edge"] != dark["edge"] and light["shape"] != dark["shape"], (light, dark)
