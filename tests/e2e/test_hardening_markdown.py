"""Issue 16, items 7 and 8: pathological Markdown is bounded, and a failed render never poisons the next.

Each pathological text is built into a real site by ``chalk build`` in a subprocess; the
subprocess gets a generous limit only so that a regression fails instead of hanging
(before the fix these took minutes or overflowed the stack). What was capped is a warning
naming ``path:line``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from chalk.markdown import MarkdownRenderer
from support.html import parse_html, text_of
from support.run import chalk_env
from support.sites import post, write_files

HANG_GUARD_SECONDS = 90  # not a speed assertion: a guard so a regression fails instead of hanging

CASES = {
    "nested-lists": ("".join("  " * i + "- item\n" for i in range(1000)), "line indented"),
    "nested-ordered-lists": ("".join("   " * i + "1. item\n" for i in range(1000)), "line indented"),
    "nested-quotes": (">" * 1000 + " deep\n", "blockquote nested 1000 levels deep"),
    "quoted-lists": ("".join(">" * i + " - item\n" for i in range(1000)), "blockquote nested"),
    "brackets": ("[" * 50000 + "\n", "50000 unmatched '['"),
    "bracket-lines": ("[\n" * 50000, "50000 unmatched '['"),
    "link-starts": ("[a](" * 50000 + "\n", "unmatched '('"),
    "image-starts": ("![" * 50000 + "\n", "unmatched '['"),
    "stars": ("*" * 50000 + "x\n", None),
    "emphasis": ("*a* " * 50000 + "\n", "markup characters"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_pathological_markdown_is_bounded_and_reported(tmp_path, name):
    body, capped = CASES[name]
    root = write_files(tmp_path / "site", {"content/posts/x.md": post("X", body="Before.\n\n" + body)})
    proc = subprocess.run([sys.executable, "-m", "chalk", "build", "--no-cache"], cwd=root, env=chalk_env(),
                          capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    if capped:
        lines = [line for line in (proc.stdout + proc.stderr).splitlines() if capped in line]
        assert lines and lines[0].startswith("content/posts/x.md:"), (proc.stdout + proc.stderr)[-2000:]
        assert ": warning: markdown: " in lines[0]
    article = parse_html(root / "public/posts/x/index.html").find(".//article")
    assert "Before." in text_of(article)


def test_a_capped_paragraph_is_shown_as_escaped_text_and_the_rest_still_renders():
    renderer = MarkdownRenderer()
    body = "# Title\n\n" + "[<b>" * 200 + "\n\nA [link](https://example.org/) after.\n"
    result = renderer.render(body, "content/posts/x.md", 6)
    assert "&lt;b&gt;" in result.html and "<b>" not in result.html
    assert '<a href="https://example.org/">link</a>' in result.html
    assert [d.format().split(" (")[0] for d in result.diagnostics] == [
        "content/posts/x.md:8: warning: markdown: 200 unmatched '[' in this paragraph; it is shown as plain text, "
        "not parsed"]


def test_ordinary_markdown_is_not_capped():
    renderer = MarkdownRenderer()
    body = "".join(f"- [item {i}](https://example.org/{i}) with `code` and *em*\n" for i in range(400))
    body += "\n" + "".join("  " * i + "- level\n" for i in range(12)) + "\n> > > quoted\n"
    result = renderer.render(body, "content/posts/x.md", 1)
    assert result.diagnostics == ()
    assert result.html.count("<a href=") == 400


DOC = "# Title\n\nA paragraph.\n\n## Section\n\n- a\n- b\n\n    code\n"


def test_a_render_that_fails_does_not_poison_the_next_one():
    renderer = MarkdownRenderer()
    expected = MarkdownRenderer().render(DOC, "content/a.md", 1).html
    deep = "".join("  " * i + "- item\n" for i in range(60))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)  # a real stack overflow inside Python-Markdown, at a depth the caps allow
    try:
        failed = renderer.render(deep, "content/deep.md", 5)
    finally:
        sys.setrecursionlimit(limit)
    errors = [d.format() for d in failed.diagnostics if d.is_error]
    assert errors and errors[0].startswith("content/deep.md:5: markdown: cannot render this text: RecursionError")
    assert renderer.render(DOC, "content/a.md", 1).html == expected
