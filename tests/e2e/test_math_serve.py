"""A formula KaTeX cannot convert: `chalk build` fails naming it; `chalk serve` keeps rendering the
page with the formula in a visible error box and lists the error in the overlay (real server, real HTTP)."""

from __future__ import annotations


import pytest

from support.html import find_all, parse_html, text_of
from support.serving import EventStream, http_request, strip_reload_script
from support.sites import build_errors, post

pytestmark = pytest.mark.server

GOOD = "Fine $x^2$ here.\n\nMore text.\n"
BAD = "Fine $x^2$ here.\n\nBroken $\\frob{y}$ here and $z$.\n\nMore text.\n"
MESSAGE = "content/posts/x.md:8: math: cannot convert $\\frob{y}$: Undefined control sequence: \\frob"


def test_build_fails_on_a_bad_formula_and_writes_nothing(make_site):
    site = make_site({"content/posts/x.md": post("X", "2024-04-01", body=BAD)})
    errors = build_errors(site)
    assert len(errors) == 1 and errors[0].startswith(MESSAGE), errors
    assert not (site / "public").exists()


def test_serve_shows_the_page_with_an_error_box_and_lists_the_error(make_site, chalk_serve):
    site = make_site({"content/posts/x.md": post("X", "2024-04-01", body=GOOD)},
                     site_yaml="title: T\nbase_url: https://example.org/\n")
    server = chalk_serve(site)
    with EventStream(server.port) as events:
        assert events.next(type="hello")
        (site / "content/posts/x.md").write_text(post("X", "2024-04-01", body=BAD))
        change = events.next(type="change")
        assert "/posts/x/" in change["pages"]
        assert len(change["errors"]) == 1 and change["errors"][0].startswith(MESSAGE)
        server.wait_for(r"math: cannot convert")
        page = http_request(server.port, "/posts/x/")
        assert page.status == 200
        root = parse_html(strip_reload_script(page.body))
        [box] = find_all(root, "span", cls="math-error")
        assert text_of(box) == "$\\frob{y}$" and "Undefined control sequence" in box.get("title")
        paragraph = [p for p in find_all(root, "p") if "Broken" in text_of(p)][0]
        assert len(list(paragraph.iter("{http://www.w3.org/1998/Math/MathML}math"))) == 1  # $z$ still renders
        with EventStream(server.port) as late:  # a page opened now gets the overlay at once
            hello = late.next(type="error")
            assert hello["shown"] is True and hello["errors"] == change["errors"]

        (site / "content/posts/x.md").write_text(post("X", "2024-04-01", body=GOOD))
        fixed = events.next(type="change")
        assert fixed["errors"] == []
        assert find_all(parse_html(strip_reload_script(http_request(server.port, "/posts/x/").body)),
                        cls="math-error") == []
    server.assert_clean_stop()


def test_a_bad_formula_and_a_fatal_error_together_still_fail_the_preview(make_site, chalk_serve):
    site = make_site({"content/posts/x.md": post("X", "2024-04-01", body=GOOD)},
                     site_yaml="title: T\nbase_url: https://example.org/\n")
    server = chalk_serve(site)
    with EventStream(server.port) as events:
        assert events.next(type="hello")
        broken = post("X", "2024-04-01", body=BAD + "\n```python\nunclosed\n")
        (site / "content/posts/x.md").write_text(broken)
        message = events.next(type="error")
        assert message["shown"] is False
        assert any("never closed" in line for line in message["errors"])
        body = http_request(server.port, "/posts/x/").body
        assert b"Fine" in body and b"math-error" not in body  # the last good page
    server.assert_clean_stop()
