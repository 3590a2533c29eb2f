"""Notebooks as articles: .ipynb files with their stored outputs, and jupytext Markdown notebooks.

The .ipynb files are written the way Jupyter saves them (JSON with one-space indents, each source
line a string of its own), so line numbers in messages can be checked against the file.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path

from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.sites import BASE_PATH, build, build_errors
from support.kernel import STARTS_ENV, kernel_starts, record_start, starts  # noqa: F401 - starts is a fixture


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def notebook(*cells: dict) -> str:
    """A notebook as Jupyter writes it (nbformat 4.5)."""
    data = {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def raw(text: str) -> dict:
    return {"cell_type": "raw", "id": "front", "metadata": {}, "source": lines(text)}


def markdown(text: str, ident: str = "md") -> dict:
    return {"cell_type": "markdown", "id": ident, "metadata": {}, "source": lines(text)}


def code(text: str, *outputs: dict, ident: str = "code") -> dict:
    return {"cell_type": "code", "execution_count": 1, "id": ident, "metadata": {}, "outputs": list(outputs),
            "source": lines(text)}


def png(width: int, height: int) -> str:
    """A real, tiny PNG (one grey pixel per row), base64-encoded as Jupyter stores it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return base64.b64encode(data).decode()


FRONT = "---\ntitle: A notebook\ndate: 2024-05-01\n---"


def test_a_notebook_is_an_article_with_its_stored_outputs(make_site, tmp_path: Path, monkeypatch) -> None:
    starts = tmp_path / "starts.txt"  # no kernel needed here: if one ran anyway, it would write this
    monkeypatch.setenv(STARTS_ENV, str(starts))
    root = make_site({"content/posts/schedule.ipynb": notebook(
        raw(FRONT),
        markdown("## Noise\n\nThe schedule $\\beta_t$ grows linearly, see [@fig:curve].", "intro"),
        code(record_start("notebook") + "print('stored')",
             {"output_type": "stream", "name": "stdout", "text": ["stored\n"]}, ident="c1"),
        code("#| label: fig-curve\n#| fig-cap: The curve\n#| fig-alt: A grey square.\nshow()",
             {"output_type": "display_data", "metadata": {},
              "data": {"image/png": png(4, 3), "text/plain": ["<Figure>"]}}, ident="c2"),
        code("frame", {"output_type": "execute_result", "execution_count": 3, "metadata": {},
                       "data": {"text/html": ["<table class=\"dataframe\" border=\"1\"><tr><td>1</td></tr></table>"],
                                "text/plain": ["   0\n0  1"]}}, ident="c3"),
    )})
    build(root)
    html = parse_html(root / "public/posts/schedule/index.html")
    assert [text_of(h) for h in find_all(html, "h1")] == ["A notebook"]
    assert "Noise" in [text_of(h).rstrip("¶ ") for h in find_all(html, "h1") + find_all(html, "h2")]
    assert "The schedule" in text_of(html)
    assert text_of(find_one(html, "a", cls="xref--fig")) == "Figure 1"
    first, figure_cell, table_cell = find_all(html, "div", cls="cell")
    assert text_of(find_one(first, "pre", cls="cell-output--stdout")) == "stored"
    figure = find_by_id(html, "curve")
    image = find_one(figure, "img")
    assert image.get("src").startswith("data:image/png;base64,") and image.get("alt") == "A grey square."
    assert (image.get("width"), image.get("height")) == ("4", "3")
    assert text_of(find_one(figure, "figcaption")) == "Figure 1: The curve"
    assert find_one(find_one(table_cell, "div", cls="cell-output--table"), "td") is not None
    assert kernel_starts(starts) == []  # stored outputs: nothing ran


def test_notebook_lines_in_messages_are_lines_of_the_ipynb_file(make_site) -> None:
    text = notebook(raw(FRONT), markdown("Intro.\n\nSee [@fig:nowhere] here.", "m1"))
    root = make_site({"content/posts/n.ipynb": text})
    line = next(number for number, row in enumerate(text.split("\n"), start=1) if "[@fig:nowhere]" in row)
    errors = build_errors(root)
    assert any(e.startswith(f"content/posts/n.ipynb:{line}: reference [@fig:nowhere]") for e in errors), errors


def test_a_notebook_without_front_matter_says_how_to_add_it(make_site) -> None:
    root = make_site({"content/posts/n.ipynb": notebook(markdown("# Just text"))})
    errors = build_errors(root)
    assert errors == ["content/posts/n.ipynb:1: front matter: expected the notebook's first cell to be a Raw cell "
                      "with ---, title: ..., --- (a YAML block, as Quarto reads notebooks)"]


def test_a_notebook_with_execute_true_runs_again(make_site, starts: Path) -> None:
    front = FRONT.replace("---\ntitle", "---\nexecute: true\ntitle")
    root = make_site({"content/posts/n.ipynb": notebook(
        raw(front), code(record_start("n") + "print(40 + 2)",
                         {"output_type": "stream", "name": "stdout", "text": ["stale\n"]}))})
    build(root)
    html = parse_html(root / "public/posts/n/index.html")
    assert text_of(find_one(html, "pre", cls="cell-output--stdout")) == "42"
    assert [name for name, _ in kernel_starts(starts)] == ["n"]
    assert (root / "_freeze/posts/n.json").is_file()


def test_a_jupytext_markdown_notebook_runs_its_python_fences(make_site, starts: Path) -> None:
    text = ("---\ntitle: Jupytext\ndate: 2024-05-02\nexecute: true\njupyter:\n  jupytext:\n"
            "    text_representation:\n      extension: .md\n      format_name: markdown\n"
            "      format_version: '1.3'\n  kernelspec:\n    display_name: Python 3\n    language: python\n"
            "    name: python3\n---\n\n# Jupytext\n\n```python\n" + record_start("jt") + "total = 3\n```\n\n"
            "Some prose.\n\n```python\nprint(total * 14)\n```\n")
    root = make_site({"content/posts/jt.md": text})
    result = build(root)
    html = parse_html(root / "public/posts/jt/index.html")
    assert text_of(find_one(html, "pre", cls="cell-output--stdout")) == "42"
    assert [name for name, _ in kernel_starts(starts)] == ["jt"]
    assert not any("jupyter" in w.message for w in result.diagnostics.warnings)  # no "unknown field" warning


def test_links_to_other_notebooks_become_their_urls(make_site) -> None:
    root = make_site({
        "content/posts/one.ipynb": notebook(raw(FRONT), markdown("Next: [part two](two.ipynb#start).")),
        "content/posts/two.ipynb": notebook(raw(FRONT.replace("A notebook", "Two")), markdown("## Start")),
    })
    build(root)
    link = find_one(find_one(parse_html(root / "public/posts/one/index.html"), "div", cls="prose"), "a",
                    href=f"{BASE_PATH}posts/two/#start")
    assert text_of(link) == "part two"
