"""Code blocks, finished (chalk.codeblocks): line anchors like #train-py-12, and the copy button's script.

Here in whole sites; the renderer alone is tested in tests/unit/test_codeblocks_markdown.py.
"""

from __future__ import annotations

from support.html import find_all, find_by_id, parse_html, text_of
from support.sites import build, copy_repo_site, post, REPO


TRAIN = '```python title="train.py" linenums="1" hl_lines="2"\nimport torch\nx = 1\ny = 2\n```\n'


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

