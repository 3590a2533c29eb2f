"""Code blocks, finished (chalk.codeblocks): line anchors like #train-py-12, and the copy button's script."""

from __future__ import annotations

from collections import Counter

import pytest

from chalk.markdown.codeblocks import block_slug
from chalk.markdown import MarkdownRenderer, Rendered
from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.sites import build, copy_repo_site, post, REPO

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


def test_a_link_to_a_line_resolves_in_the_built_site(make_site):
    root = make_site({"content/posts/a.md": post("A", body="See [line 2](#train-py-2).\n\n" + TRAIN)})
    result = build(root, cache=False)
    assert [d.format() for d in result.diagnostics.items if "anchor" in d.message] == []
    page = parse_html(result.output / "posts/a/index.html")
    assert find_by_id(page, "train-py-2") is not None


def test_copy_script_is_included_only_where_there_is_code(make_site):
    # every post has code to copy (its "Cite this article" BibTeX), so the page without code is a plain page
    root = make_site({"content/posts/a.md": post("A", body=TRAIN), "content/notes.md": "---\ntitle: Notes\n---\n\nProse.\n",
                      "content/about.md": "---\ntitle: About\n---\n\n```sh\nls\n```\n"})
    out = build(root, cache=False).output
    for rel, expected in [("posts/a/index.html", True), ("notes/index.html", False), ("about/index.html", True)]:
        scripts = [s.get("src") or "" for s in find_all(parse_html(out / rel), "script")]
        assert any("js/copy-code.js" in s for s in scripts) is expected, rel
    assert (out / "js/copy-code.js").read_bytes() == (REPO / "static/js/copy-code.js").read_bytes()


def test_seed_article_lines_are_linkable(tmp_path):
    root = copy_repo_site(tmp_path / "site")
    result = build(root, cache=False)
    page = parse_html(result.output / "posts/demystifying-generative-ai/index.html")
    line = find_by_id(page, "vae-loss-py-11")
    assert line is not None and line.get("href") == "#vae-loss-py-11"
    assert [a for a in find_all(page, "a") if a.get("href") == "#vae-loss-py-11" and text_of(a) == "line 11"]
    assert not [d for d in result.diagnostics.items if "anchor" in d.message]
