"""Code blocks, finished (chalk.codeblocks): line anchors like #train-py-12, and the copy button's script.

Here the renderer on its own; whole sites are tested in tests/site/test_codeblocks.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

from chalk.markdown.codeblocks import block_slug
from chalk.markdown import MarkdownRenderer, Rendered

from support.html import find_all, find_one, parse_html, text_of


PATH = "content/posts/c.md"


TRAIN = '```python title="train.py" linenums="1" hl_lines="2"\nimport torch\nx = 1\ny = 2\n```\n'


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def root_of(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def anchors(block) -> list[tuple[str, str, str]]:
    return [(a.get("id"), a.get("href"), find_one(a, "span", cls="linenos").get("data-linenos").strip())
            for a in find_all(block, "a", cls="code-line")]


@pytest.mark.parametrize("title, slug", [("train.py", "train-py"), ("src/vae_loss.py", "src-vae-loss-py"),
                                         ("Dockerfile", "dockerfile"), ("a &amp; b.txt", "a-b-txt")])
def test_block_slug(title, slug):
    assert block_slug(title) == slug


def test_numbered_lines_link_to_themselves(renderer):
    root = root_of(renderer.render(TRAIN, PATH, 1))
    block = find_one(root, "div", cls="highlight")
    assert anchors(block) == [("train-py-1", "#train-py-1", "1"), ("train-py-2", "#train-py-2", "2"),
                              ("train-py-3", "#train-py-3", "3")]
    for link in find_all(block, "a", cls="code-line"):
        assert link.get("tabindex") == "-1" and link.get("aria-hidden") == "true"
    assert find_all(block, "span", cls="hll") and find_all(block, "span", cls="kn")  # still highlighted
    assert text_of(find_one(block, "code")) == "import torch x = 1 y = 2"  # numbers are CSS-only


def test_line_numbers_can_start_anywhere(renderer):
    root = root_of(renderer.render('```python title="t.py" linenums="10"\na\nb\n```\n', PATH, 1))
    assert [a[0] for a in anchors(root)] == ["t-py-10", "t-py-11"]


def test_blocks_without_line_numbers_get_no_anchors(renderer):
    rendered = renderer.render('```python title="a.py"\nx = 1\n```\n\n```\nplain\n```\n', PATH, 1)
    assert "code-line" not in rendered.html


def test_untitled_and_repeated_titles_get_unique_ids(renderer):
    body = TRAIN + "\n" + TRAIN + '\n```python linenums="1"\nz\n```\n'
    root = root_of(renderer.render(body, PATH, 1))
    blocks = find_all(root, "div", cls="highlight")
    assert [anchors(b)[0][0] for b in blocks] == ["train-py-1", "train-py-2-1", "code-1-1"]
    ids = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]
    assert [i for i, n in Counter(ids).items() if n > 1] == []

