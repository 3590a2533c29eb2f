"""``chalk serve`` in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

The real CLI server runs as a subprocess with its watcher; the tests edit the
site's files on disk like a writer would and watch the open page react:

* a Markdown edit shows up in place (the DOM is morphed: no reload, so a
  ``window.__marker`` set before survives) and the scroll position is kept;
* a stylesheet edit changes the computed style with no reload;
* a broken front matter shows ``#chalk-error-overlay`` naming the file, and
  fixing it makes the overlay go away.

Without chromium (or Playwright) these tests are skipped, except when
``CHALK_REQUIRE_BROWSER=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.serving import SERVE_WAIT_SECONDS
from support.sites import post, REPO, write_files
from support.browser import page  # noqa: F401  (the fixture: a page that records reload.js's messages)

pytestmark = [pytest.mark.browser, pytest.mark.server]

WAIT_MS = int(SERVE_WAIT_SECONDS * 1000)
SITE_YAML = "title: Browser test\nbase_url: https://example.org/blog/\n"
ARTICLE_URL = "posts/long/"
ARTICLE = "content/posts/long.md"
OPENING = "The opening paragraph, as first written."


def article_text(opening: str = OPENING) -> str:
    paragraphs = [opening] + [
        f"Paragraph {n}: a long explainer needs many words, so here are some more about diffusion, "
        f"attention, gradients and the patience it takes to read them all the way to the end." for n in range(2, 120)
    ]
    return post("A long article", "2024-05-01", body="\n\n".join(paragraphs) + "\n", tags=["long"])


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with one long article and its own copy of chalk's stylesheet (to edit)."""
    return write_files(tmp_path / "site", {
        ARTICLE: article_text(),
        "content/posts/short.md": post("A short one", "2024-04-01", body="Short.\n"),
        "static/css/chalk.css": (REPO / "static/css/chalk.css").read_text(),
    }, site_yaml=SITE_YAML)


@pytest.fixture
def served(site: Path, chalk_serve):
    server = chalk_serve(site)
    yield server
    server.assert_clean_stop()


def open_connected(page, url: str) -> None:
    """Open ``url`` and wait until reload.js has its event stream (the first message arrived)."""
    page.goto(url, wait_until="load")
    page.wait_for_function("window.__chalkMessages && window.__chalkMessages.length > 0", timeout=WAIT_MS)
    page.evaluate("window.__marker = 1")


def test_markdown_edit_appears_in_place_and_keeps_the_scroll_position(page, served, site: Path):
    open_connected(page, served.url + ARTICLE_URL)
    assert page.evaluate("document.documentElement.scrollHeight") > 4000, "the article must be long"
    page.evaluate("window.scrollTo(0, 2000)")
    page.wait_for_function("Math.abs(window.scrollY - 2000) < 1", timeout=WAIT_MS)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    edited = "The opening paragraph, rewritten while the reader sits further down."
    (site / ARTICLE).write_text(article_text(edited))
    page.wait_for_function("text => document.body.innerText.includes(text)", arg=edited, timeout=WAIT_MS)

    assert OPENING not in page.inner_text("body")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of morphed"
    assert navigations == []
    scroll = page.evaluate("window.scrollY")
    assert abs(scroll - 2000) <= 5, f"scroll position moved from 2000 to {scroll}"


def test_stylesheet_edit_swaps_in_place_without_reload(page, served, site: Path):
    open_connected(page, served.url + ARTICLE_URL)
    assert page.evaluate("getComputedStyle(document.body).outlineColor") != "rgb(1, 2, 3)"
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    css = site / "static/css/chalk.css"
    css.write_text(css.read_text() + "\nbody { outline: 3px solid rgb(1, 2, 3) }\n")
    page.wait_for_function("getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'", timeout=WAIT_MS)

    assert page.evaluate("window.__marker") == 1, "the page was reloaded for a stylesheet change"
    assert navigations == []
    # the old <link> goes once the new one has loaded: one chalk.css stylesheet, not a growing pile
    page.wait_for_function(
        "document.querySelectorAll('link[rel=stylesheet][href*=\"css/chalk.css\"]').length === 1", timeout=WAIT_MS)
    assert page.evaluate("getComputedStyle(document.body).outlineStyle") == "solid"


def test_front_matter_error_shows_overlay_until_fixed(page, browser, served, site: Path):
    open_connected(page, served.url + ARTICLE_URL)
    good = (site / ARTICLE).read_text()

    (site / ARTICLE).write_text(good.replace('title: "A long article"', 'title: [A long article'))
    overlay = page.locator("#chalk-error-overlay")
    overlay.wait_for(state="visible", timeout=WAIT_MS)
    text = overlay.inner_text()
    assert "content/posts/long.md:" in text, text
    assert "front matter" in text, text
    served.wait_for("^Build failed")
    terminal = [line for line in served.out if line.startswith("content/posts/long.md:")]
    assert terminal and all(line in text for line in terminal), (terminal, text)
    # the last good page is still there under the overlay
    assert "Paragraph 50:" in page.inner_text("main")

    # a page opened while the site is broken shows the overlay at once
    other = page.context.new_page()
    other.goto(served.url, wait_until="load")
    other.locator("#chalk-error-overlay").wait_for(state="visible", timeout=WAIT_MS)
    assert "content/posts/long.md:" in other.locator("#chalk-error-overlay").inner_text()

    # the writer undoes the typo: the site is exactly the last good one again (no page changes,
    # so nothing is morphed) and the overlay still has to go away by itself
    (site / ARTICLE).write_text(good)
    overlay.wait_for(state="detached", timeout=WAIT_MS)
    other.locator("#chalk-error-overlay").wait_for(state="detached", timeout=WAIT_MS)
    assert page.evaluate("window.__marker") == 1
    assert OPENING in page.inner_text("main")
    assert served.alive()
    other.close()


def test_edit_of_an_article_with_a_non_ascii_address_appears(page, served, site: Path):
    """Browsers percent-encode location.pathname (/posts/%C3%BCber-caf%C3%A9/); the page must still match."""
    article = site / "content/posts/über-café.md"
    article.write_text(post("Über café", "2024-03-01", body="Before the edit.\n"))
    served.wait_for("^Rebuilt in", count=2)
    open_connected(page, served.url + "posts/über-café/")
    assert "%C3%BC" in page.evaluate("location.pathname")
    article.write_text(post("Über café", "2024-03-01", body="After the edit.\n"))
    page.wait_for_function("document.body.innerText.includes('After the edit.')", timeout=WAIT_MS)
    assert page.evaluate("window.__marker") == 1


def test_navigate_takes_the_browser_to_the_saved_article(page, site: Path, chalk_serve):
    """``chalk serve --navigate``: a reader on another page is taken to the article just saved."""
    server = chalk_serve(site, "--navigate")
    open_connected(page, server.url + "posts/short/")
    edited = "The opening paragraph, saved while the browser showed another page."
    (site / ARTICLE).write_text(article_text(edited))
    page.wait_for_url("**/" + ARTICLE_URL, timeout=WAIT_MS)
    assert edited in page.inner_text("body")
    open_connected(page, server.url + ARTICLE_URL)  # already there: updated in place, not navigated
    again = "The opening paragraph, saved once more with the article open."
    (site / ARTICLE).write_text(article_text(again))
    page.wait_for_function("text => document.body.innerText.includes(text)", arg=again, timeout=WAIT_MS)
    assert page.evaluate("window.__marker") == 1, "the open article was reloaded instead of morphed"
    server.assert_clean_stop()
