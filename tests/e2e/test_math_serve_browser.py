"""A bad formula while writing, in a real Chromium on `chalk serve`: the edit appears in place with the
formula in a visible error box, the overlay lists it, and fixing it clears both. Also how KaTeX's
MathML is drawn: aligned columns line up, styled letters are styled."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.serving import SERVE_WAIT_SECONDS
from support.sites import post, write_files
from support.browser import page  # noqa: F401  (the fixture: a page that records reload.js's messages)

pytestmark = [pytest.mark.browser, pytest.mark.server]
WAIT_MS = int(SERVE_WAIT_SECONDS * 1000)
GOOD = ("Fine $x^2$ here.\n\n\\begin{align}\na &= b + c \\\\\nlonger &= d \\nonumber \\\\\ne &= f\n\\end{align}\n\n"
        "Set $\\mathbb{R}^n$.\n")
BAD = GOOD.replace("Fine $x^2$ here.", "Fine $x^2$ here, broken $\\frob{y}$ there.")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_files(tmp_path / "site", {"content/posts/m.md": post("M", "2024-05-01", body=GOOD)},
                       site_yaml="title: T\nbase_url: https://example.org/\n")


def test_a_bad_formula_is_an_error_box_on_the_live_page_and_in_the_overlay(page, site: Path, chalk_serve):
    served = chalk_serve(site)
    page.goto(served.url + "posts/m/", wait_until="load")
    page.wait_for_function("window.__chalkMessages.length > 0", timeout=WAIT_MS)
    page.evaluate("window.__marker = 1")

    (site / "content/posts/m.md").write_text(post("M", "2024-05-01", body=BAD))
    page.locator(".math-error").wait_for(state="visible", timeout=WAIT_MS)
    assert page.locator(".math-error").inner_text() == "$\\frob{y}$"
    overlay = page.locator("#chalk-error-overlay")
    overlay.wait_for(state="visible", timeout=WAIT_MS)
    text = overlay.inner_text()
    assert "this version is shown" in text and "content/posts/m.md:6: math: cannot convert $\\frob{y}$" in text
    assert page.evaluate("window.__marker") == 1  # morphed in place, not reloaded
    box = page.locator(".math-error").bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10  # visible, not collapsed

    (site / "content/posts/m.md").write_text(post("M", "2024-05-01", body=GOOD))
    overlay.wait_for(state="detached", timeout=WAIT_MS)
    page.locator(".math-error").wait_for(state="detached", timeout=WAIT_MS)  # the fixed page, morphed in
    assert page.locator(".math-error").count() == 0 and page.evaluate("window.__marker") == 1
    served.assert_clean_stop()


def test_aligned_columns_line_up_and_numbers_sit_at_the_right(page, site: Path, chalk_serve):
    served = chalk_serve(site)
    page.goto(served.url + "posts/m/", wait_until="load")
    edges = page.evaluate("""() => [...document.querySelectorAll('.math-display mtable > mtr')].map(row => {
        const cells = [...row.children].filter(c => !/mtr-glue|mml-eqn-num/.test(c.className));
        const lhs = cells[0].firstElementChild, rhs = cells[1].firstElementChild;
        return {lhsRight: lhs ? lhs.getBoundingClientRect().right : null, rhsLeft: rhs.getBoundingClientRect().left};
    })""")
    assert len(edges) == 3
    lefts = [e["rhsLeft"] for e in edges]
    assert max(lefts) - min(lefts) < 1, edges  # every "=" starts at the same x
    rights = [e["lhsRight"] for e in edges if e["lhsRight"] is not None]
    assert max(rights) - min(rights) < 1, edges  # left-hand sides are right-aligned
    numbers = page.evaluate("[...document.querySelectorAll('.math-eqno')].map(e => e.textContent)")
    assert numbers == ["(1)", "(2)"]
    served.assert_clean_stop()
