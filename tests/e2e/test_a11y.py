"""Accessibility, measured in a real headless Chromium.

axe-core (pinned in tests/browser/package.json, installed with ``npm ci --prefix tests/browser``)
is injected into every page type of this repository's own site, built with search on: the home
page, the seed article (code with line numbers, diagram slots, callouts, footnotes), a tag page,
the tag index, the archive, the 404 page, the about page and the open search results; each in
the light and the dark colour scheme. WCAG 2.0/2.1 A and AA rules must report no violation,
colour contrast of the highlighted code included.

The keyboard test tabs through the home page: the skip link comes first and is visible when
focused, every link, button and field is reached, and each shows a focus ring.

Skipped without chromium or axe-core, except when ``CHALK_REQUIRE_BROWSER=1`` (CI): then they fail.
"""

from __future__ import annotations

import json

import pytest
from support.browser import new_page, require_axe, require_pagefind, SEED_URL, served_repo_site

pytestmark = [pytest.mark.browser, pytest.mark.server]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ["light", "dark"]
PAGES = {
    "home": "",
    "article": SEED_URL,
    "tag": "tags/generative-ai/",
    "tags": "tags/",
    "archive": "archive/",
    "404": "no-such-page/",
    "about": "about/",
}


@pytest.fixture(scope="module")
def axe_script():
    return require_axe().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    require_pagefind()
    with served_repo_site(tmp_path_factory.mktemp("a11y")) as served:
        yield served


def run_axe(page, axe_script: str) -> list[dict]:
    page.add_script_tag(content=axe_script)
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]},
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {json.dumps(node['target'])}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", list(PAGES))
def test_page_has_no_wcag_aa_violations(site, browser, axe_script: str, kind: str, scheme: str):
    server, _ = site
    page = new_page(browser, 1280, 900, scheme)
    try:
        response = page.goto(server.url + PAGES[kind], wait_until="load")
        assert response is not None and response.status == (404 if kind == "404" else 200)
        if kind == "article":  # the page that has every kind of content
            for selector in ("div.highlight", ".linenos", ".hll", "figure.diagram", "svg.diagram-svg",
                             ".admonition", ".footnote", "nav.toc"):
                assert page.locator(selector).count() > 0, f"the seed article has no {selector}"
        violations = run_axe(page, axe_script)
        assert violations == [], f"{kind} page, {scheme}:\n{describe(violations)}"
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_search_results_have_no_wcag_aa_violations(site, browser, axe_script: str, scheme: str):
    server, _ = site
    page = new_page(browser, 1280, 900, scheme)
    try:
        page.goto(server.url + SEED_URL, wait_until="load")
        page.get_by_role("searchbox", name="Search this site").fill("generative")
        page.locator(".site-search__link").first.wait_for(state="visible")
        page.keyboard.press("ArrowDown")  # a focused result, too
        assert page.locator(".site-search__excerpt mark").count() > 0
        violations = run_axe(page, axe_script)
        assert violations == [], f"search results, {scheme}:\n{describe(violations)}"
    finally:
        page.context.close()


FOCUSABLE = """() => [...document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, summary, [tabindex]')]
  .filter(el => el.tabIndex >= 0 && !el.closest('[hidden], [inert]') && getComputedStyle(el).visibility !== 'hidden'
                && (el.getClientRects().length > 0 || el.classList.contains('skip-link')))
  .map(el => el.outerHTML.slice(0, 120))"""

FOCUS_STATE = """() => {
  const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  return {html: el.outerHTML.slice(0, 120), ring, visible: box.width > 0 && box.height > 0
          && box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth,
          outline: style.outlineStyle + ' ' + style.outlineWidth, shadow: style.boxShadow};
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keyboard_reaches_everything_on_the_home_page_with_a_visible_focus_ring(site, browser, scheme: str):
    server, _ = site
    page = new_page(browser, 1280, 900, scheme)
    try:
        page.goto(server.url, wait_until="load")
        expected = page.evaluate(FOCUSABLE)
        assert len(expected) >= 6, expected
        reached: list[dict] = []
        for _ in range(len(expected) + 5):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if reached and state["html"] == reached[0]["html"]:
                break
            reached.append(state)
        assert reached[0]["html"].startswith('<a class="skip-link"'), "the skip link must come first"
        assert reached[0]["visible"], "the skip link must show when focused"
        seen = [state["html"] for state in reached]
        missing = [html for html in expected if html not in seen]
        assert missing == [], f"Tab never reached: {missing}"
        no_ring = [(s["html"], s["outline"], s["shadow"]) for s in reached if s["html"] in expected and not s["ring"]]
        assert no_ring == [], f"no visible focus ring on: {no_ring}"
        hidden = [s["html"] for s in reached if s["html"] in expected and not s["visible"]]
        assert hidden == [], f"focused but off screen: {hidden}"

        page.goto(server.url, wait_until="load")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the skip link moves focus to the main content
        assert page.evaluate("document.activeElement.id") == "content"
    finally:
        page.context.close()
