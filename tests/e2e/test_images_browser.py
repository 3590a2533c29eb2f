"""The zoom lightbox in a real headless Chromium: keyboard, focus, and the plain link without JS.

Skipped without chromium (or Playwright), except under ``CHALK_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from support.sites import build, post
from support.pictures import photo

pytestmark = pytest.mark.browser


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("zoom") / "site"
    from support.sites import write_files

    write_files(root, {"content/posts/z/index.md": post("Zoom", body="Text.\n\n![A blue photo](p.jpg \"A caption\")\n\n"
                                                                      "More text.\n\n![Second](q.png)\n"),
                       "content/posts/z/p.jpg": photo(1600, 900), "content/posts/z/q.png": photo(400, 300, "PNG")},
                site_yaml="title: Test site\nbase_url: http://127.0.0.1/\n")
    out = build(root).output
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(out)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/posts/z/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def open_page(browser: Any, url: str, **context: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, **context)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    page.wait_for_load_state("load")
    return page


def test_keyboard_opens_and_escape_closes_with_focus_returned(browser, served):
    page = open_page(browser, served)
    link = page.locator("a.zoom").first
    link.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.zoom-dialog")
    dialog.wait_for(state="visible")
    assert page.evaluate("document.querySelector('dialog.zoom-dialog').open") is True
    assert page.evaluate("document.activeElement.className") == "zoom-dialog__close"
    shown = page.locator("dialog.zoom-dialog img")
    shown.wait_for(state="visible")
    page.wait_for_function("document.querySelector('dialog.zoom-dialog img').complete")
    box = shown.bounding_box()
    assert box is not None and box["width"] > 900  # full size, not the 672 px column
    assert page.evaluate("document.querySelector('dialog.zoom-dialog img').currentSrc").endswith(".avif")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement === document.querySelector('a.zoom')")
    assert page.url == served  # the page never navigated away
    page.keyboard.press("Enter")  # again, and close with Enter on the Close button
    dialog.wait_for(state="visible")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement === document.querySelector('a.zoom')")
    page.context.close()


def test_click_opens_and_click_closes(browser, served):
    page = open_page(browser, served)
    page.locator("a.zoom").nth(1).click()
    page.locator("dialog.zoom-dialog").wait_for(state="visible")
    page.mouse.click(20, 20)
    page.locator("dialog.zoom-dialog").wait_for(state="hidden")
    page.context.close()


def test_without_javascript_the_link_opens_the_full_image(browser, served):
    page = open_page(browser, served, java_script_enabled=False)
    page.locator("a.zoom").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/posts/z/p.jpg")
    page.context.close()
