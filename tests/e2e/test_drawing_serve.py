"""Diagrams from text in ``chalk serve``: an engine's error is shown in the overlay (the same line
as ``chalk build`` prints) and in an error box where the figure goes, the rest of the edit is served;
fixing it brings the drawing back."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.serving import EventStream, http_request
from support.sites import post, write_files
from support.drawing import SOURCES, require_engine, slot

pytestmark = [pytest.mark.server]

SITE_YAML = "title: Test site\nbase_url: https://example.org/blog/\nsearch: false\n"


def page_with(code: str) -> str:
    return post("X", "2024-04-01", body="Text.\n\n" + slot("dot", code))


def test_a_broken_diagram_shows_in_the_overlay_and_the_fix_redraws(tmp_path: Path, chalk_serve):
    require_engine("dot")
    good, bad = SOURCES["dot"]
    site = write_files(tmp_path / "site", {"content/posts/x.md": page_with(good)}, site_yaml=SITE_YAML)
    server = chalk_serve(site)
    first = http_request(server.port, "/blog/posts/x/").body
    assert b'class="diagram-svg"' in first and b">generator</text>" in first
    with EventStream(server.port) as events:
        events.next(type="hello")
        (site / "content/posts/x.md").write_text(page_with(bad))
        errors = events.next(type="change")["errors"]
        assert len(errors) == 1 and errors[0].startswith("content/posts/x.md:15: diagram 'flow': syntax error"), errors
        broken = http_request(server.port, "/blog/posts/x/").body
        assert b'class="diagram-error"' in broken and b'class="diagram-svg"' not in broken  # the new page, boxed
        (site / "content/posts/x.md").write_text(page_with(good.replace("discriminator", "critic")))
        change = events.next(type="change")
        assert "/blog/posts/x/" in change["pages"]
    fixed = http_request(server.port, "/blog/posts/x/").body
    assert b">critic</text>" in fixed and b">discriminator</text>" not in fixed
