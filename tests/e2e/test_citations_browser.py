"""The preview (static/js/preview.js) in a real Chromium, on the seed article of this repository:
citations, footnotes, figure and equation references and glossary terms; hover, Tab focus,
Escape, tap at 375 px, and zero axe violations with a preview open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from support.browser import SCREENSHOTS, SEED_URL, new_page, require_axe, served_repo_site
from support.tools import require_cite

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seed(tmp_path_factory, browser) -> Iterator[str]:
    require_cite()
    with served_repo_site(tmp_path_factory.mktemp("citations-browser"), search=False) as (server, _):
        yield server.url + SEED_URL


def preview(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => {
        const tip = document.getElementById('chalk-preview');
        if (!tip || tip.hidden) return {open: false};
        const r = tip.getBoundingClientRect();
        return {open: true, kind: tip.dataset.kind, text: tip.textContent.replace(/\\s+/g, ' ').trim(),
                left: r.left, right: r.right, width: r.width, height: r.height,
                focusable: tip.querySelectorAll('a[href], [tabindex], button, input').length,
                ids: tip.querySelectorAll('[id]').length, role: tip.getAttribute('role')};
    }""")


def described_by(page: Any, selector: str) -> str | None:
    return page.evaluate(f"document.querySelector({selector!r}).getAttribute('aria-describedby')")


def test_citation_preview_opens_on_hover_and_shows_the_entry(browser, seed):
    page = new_page(browser, 1280)
    page.goto(seed)
    link = page.locator('.citation a[href="#ref-goodfellow2014"]').first
    link.scroll_into_view_if_needed()
    link.hover()
    shown = preview(page)
    assert shown["open"] and shown["kind"] == "reference" and shown["role"] == "tooltip"
    entry = page.evaluate("document.getElementById('ref-goodfellow2014').textContent.replace(/\\s+/g, ' ')")
    assert "Generative Adversarial Nets" in shown["text"] and shown["text"].split("↩")[0].strip() in entry
    assert shown["focusable"] == 0 and shown["ids"] == 0
    assert described_by(page, '.citation a[href="#ref-goodfellow2014"]') == "chalk-preview"
    page.mouse.move(5, 5)
    page.wait_for_function("document.getElementById('chalk-preview').hidden")
    page.context.close()


def test_tab_focus_opens_escape_closes_and_focus_moves_on(browser, seed):
    page = new_page(browser, 1280)
    page.goto(seed)
    page.locator('.citation a[href="#ref-goodfellow2014"]').first.focus()
    assert preview(page)["open"]
    page.keyboard.press("Escape")
    assert not preview(page)["open"]
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#ref-goodfellow2014"
    assert described_by(page, '.citation a[href="#ref-goodfellow2014"]') is None
    page.keyboard.press("Tab")  # focus goes on to the next link: the preview holds none
    after = page.evaluate("document.activeElement.closest('#chalk-preview') === null")
    assert after
    page.context.close()


@pytest.mark.parametrize("selector, kind, expect", [
    ("a.footnote-ref", "note", "The analogy has a limit"),
    ("a.xref--fig", "figure", "Figure 1"),
    ("a.xref--eq", "equation", "(1)"),
    ("a.term__link", "term", None),
])
def test_each_kind_of_target_shows_its_content(browser, seed, selector, kind, expect):
    page = new_page(browser, 1280)
    page.goto(seed)
    link = page.locator(".prose " + selector).first
    link.focus()
    shown = preview(page)
    assert shown["open"] and shown["kind"] == kind, shown
    if kind == "term":
        expect = page.evaluate(f"document.querySelector('.prose {selector}').parentNode"
                               ".querySelector('.term__tip').textContent.trim()")
        assert shown["text"] == expect
    else:
        assert expect in shown["text"], shown
    if kind == "equation":
        assert page.evaluate("document.querySelectorAll('#chalk-preview math').length") == 1
    assert shown["ids"] == 0
    page.context.close()


def test_tap_opens_then_follows_at_375px(browser, seed):
    context = browser.new_context(viewport={"width": 375, "height": 800}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(seed)
    link = page.locator('.citation a[href="#ref-kingma2013"]').first
    link.scroll_into_view_if_needed()
    link.tap()
    shown = preview(page)
    assert shown["open"] and shown["kind"] == "reference"
    assert shown["left"] >= 0 and shown["right"] <= 375 and shown["width"] > 200, shown
    assert page.evaluate("location.hash") == ""
    link.tap()
    page.wait_for_function("location.hash === '#ref-kingma2013'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_with_a_preview_open(browser, seed, scheme):
    axe = require_axe().read_text(encoding="utf-8")
    page = new_page(browser, 1280, scheme=scheme)
    page.goto(seed)
    page.locator('.citation a[href="#ref-kingma2013"]').first.focus()
    assert preview(page)["open"]
    page.add_script_tag(content=axe)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '));
    }""")
    assert result == [], result
    page.context.close()


@pytest.mark.parametrize("width, scheme", [(375, "light"), (375, "dark"), (1440, "light"), (1440, "dark")])
def test_screenshots(browser, seed, width, scheme):
    """Not an assertion of looks: pictures for a person to review (test-artifacts/screenshots/)."""
    page = new_page(browser, width, 1000, scheme=scheme)
    page.goto(seed)
    link = page.locator('.citation a[href="#ref-sohldickstein2015"]').first
    link.scroll_into_view_if_needed()
    link.hover() if width > 600 else link.focus()
    assert preview(page)["open"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SCREENSHOTS) / f"citations-preview-{width}-{scheme}.png"))
    page.locator("#refs").scroll_into_view_if_needed()
    page.screenshot(path=str(Path(SCREENSHOTS) / f"citations-references-{width}-{scheme}.png"))
    page.context.close()
