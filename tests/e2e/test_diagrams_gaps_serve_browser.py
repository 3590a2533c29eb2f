"""A broken diagram while writing, in a real Chromium on `chalk serve`: the edit appears in place with
the figure showing a visible error box (path:line and the engine's message), the rest of the edit
appears too, the overlay lists the error, and fixing it brings the drawing back."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.serving import SERVE_WAIT_SECONDS
from support.sites import write_files
from test_diagrams_gaps_serve import ARTICLE, BAD_LINE, D2_SCRIPT, article
from support.drawing import SOURCES, require_engine
from support.browser import page  # noqa: F401  (the fixture: a page that records reload.js's messages)

pytestmark = [pytest.mark.browser, pytest.mark.server]
WAIT_MS = int(SERVE_WAIT_SECONDS * 1000)
SITE_YAML = "title: T\nbase_url: https://example.org/\nsearch: false\n"
GOOD_D2 = "a -> b\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    require_engine("d2")
    require_engine("dot")
    return write_files(tmp_path / "site", {ARTICLE: article(GOOD_D2, "d2", SOURCES["dot"][0])}, site_yaml=SITE_YAML)


def test_a_broken_diagram_is_an_error_box_on_the_live_page_and_in_the_overlay(page, site: Path, chalk_serve):
    served = chalk_serve(site)
    page.goto(served.url + "posts/a/", wait_until="load")
    page.wait_for_function("window.__chalkMessages.length > 0", timeout=WAIT_MS)
    page.evaluate("window.__marker = 1")
    assert page.locator("#flow svg.diagram-svg").count() == 1

    broken = article(D2_SCRIPT, "d2", SOURCES["dot"][0]).replace("After the figure", "Edited after the figure")
    (site / ARTICLE).write_text(broken)
    box = page.locator("#flow .diagram-error")
    box.wait_for(state="visible", timeout=WAIT_MS)
    assert [line for line in box.inner_text().split("\n") if line] == ["diagram 'flow' could not be drawn",
                                            f'{ARTICLE}:{BAD_LINE}: unknown shape "<script>"']
    size = box.bounding_box()
    assert size and size["width"] > 200 and size["height"] > 30  # visible, not collapsed
    assert page.locator("#flow svg").count() == 0 and page.locator("#flow script").count() == 0
    assert page.locator(".prose").inner_text().count("Edited after the figure, the article goes on.") == 1
    assert page.locator("#other svg.diagram-svg").is_visible()  # the rest of the page: the other diagram drawn
    overlay = page.locator("#chalk-error-overlay")
    overlay.wait_for(state="visible", timeout=WAIT_MS)
    text = overlay.inner_text()
    assert "this version is shown" in text
    assert f"{ARTICLE}:{BAD_LINE}: diagram 'flow': unknown shape \"<script>\"" in text
    assert page.evaluate("window.__marker") == 1  # morphed in place, not reloaded
    colours = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('#flow .diagram-error'));
        return [s.color, s.borderTopStyle]; }""")
    assert colours[1] == "dashed" and colours[0] != page.evaluate("getComputedStyle(document.body).color")

    (site / ARTICLE).write_text(article(GOOD_D2.replace("b", "c"), "d2", SOURCES["dot"][0]))
    overlay.wait_for(state="detached", timeout=WAIT_MS)
    page.locator("#flow svg.diagram-svg").wait_for(state="visible", timeout=WAIT_MS)
    assert page.locator(".diagram-error").count() == 0
    served.assert_clean_stop()
