"""Executable cells, whole sites built with a real Jupyter kernel: outputs, figures, options, errors.

Needs the `exec` extra (skipped without it; CHALK_REQUIRE_KERNEL=1 makes a missing kernel a failure).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.html import find_all, find_by_id, find_one, has_class, parse_html, text_of
from support.run import chalk_env
from support.sites import build, build_errors, post, snapshot_tree
from support.kernel import require_kernel

SVG = "{http://www.w3.org/2000/svg}svg"
MATHML = "{http://www.w3.org/1998/Math/MathML}"


def mathml(element: object, name: str = "math") -> list:
    return [e for e in element.iter() if e.tag == MATHML + name]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _kernel() -> None:
    require_kernel()


def article(root: Path, slug: str = "a") -> object:
    return parse_html(root / "public" / "posts" / slug / "index.html")


def cells_of(html: object) -> list:
    return find_all(html, "div", cls="cell")


def test_outputs_follow_their_cells_and_state_carries_between_cells(make_site) -> None:
    root = make_site({"content/posts/a.md": post(execute=True, body="""\
        Before.

        ```{python}
        x = 20
        ```

        ```{python}
        print(x + 1)
        x * 2
        ```
        """)})
    build(root)
    first, second = cells_of(article(root))
    assert "x = 20" in text_of(find_one(first, "div", cls="highlight"))
    assert find_all(first, "pre", cls="cell-output") == []  # an assignment shows nothing
    assert text_of(find_one(second, "pre", cls="cell-output--stdout")) == "21"
    assert text_of(find_one(second, "pre", cls="cell-output--result")) == "40"  # the last expression's value


def test_a_matplotlib_plot_is_a_numbered_referenced_svg_figure_in_the_theme_colour(make_site) -> None:
    root = make_site({"content/posts/a.md": post(execute=True, body="""\
        The line rises in [@fig:line].

        ```{python}
        #| label: fig-line
        #| fig-cap: A straight line $y = x$
        #| fig-alt: A line rising from the lower left to the upper right.
        import matplotlib.pyplot as plt
        plt.plot([0, 1], [0, 1])
        plt.xlabel("x");
        ```
        """)})
    build(root)
    html = article(root)
    figure = find_by_id(html, "line")
    assert figure is not None and figure.tag == "figure"
    caption = text_of(find_one(figure, "figcaption"))
    assert caption.startswith("Figure 1:") and "A straight line" in caption
    assert mathml(find_one(figure, "figcaption"))  # $y = x$ is MathML
    reference = find_one(html, "a", cls="xref--fig")
    assert reference.get("href") == "#line" and text_of(reference) == "Figure 1"
    svgs = [element for element in figure.iter() if element.tag == SVG]
    assert len(svgs) == 1
    assert svgs[0].get("role") == "img"
    assert svgs[0].get("aria-label") == "A line rising from the lower left to the upper right."
    raw = (root / "public/posts/a/index.html").read_text()
    assert "currentColor" in raw and "#010203" not in raw  # axes and text follow the theme's colour
    assert "fill: #ffffff" not in raw  # transparent background
    assert "<?xml" not in raw and "<!DOCTYPE svg" not in raw


def test_echo_eval_output_and_error_options(make_site) -> None:
    root = make_site({"content/posts/a.md": post(execute=True, body="""\
        ```{python}
        #| echo: false
        print("shown without code")
        ```

        ```{python}
        #| eval: false
        raise SystemExit("never runs")
        ```

        ```{python}
        #| output: false
        hidden = 7
        print("not shown")
        ```

        ```{python}
        #| error: true
        hidden / 0
        ```

        ```{python}
        print(hidden)
        ```
        """)})
    build(root)
    echo, no_eval, no_output, error, after = cells_of(article(root))
    assert find_all(echo, "div", cls="highlight") == []
    assert text_of(find_one(echo, "pre", cls="cell-output--stdout")) == "shown without code"
    assert "never runs" in text_of(find_one(no_eval, "div", cls="highlight"))
    assert find_all(no_eval, "div", cls="cell-outputs") == []
    assert "hidden = 7" in text_of(no_output)
    assert find_all(no_output, "pre", cls="cell-output") == []
    shown = find_one(error, "div", cls="cell-output--error")
    assert "ZeroDivisionError" in text_of(shown) and "division by zero" in text_of(shown)
    assert text_of(find_one(after, "pre", cls="cell-output--stdout")) == "7"  # the run went on


def test_an_exception_fails_the_build_at_the_cells_line_and_leaves_public_alone(make_site) -> None:
    good = post(execute=True, body="Text.\n\n```{python}\nx = 1\n```\n")
    root = make_site({"content/posts/a.md": good})
    build(root)
    before = snapshot_tree(root / "public")
    bad = post(execute=True, body="Text.\n\n```{python}\nx = 1\n```\n\n```{python}\nprint('a')\nx / 0\n```\n")
    (root / "content/posts/a.md").write_text(bad)
    fence_line = bad.split("\n").index("```{python}", bad.split("\n").index("x = 1") + 2) + 1
    errors = build_errors(root)
    assert len(errors) == 1
    first, *trace = errors[0].split("\n")
    assert first == f"content/posts/a.md:{fence_line}: cell 2: ZeroDivisionError: division by zero"
    assert any("x / 0" in line for line in trace)  # the last lines of the traceback
    assert any(f"content/posts/a.md:{fence_line + 2}" in line for line in trace)  # the failing line, in the file
    assert snapshot_tree(root / "public") == before


def test_a_cell_running_too_long_is_a_timeout_error(make_site) -> None:
    root = make_site({"content/posts/a.md": post(execute={"timeout": 1}, body="""\
        ```{python}
        import time
        time.sleep(60)
        ```
        """)})
    errors = build_errors(root)
    assert len(errors) == 1 and ": cell 1: timed out after 1 s" in errors[0]
    assert not (root / "public").exists()


def test_rich_outputs_markdown_latex_stderr_and_dataframes(make_site) -> None:
    pytest.importorskip("pandas")
    root = make_site({"content/posts/a.md": post(execute=True, body="""\
        ```{python}
        import sys
        from IPython.display import Latex, Markdown, display
        display(Markdown("**bold** words"))
        display(Latex(r"$\\frac{1}{2}$"))
        print("careful", file=sys.stderr)
        ```

        ```{python}
        import pandas as pd
        pd.DataFrame({"beta": [0.0001, 0.02], "t": [1, 1000]})
        ```
        """)})
    build(root)
    rich, frame = cells_of(article(root))
    assert text_of(find_one(find_one(rich, "div", cls="cell-output--markdown"), "strong")) == "bold"
    assert mathml(find_one(rich, "div", cls="cell-output--math"), "mfrac")
    assert text_of(find_one(rich, "pre", cls="cell-output--stderr")) == "careful"
    table = find_one(find_one(frame, "div", cls="cell-output--table"), "table")
    assert [text_of(th) for th in find_all(find_one(table, "thead"), "th")] == ["", "beta", "t"]
    assert table.get("border") is None
    assert "<style" not in (root / "public/posts/a/index.html").read_text()


def test_execution_is_opt_in(make_site) -> None:
    root = make_site({"content/posts/a.md": post(body="```{python}\nraise SystemExit('must not run')\n```\n")})
    result = build(root)
    cell = find_one(article(root), "div", cls="cell")
    assert "must not run" in text_of(find_one(cell, "div", cls="highlight"))
    assert find_all(cell, "div", cls="cell-outputs") == []
    assert any("not run: execution is off" in w.message for w in result.diagnostics.warnings)


def test_site_wide_execute_and_cell_defaults(make_site) -> None:
    root = make_site({"content/posts/a.md": post(body="```{python}\nprint(6 * 7)\n```\n")},
                     site_yaml="title: T\nbase_url: https://example.org/\nexecute: {echo: false}\n")
    build(root)
    cell = find_one(article(root), "div", cls="cell")
    assert find_all(cell, "div", cls="highlight") == []
    assert text_of(find_one(cell, "pre", cls="cell-output--stdout")) == "42"


def test_bad_options_are_errors_with_their_line(make_site) -> None:
    text = post(execute=True, body="```{python}\n#| echo: maybe\n#| colour: red\nx = 1\n```\n")
    root = make_site({"content/posts/a.md": text})
    lines = text.split("\n")
    errors = build_errors(root)
    assert f"content/posts/a.md:{lines.index('#| echo: maybe') + 1}: cell 1: echo: expected true or false, " \
           f"got 'maybe'" in errors


def test_a_missing_kernel_is_one_error_naming_the_extra(make_site) -> None:
    root = make_site({"content/posts/a.md": post(execute={"kernel": "no-such-kernel"}, body="```{python}\n1\n```\n"),
                      "content/posts/b.md": post(execute={"kernel": "no-such-kernel"}, body="```{python}\n2\n```\n")})
    errors = build_errors(root)
    assert len(errors) == 1
    assert "no Jupyter kernel named 'no-such-kernel'" in errors[0]
    assert "content/posts/a.md" in errors[0] and "content/posts/b.md" in errors[0]
    assert "pip install 'chalk-ssg[exec]'" in errors[0]


def test_a_kernel_that_dies_while_starting_says_why(make_site, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A real kernel spec whose process writes to stderr and exits: the build's error carries
    what it wrote, not only jupyter_client's "Kernel died before replying to kernel_info"."""
    spec = tmp_path / "jupyter" / "kernels" / "dies"
    spec.mkdir(parents=True)
    dying = "import sys; sys.stderr.write('ImportError: no module named numpy_gpu\\n'); sys.exit(3)"
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": [sys.executable, "-c", dying, "{connection_file}"], "display_name": "dies", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    root = make_site({"content/posts/a.md": post(execute={"kernel": "dies"}, body="```{python}\n1\n```\n")})
    errors = build_errors(root)
    assert len(errors) == 1
    assert errors[0].startswith("content/posts/a.md:")
    assert "Kernel died before replying to kernel_info" in errors[0]
    assert "(the kernel said: ImportError: no module named numpy_gpu)" in errors[0]
    assert errors[0].endswith("(start the kernel by hand to see what it says: jupyter kernel --kernel dies)")


def test_kernels_talk_over_sockets_of_their_own_not_tcp_ports(make_site) -> None:
    """A TCP port is chosen free and bound later by the kernel, so kernels and servers starting
    together can collide; on POSIX each kernel gets Unix sockets in a folder of its own."""
    root = make_site({"content/posts/a.md": post(execute=True, body=(
        "```{python}\nfrom ipykernel.kernelapp import IPKernelApp\n"
        "app = IPKernelApp.instance()\nprint(app.transport, app.ip.rsplit('/', 2)[-2][:13])\n```\n"))})
    build(root)
    cell = find_one(article(root), "div", cls="cell")
    assert text_of(find_one(cell, "pre", cls="cell-output--stdout")) == "ipc chalk-kernel-"


def test_without_jupyter_installed_the_build_names_the_extra(make_site) -> None:
    """Jupyter made unimportable in a real chalk process (sys.modules[name] = None is how Python
    spells "not installed"), as on a machine without the extra."""
    root = make_site({"content/posts/a.md": post(execute=True, body="```{python}\n1\n```\n")})
    code = ("import sys\nsys.modules['nbclient'] = None\nfrom chalk.cli import main\n"
            "sys.exit(main(['build']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=chalk_env(), capture_output=True, text=True)
    assert proc.returncode == 1
    output = proc.stdout + proc.stderr
    assert "running cells needs Jupyter (nbclient is not installed)" in output
    assert "pip install 'chalk-ssg[exec]'" in output and "Traceback" not in output


def test_cells_run_in_the_articles_folder(make_site) -> None:
    root = make_site({"content/posts/a.md": post(execute={"depends": ["numbers.txt"]},
                                                  body="```{python}\nprint(open('numbers.txt').read().split())\n```\n"),
                      "content/posts/numbers.txt": "3 4\n"})
    build(root)
    cell = find_one(article(root), "div", cls="cell")
    assert text_of(find_one(cell, "pre", cls="cell-output--stdout")) == "['3', '4']"
    assert has_class(cell, "cell")
