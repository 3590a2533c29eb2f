"""Rendering Markdown through the real renderer, as unit tests of stage 4 do."""

from __future__ import annotations


MARKDOWN_PATH = "content/posts/x.md"  # the file name unit tests of the Markdown stage render as


def render(renderer, body: str, body_line: int = 1):
    """Render ``body`` as if it started at ``body_line`` of ``content/posts/x.md``."""
    return renderer.render(body, MARKDOWN_PATH, body_line)
