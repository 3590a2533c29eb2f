"""Executable cells without a kernel: finding cells, their options, the freeze key, notebook text,
outputs as HTML, and rendering from given results (fast; no Jupyter needed)."""

from __future__ import annotations

import json
from pathlib import Path

from chalk.errors import Diagnostics
from chalk.execute.cells import find_cells
from chalk.execute.freeze import freeze_key, read_frozen, write_frozen
from chalk.execute.results import ArticleCells, CellResult
from chalk.execute.settings import parse_execute
from chalk.markdown import MarkdownRenderer
from chalk.markdown.outputs import OutputContext, outputs_html
from chalk.notebook import notebook_text

from support.html import find_all, find_one, parse_html, text_of

BODY = """Intro.

```{python}
#| echo: false
#| label: fig-plot
x = 1
```

````markdown
```{python}
not a cell: inside another fence
```
````

```python
a listing
```
"""


def test_cells_are_python_braces_fences_with_options_and_their_file_lines() -> None:
    cells = find_cells(BODY, body_line=10, path="a.md")
    assert len(cells) == 1
    cell = cells[0]
    assert (cell.index, cell.line, cell.code, cell.code_line) == (1, 12, "x = 1", 15)
    assert cell.options.echo is False and cell.options.figure_id == "plot"
    assert [c.code for c in find_cells(BODY, jupytext=True)] == ["x = 1", "a listing"]


def test_bad_options_are_reported_at_their_line() -> None:
    cell = find_cells("```{python}\n#| echo: sometimes\n#| width: huge\n#| shape: round\n1\n```\n", 5, "a.md")[0]
    shown = [d.format() for d in cell.problems]
    assert shown == ["a.md:6: cell 1: echo: expected true or false, got 'sometimes'",
                     "a.md:7: cell 1: width: expected one of body, wide, page, margin, got 'huge'",
                     "a.md:8: warning: cell 1: unknown option 'shape' is ignored (chalk knows echo, eval, output, "
                     "error, include, warning, label, fig-cap, fig-alt, width)"]


def test_the_freeze_key_changes_with_cells_depends_and_kernel_but_not_prose() -> None:
    cells = find_cells(BODY)
    key = freeze_key(cells, [("data.csv", b"1,2")], "python3")
    assert freeze_key(find_cells("Other prose.\n\n" + BODY), [("data.csv", b"1,2")], "python3") == key
    assert freeze_key(find_cells(BODY.replace("x = 1", "x = 2")), [("data.csv", b"1,2")], "python3") != key
    assert freeze_key(cells, [("data.csv", b"1,3")], "python3") != key
    assert freeze_key(cells, [("data.csv", b"1,2")], "python3.12") != key


def test_frozen_results_round_trip_and_a_stale_key_is_a_miss(tmp_path: Path) -> None:
    results = (CellResult(({"output_type": "stream", "name": "stdout", "text": "a\nb\n"},)), CellResult((), False))
    path = tmp_path / "_freeze/posts/a.json"
    write_frozen(path, "k1", "content/posts/a.md", "python3", results)
    assert read_frozen(path, "k1") == results
    assert read_frozen(path, "k2") is None
    assert json.loads(path.read_text())["cells"][0]["outputs"][0]["text"] == ["a\n", "b\n"]


def test_execute_settings_merge_and_report_problems(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("1")
    problems = Diagnostics()
    site = parse_execute({"timeout": 120, "echo": False}, tmp_path, "site.yaml", None, problems)
    article = parse_execute({"depends": ["data.csv", "missing.csv"], "colour": 1}, tmp_path, "a.md", 4, problems,
                            site)
    assert article.enabled and article.timeout == 120 and dict(article.defaults) == {"echo": False}
    assert article.depends == ((tmp_path / "data.csv").resolve(),)
    assert sorted(d.format() for d in problems.items) == [
        f"a.md:4: execute: depends: no file missing.csv (looked for {(tmp_path / 'missing.csv').resolve()}) "
        "(paths are relative to the file that names them)",
        "a.md:4: execute: unknown key 'colour' (known: enabled, depends, timeout, kernel, echo, eval, output, error, "
        "include, warning)"]
    assert parse_execute(False, tmp_path, "a.md", 2, problems, site).enabled is False


def test_notebook_text_keeps_the_lines_of_the_ipynb_file() -> None:
    data = {"cells": [{"cell_type": "raw", "metadata": {}, "source": ["---\n", "title: N\n", "---"]},
                      {"cell_type": "markdown", "metadata": {}, "source": ["Hello\n", "world"]},
                      {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                       "source": ["x = 1"]}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    raw = json.dumps(data, indent=1)
    text = notebook_text(raw)
    raw_lines, lines = raw.split("\n"), text.split("\n")
    for needle in ("Hello", "world", "x = 1"):
        file_line = next(i for i, row in enumerate(raw_lines) if needle in row)
        assert needle in lines[file_line]
    assert lines[raw_lines.index(next(r for r in raw_lines if '"x = 1"' in r)) - 1] == "```{python}"


def test_svg_ids_are_made_unique_per_cell_and_the_marker_ink_becomes_current_color() -> None:
    svg = ('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="p1"><rect/></clipPath>'
           '</defs><path clip-path="url(#p1)" style="stroke: #010203"/></svg>')
    context = OutputContext("a.md", 3, 2, alt="A plot")
    html = outputs_html(({"output_type": "display_data", "data": {"image/svg+xml": svg}, "metadata": {}},), context)
    assert 'id="cell-2-1-p1"' in html and "url(#cell-2-1-p1)" in html
    assert "currentColor" in html and "#010203" not in html and "<?xml" not in html
    assert 'aria-label="A plot"' in html and context.diagnostics == []


def test_images_without_alt_text_are_one_warning_per_article() -> None:
    body = "".join(f"```{{python}}\nplot({n})\n```\n\n" for n in range(3))
    image = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}}
    cells = ArticleCells((CellResult((image,)), CellResult(()), CellResult((image,))), origin="notebook")
    rendered = MarkdownRenderer().render(body, "a.md", 1, cells)
    assert [d.format() for d in rendered.diagnostics] == [
        "a.md:1: warning: cells 1, 3: image outputs have no alt text (describe each with #| fig-alt: ...)"]


def test_output_text_is_escaped() -> None:
    html = outputs_html(({"output_type": "stream", "name": "stdout", "text": "<script>x</script>\x1b[31mred"},),
                        OutputContext("a.md", 1, 1))
    assert "<script>" not in html and "&lt;script&gt;" in html and "\x1b" not in html


def test_rendering_from_given_results_numbers_figures_and_keeps_listings() -> None:
    body = ("See [@fig:sq].\n\n```{python}\n#| label: fig-sq\n#| fig-cap: Squares\n#| fig-alt: Dots.\n"
            "print('sq')\n```\n\n```python\nplain = True\n```\n")
    results = ArticleCells((CellResult(({"output_type": "stream", "name": "stdout", "text": "sq\n"},
                                        {"output_type": "display_data", "metadata": {},
                                         "data": {"image/png": "iVBORw0KGgo="}})),), origin="freeze")
    rendered = MarkdownRenderer().render(body, "a.md", 1, results)
    html = parse_html(rendered.html)
    cell = find_one(html, "div", cls="cell")
    figure = find_one(cell, "figure")
    assert figure.get("id") == "sq" and text_of(find_one(figure, "figcaption")) == "Figure 1: Squares"
    assert find_one(figure, "img").get("alt") == "Dots."
    assert text_of(find_one(cell, "pre", cls="cell-output--stdout")) == "sq"  # text stays out of the figure
    assert text_of(find_one(html, "a", cls="xref--fig")) == "Figure 1"
    assert len(find_all(html, "div", cls="highlight")) == 2  # the cell's code and the plain listing
    assert rendered.diagnostics == ()


def test_a_cell_with_whitespace_only_lines_keeps_its_outputs() -> None:
    """Found in jakevdp/PythonDataScienceHandbook: lines of spaces inside a cell (SuperFences drops
    them at the end) must not lose the cell its outputs."""
    body = "```{python}\nfor a in b:\n    a()\n    \n# done\nplot()\n    \n```\n"
    cells = ArticleCells((CellResult(({"output_type": "stream", "name": "stdout", "text": "ok\n"},)),),
                         origin="notebook")
    html = parse_html(MarkdownRenderer().render(body, "a.md", 1, cells).html)
    assert text_of(find_one(find_one(html, "div", cls="cell"), "pre", cls="cell-output--stdout")) == "ok"


def test_include_false_hides_the_cell_and_warning_false_hides_stderr() -> None:
    body = "```{python}\n#| include: false\nsetup()\n```\n\n```{python}\n#| warning: false\nrun()\n```\n"
    stderr = {"output_type": "stream", "name": "stderr", "text": "DeprecationWarning: old\n"}
    stdout = {"output_type": "stream", "name": "stdout", "text": "done\n"}
    cells = ArticleCells((CellResult((stdout,)), CellResult((stderr, stdout))), origin="run")
    html = parse_html(MarkdownRenderer().render(body, "a.md", 1, cells).html)
    only = find_one(html, "div", cls="cell")
    assert "setup()" not in text_of(html) and only.get("data-cell") == "2"
    assert find_all(only, "pre", cls="cell-output--stderr") == []
    assert text_of(find_one(only, "pre", cls="cell-output--stdout")) == "done"


def test_a_depends_file_outside_the_watched_folders_is_a_warning(tmp_path: Path) -> None:
    from chalk.execute import Article, Executor

    (tmp_path / "site/content/posts").mkdir(parents=True)
    (tmp_path / "elsewhere.csv").write_text("1")
    post = tmp_path / "site/content/posts/a.md"
    article = Article("content/posts/a.md", post, "```{python}\n1\n```\n", 5, {"depends": ["../../../elsewhere.csv"]},
                      4, False)
    problems = Diagnostics()
    Executor(tmp_path / "site", run=False).prepare(None, tmp_path / "site/content", [article], problems)
    assert any(d.line == 4 and "outside content/ and data/" in d.message and not d.is_error for d in problems.items)
