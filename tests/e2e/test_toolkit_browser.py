"""The explainer toolkit in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

This repository's site (plus a post with shell and Python sessions) is built with the
glossary and served over loopback HTTP; the tests look at what a reader gets:

* MathML renders, with a real size, without any script;
* at 1400 px sidenotes sit in the right margin beside their reference, and at 400 px
  nothing overflows the page (the ordinary footnote list is shown instead);
* the copy button puts the code on the clipboard, without line numbers or prompts;
* a glossary term shows its definition on keyboard focus and on hover.

Without chromium (or Playwright) these tests are skipped, except when
``CHALK_REQUIRE_BROWSER=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest


from chalk.content import decode, split_front_matter
from chalk.errors import Diagnostics
from chalk.markdown import scan_fences
from support.sites import build, copy_repo_site, post, REPO

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.browser

SEED = "content/posts/demystifying-generative-ai.md"
ARTICLE = "posts/demystifying-generative-ai/"
SESSION = "posts/sessions/"
SESSION_POST = post("Sessions", "2020-01-01", series="Toolkit demo", series_part=2, body=(
    "Install and build:\n\n```console\n$ pip install chalk\nCollecting chalk\n$ chalk build\nBuilt 3 pages\n```\n\n"
    "In Python:\n\n```pycon\n>>> 1 + 1\n2\n>>> print('$5')\n$5\n```\n"))
# Records what the page hands to the clipboard (and still lets the real clipboard have it).
RECORD_CLIPBOARD = """
(() => {
  window.__copied = [];
  if (!navigator.clipboard) return;
  const write = navigator.clipboard.writeText.bind(navigator.clipboard);
  navigator.clipboard.writeText = (text) => { window.__copied.push(text); return write(text).catch(() => {}); };
})();
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """The site, built with the glossary into public/ and served at http://127.0.0.1:PORT/."""
    root = copy_repo_site(tmp_path_factory.mktemp("toolkit-browser") / "site")
    (root / "content/posts/sessions.md").write_text(SESSION_POST, encoding="utf-8")
    (root / "content/posts/opening.md").write_text(
        post("Opening", "2019-12-01", series="Toolkit demo", series_part=1, body="The first part.\n"), encoding="utf-8")
    out = build(root, cache=False).output
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(out)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def open_page(browser: Any, url: str, width: int, height: int = 900, **context: Any) -> Any:
    ctx = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce", **context)
    ctx.add_init_script(RECORD_CLIPBOARD)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    page.wait_for_load_state("load")
    return page


def seed_code(title: str) -> str:
    """A fenced code block of the seed article, as written in its Markdown."""
    _, body, _ = split_front_matter(decode((REPO / SEED).read_bytes()), SEED, Diagnostics())
    fence = next(f for f in scan_fences(body) if f'title="{title}"' in body.split("\n")[f.line - 1])
    return fence.body


# --------------------------------------------------------------------------- math

def test_mathml_renders_with_a_real_size(browser, served):
    page = open_page(browser, served + ARTICLE, 1280)
    boxes = page.evaluate("""() => [...document.querySelectorAll('math')].map(m => {
        const r = m.getBoundingClientRect();
        return {display: m.getAttribute('display'), width: r.width, height: r.height,
                layout: getComputedStyle(m).display};
    })""")
    assert len(boxes) >= 8
    for box in boxes:
        assert box["width"] > 3 and box["height"] > 8, box
    blocks = [b for b in boxes if b["display"] == "block"]
    assert len(blocks) == 2 and all(b["width"] > 150 and b["height"] > 15 for b in blocks), blocks
    assert all(b["layout"] == "block math" for b in blocks), blocks  # MathML Core, not text
    numbers = page.evaluate("[...document.querySelectorAll('.math-display__number')].map(e => e.textContent)")
    assert numbers == ["(1)", "(2)"]


# --------------------------------------------------------------------------- sidenotes

def test_sidenotes_sit_in_the_margin_beside_their_reference_at_1400px(browser, served):
    page = open_page(browser, served + ARTICLE, 1400)
    notes = page.evaluate("""() => [...document.querySelectorAll('.sidenote')].map(note => {
        const key = note.id.slice(3);
        const ref = document.getElementById('fnref:' + key);
        ref.scrollIntoView({block: 'center'});
        const n = note.getBoundingClientRect(), r = ref.getBoundingClientRect();
        const text = ref.closest('p, li').getBoundingClientRect();
        return {id: note.id, left: n.left, right: n.right, top: n.top, width: n.width,
                refTop: r.top, textRight: text.right, proseRight: document.querySelector('.prose').getBoundingClientRect().right};
    })""")
    assert [n["id"] for n in notes] == ["sn:analogy", "sn:kl-closed-form", "sn:markov"]
    for note in notes:
        assert note["width"] >= 150, note
        assert note["left"] >= note["textRight"] + 8 and note["left"] >= note["proseRight"], note
        assert note["right"] <= 1400, note
        assert abs(note["top"] - note["refTop"]) <= 30, note
    layout = page.evaluate("""() => {
        const box = (s) => document.querySelector(s).getBoundingClientRect();
        return {scroll: document.documentElement.scrollWidth, footnotes: box('.footnote').width,
                tocRight: box('.toc').right, proseLeft: box('.prose').left};
    }""")
    assert layout["scroll"] <= 1400, layout
    assert layout["footnotes"] <= 1, layout  # visually hidden: the notes are in the margin
    assert layout["tocRight"] <= layout["proseLeft"], layout  # the contents moved to the left margin


def test_sidenotes_collapse_to_footnotes_at_400px(browser, served):
    page = open_page(browser, served + ARTICLE, 400)
    state = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth,
        shown: [...document.querySelectorAll('.sidenote')].filter(n => n.getClientRects().length).length,
        notes: document.querySelectorAll('.sidenote').length,
        footnotes: document.querySelector('.footnote').getBoundingClientRect().height,
    })""")
    assert state["scroll"] <= 400, state
    assert state["notes"] == 3 and state["shown"] == 0, state
    assert state["footnotes"] > 40, state


def test_a_footnote_link_shows_the_hidden_list_on_wide_screens(browser, served):
    page = open_page(browser, served + ARTICLE + "#fn:analogy", 1400)
    assert page.evaluate("document.querySelector('.footnote').getBoundingClientRect().height") > 40


# --------------------------------------------------------------------------- copy button

def test_copy_button_puts_the_code_on_the_clipboard(browser, served):
    page = open_page(browser, served + ARTICLE, 1280, permissions=["clipboard-read", "clipboard-write"])
    block = page.locator("div.highlight", has=page.locator(".filename", has_text="vae_loss.py"))
    button = block.get_by_role("button", name="Copy code")
    button.click()
    page.wait_for_function("window.__copied.length === 1")
    copied = page.evaluate("window.__copied[0]")
    assert copied == seed_code("vae_loss.py")
    assert not any(line.strip().isdigit() for line in copied.split("\n"))
    assert button.text_content() == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == copied
    status = page.locator("[role=status]", has_text="Code copied")
    assert status.text_content() == "Code copied to the clipboard"


def test_copy_button_leaves_out_prompts_and_output(browser, served):
    page = open_page(browser, served + SESSION, 1280)
    buttons = page.locator(".prose").get_by_role("button", name="Copy code")
    assert buttons.count() == 2  # and one more on "Cite this article"
    buttons.nth(0).click()
    buttons.nth(1).click()
    page.wait_for_function("window.__copied.length === 2")
    assert page.evaluate("window.__copied") == ["pip install chalk\nchalk build", "1 + 1\nprint('$5')"]


def test_every_code_block_has_a_button_styled_for_both_schemes(browser, served):
    for scheme in ("light", "dark"):
        page = open_page(browser, served + ARTICLE, 1280, color_scheme=scheme)
        found = page.evaluate("""() => [...document.querySelectorAll('div.highlight')].map(b => {
            const button = b.querySelector(':scope > .copy-button');
            if (!button) return null;
            const s = getComputedStyle(button), code = getComputedStyle(b);
            return [s.backgroundColor, s.color, s.position, code.backgroundColor];
        })""")
        assert found and None not in found, scheme
        background, color, position, _ = found[0]
        assert position == "absolute" and background != color, (scheme, found[0])
        page.context.close()


# --------------------------------------------------------------------------- glossary tooltips

def test_term_definition_shows_on_focus_and_hover(browser, served):
    """With JavaScript the definition shows in the shared preview (static/js/preview.js), which the
    link is described by while open; the CSS tooltip stays for pages read without JavaScript."""
    page = open_page(browser, served + ARTICLE, 1000)
    link = page.locator("a.term__link").first
    preview = page.locator("#chalk-preview")
    assert not preview.is_visible()  # hidden until asked for
    link.focus()
    box = preview.bounding_box()
    assert box["width"] > 100 and box["height"] > 10, box
    expected = page.evaluate("document.querySelector('.term__tip').textContent.trim()")
    description = page.evaluate("document.getElementById(document.querySelector('a.term__link')"
                                ".getAttribute('aria-describedby')).textContent.trim()")
    assert description == expected
    assert page.locator(".term__tip").first.bounding_box()["width"] <= 1  # one tooltip, not two
    page.evaluate("document.activeElement.blur()")
    page.wait_for_function("document.getElementById('chalk-preview').hidden")
    other = page.locator("a.term__link").nth(2)
    other.scroll_into_view_if_needed()
    other.hover()
    assert preview.bounding_box()["width"] > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= 1000


def test_term_definition_shows_without_javascript(browser, served):
    ctx = browser.new_context(viewport={"width": 1000, "height": 900}, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(served + ARTICLE)
    tip = page.locator(".term__tip").first
    assert tip.bounding_box()["width"] <= 1
    page.locator("a.term__link").first.focus()
    assert tip.bounding_box()["width"] > 100
    ctx.close()


def test_line_anchor_scrolls_to_the_line(browser, served):
    page = open_page(browser, served + ARTICLE + "#vae-loss-py-11", 1280)
    top = page.evaluate("document.getElementById('vae-loss-py-11').getBoundingClientRect().top")
    assert 0 <= top <= 900
    assert page.evaluate("document.querySelector(':target').id") == "vae-loss-py-11"


# --------------------------------------------------------------------------- accessibility (axe-core)

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url, width", [(ARTICLE, 1400), (ARTICLE, 400), ("glossary/", 1280), (SESSION, 1280),
                                        ("series/toolkit-demo/", 1280), ("series/", 1280)])
def test_toolkit_pages_have_no_wcag_aa_violations(browser, served, url, width, scheme):
    from support.browser import require_axe

    script = require_axe().read_text(encoding="utf-8")
    page = open_page(browser, served + url, width, color_scheme=scheme)
    page.locator("a.term__link").first.focus() if page.locator("a.term__link").count() else None
    page.add_script_tag(content=script)
    result = page.evaluate("options => axe.run(document, options)",
                           {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    found = [(v["id"], [n["target"] for n in v["nodes"][:5]]) for v in result["violations"]]
    assert found == [], f"{url} at {width}px, {scheme}: {found}"
    page.context.close()
