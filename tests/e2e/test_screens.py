"""The seed article on real screens, in a headless Chromium: 375, 768 and 1440 px wide, light and dark.

* no horizontal overflow: the document is exactly as wide as the viewport;
* code blocks scroll inside themselves (the page does not);
* the table of contents is reachable (shown, or its toggle is);
* diagram placeholders have a sensible size (taller than 100 px, no wider than the screen);
* budgets: HTML + CSS + JS transfer under 100 KB (diagram images excluded; bytes on the wire,
  headers included, from a static server that gzips text like GitHub Pages, Netlify or nginx do;
  the uncompressed sizes are written to test-artifacts/budgets.json), not one request to a host
  other than 127.0.0.1, and no layout shift (CLS ~ 0) while a drawing loads slowly.

Screenshots are saved under test-artifacts/screenshots/ (git-ignored; CI keeps them as artefacts).
Skipped without chromium, except when ``CHALK_REQUIRE_BROWSER=1`` (CI): then they fail.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.browser import new_page, require_pagefind, SCREENSHOTS, SEED_URL, served_repo_site

pytestmark = [pytest.mark.browser, pytest.mark.server]

WIDTHS = [375, 768, 1440]
SCHEMES = ["light", "dark"]
BUDGET_BYTES = 100 * 1024
FILLED_SLOT = "gan-architecture"  # one slot gets a drawing in the test copy, served slowly
DRAWING = ('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600" viewBox="0 0 1200 600">'
           '<rect width="1200" height="600" fill="#eee"/><text x="40" y="80" font-size="40">GAN</text></svg>\n')

CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    """The repository's site with search on (its script counts in the budget) and one drawing filled in."""
    require_pagefind()

    def add_drawing(root: Path) -> None:
        (root / "static/diagrams").mkdir(parents=True, exist_ok=True)
        (root / f"static/diagrams/{FILLED_SLOT}.svg").write_text(DRAWING)

    with served_repo_site(tmp_path_factory.mktemp("screens"), prepare=add_drawing, compress=True) as served:
        yield served


def open_article(browser, server, width: int, scheme: str):
    page = new_page(browser, width, 900, scheme)
    page.goto(server.url + SEED_URL, wait_until="load")
    return page


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_seed_article_fits_the_screen(site, browser, width: int, scheme: str):
    server, _ = site
    page = open_article(browser, server, width, scheme)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"article-{width}-{scheme}.png"), full_page=True)
        page.screenshot(path=str(SCREENSHOTS / f"article-{width}-{scheme}-top.png"))

        sizes = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                          client: document.documentElement.clientWidth, inner: innerWidth})""")
        assert sizes["scroll"] == sizes["client"] <= sizes["inner"] == width, f"horizontal overflow: {sizes}"

        # code blocks: inside the screen; a long line scrolls inside the block
        blocks = page.evaluate("""() => [...document.querySelectorAll('div.highlight pre')].map(pre => {
            const box = pre.getBoundingClientRect(), style = getComputedStyle(pre);
            return {left: box.left, right: box.right, scroll: pre.scrollWidth, client: pre.clientWidth,
                    overflow: style.overflowX};
        })""")
        assert blocks, "the seed article has code blocks"
        for block in blocks:
            assert block["left"] >= 0 and block["right"] <= width + 0.5, f"code block off screen: {block}"
            if block["scroll"] > block["client"]:
                assert block["overflow"] in ("auto", "scroll"), f"code cut off instead of scrolling: {block}"
        if width == 375:
            assert any(b["scroll"] > b["client"] for b in blocks), "expected a code line wider than a phone"

        # the table of contents: shown, or its toggle is
        toc = page.locator("nav.toc")
        assert toc.count() == 1
        assert toc.is_visible()
        toggle = toc.locator("summary")
        first_link = toc.locator("a").first
        assert first_link.is_visible() or toggle.is_visible()
        if not first_link.is_visible():
            toggle.click()
            assert first_link.is_visible()

        # diagram slots: placeholders and drawings have room, and fit (a drawing wider than a phone
        # scrolls inside its figure, so the figure is what must fit)
        figures = page.evaluate("""() => [...document.querySelectorAll(
                '.diagram-placeholder, figure.diagram img, figure.diagram svg.diagram-svg')].map(el => {
            const box = el.getBoundingClientRect(), fig = el.closest('figure').getBoundingClientRect();
            return {cls: el.className.baseVal ?? (el.className || el.tagName), width: box.width,
                    height: box.height, left: fig.left, right: fig.right, drawn: el.tagName === 'svg'};
        })""")
        assert len(figures) == 4, figures
        for figure in figures:
            assert figure["height"] > (40 if figure["drawn"] else 100), f"diagram too small at {width}px: {figure}"
            assert figure["left"] >= 0 and figure["right"] <= width + 0.5, figure
    finally:
        page.context.close()


def test_seed_article_budgets(site, browser):
    """HTML+CSS+JS under 100 KB, loopback only, no layout shift while a drawing arrives late."""
    server, _ = site
    context = browser.new_context(viewport={"width": 1440, "height": 900}, reduced_motion="reduce")
    context.add_init_script(CLS_OBSERVER)
    page = context.new_page()
    requests: list[str] = []
    responses = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: responses.append(response))

    def slow_drawing(route):
        time.sleep(0.8)  # the page has painted long before: a slot without reserved room would jump
        route.continue_()

    context.route("**/diagrams/*.svg", slow_drawing)
    try:
        page.goto(server.url + SEED_URL, wait_until="load")
        # read down to each diagram (lazy drawings load on the way), then back up
        for index in range(page.locator("figure.diagram").count()):
            figure = f"document.querySelectorAll('figure.diagram')[{index}]"
            page.evaluate(figure + ".scrollIntoView({behavior: 'instant', block: 'center'})")
            # stay while its drawing arrives: a shift happens, if at all, in view
            page.wait_for_function(f"[...{figure}.querySelectorAll('img')].every(img => img.complete)")
            page.wait_for_timeout(150)
        page.wait_for_function("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
        page.wait_for_timeout(300)
        page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
        page.wait_for_timeout(300)

        hosts = {urlsplit(url).hostname for url in requests if urlsplit(url).scheme in ("http", "https")}
        assert hosts == {"127.0.0.1"}, f"requests to other hosts: {sorted(u for u in requests if '127.0.0.1' not in u)}"
        assert not [url for url in requests if urlsplit(url).scheme not in ("http", "https", "data")], requests

        counted = []
        for response in responses:
            kind = response.request.resource_type
            if kind in ("document", "stylesheet", "script"):
                sizes = response.request.sizes()
                counted.append({"kind": kind, "path": urlsplit(response.url).path,
                                "transfer": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                                "body": len(response.body())})
        assert {"document", "stylesheet", "script"} <= {c["kind"] for c in counted}, counted
        transfer, body = sum(c["transfer"] for c in counted), sum(c["body"] for c in counted)
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS.parent / "budgets.json").write_text(json.dumps(
            {"page": SEED_URL, "transfer_bytes": transfer, "uncompressed_bytes": body, "budget_bytes": BUDGET_BYTES,
             "resources": counted}, indent=2) + "\n")
        assert transfer < BUDGET_BYTES, (
            f"{transfer} bytes of HTML+CSS+JS transferred ({body} uncompressed; budget {BUDGET_BYTES}): {counted}")

        assert any(f"diagrams/{FILLED_SLOT}.svg" in url for url in requests), "the drawing was not requested"
        cls = page.evaluate("window.__cls")
        assert cls < 0.01, f"cumulative layout shift {cls:.4f}"
    finally:
        context.close()
