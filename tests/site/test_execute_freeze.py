"""The freeze with a real kernel: what re-runs, what does not, and publishing from _freeze/ alone.

Kernel starts are counted for real: each article's first cell appends "<article> <pid>" to a file,
and every kernel is a process of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from support.html import find_one, parse_html, text_of
from support.sites import build, build_errors, post, snapshot_tree
from support.kernel import kernel_starts, record_start, starts  # noqa: F401 - starts is a fixture


def article_text(name: str, value: str, **fields: object) -> str:
    return post(title=name, execute=fields.pop("execute", True), body=(
        f"Prose of {name}.\n\n```{{python}}\n{record_start(name)}```\n\n```{{python}}\nprint({value})\n```\n"),
        **fields)


def printed(root: Path, slug: str, output: str = "public") -> str:
    html = parse_html(root / output / "posts" / slug / "index.html")
    return text_of(find_one(html, "pre", cls="cell-output--stdout"))


def test_an_unchanged_article_is_never_run_again(make_site, starts: Path) -> None:
    root = make_site({"content/posts/a.md": article_text("a", "1 + 1")})
    build(root)
    assert [name for name, _ in kernel_starts(starts)] == ["a"]
    assert (root / "_freeze/posts/a.json").is_file()
    build(root)
    build(root, cache=False)  # not the render cache: the freeze
    assert len(kernel_starts(starts)) == 1
    assert printed(root, "a") == "2"


def test_editing_one_cell_reruns_that_article_only(make_site, starts: Path) -> None:
    root = make_site({"content/posts/a.md": article_text("a", "1"), "content/posts/b.md": article_text("b", "2")})
    build(root)
    assert sorted(name for name, _ in kernel_starts(starts)) == ["a", "b"]
    assert len({pid for _, pid in kernel_starts(starts)}) == 2  # one kernel per article
    (root / "content/posts/b.md").write_text(article_text("b", "20"))
    build(root)
    assert [name for name, _ in kernel_starts(starts)][2:] == ["b"]
    assert printed(root, "a") == "1" and printed(root, "b") == "20"


def test_editing_prose_reruns_nothing(make_site, starts: Path) -> None:
    root = make_site({"content/posts/a.md": article_text("a", "1")})
    build(root)
    (root / "content/posts/a.md").write_text(article_text("a", "1").replace("Prose of a.", "Other prose."))
    build(root)
    assert len(kernel_starts(starts)) == 1
    assert "Other prose." in (root / "public/posts/a/index.html").read_text()


def test_editing_a_depends_file_reruns_the_articles_that_read_it(make_site, starts: Path) -> None:
    reads = "open('../../data/schedule.csv').read().strip()"
    root = make_site({
        "data/schedule.csv": "0.0001,0.02\n",
        "content/posts/a.md": article_text("a", reads, execute={"depends": ["../../data/schedule.csv"]}),
        "content/posts/b.md": article_text("b", "'independent'"),
    })
    build(root)
    assert printed(root, "a") == "0.0001,0.02"
    (root / "data/schedule.csv").write_text("0.0001,0.05\n")
    build(root)
    assert [name for name, _ in kernel_starts(starts)][2:] == ["a"]  # b does not read it
    assert printed(root, "a") == "0.0001,0.05"


def test_no_execute_publishes_the_same_bytes_from_the_freeze(make_site, starts: Path) -> None:
    root = make_site({"content/posts/a.md": article_text("a", "6 * 7"), "content/posts/b.md": article_text("b", "0")})
    build(root, output=root / "executed", cache=False)
    count = len(kernel_starts(starts))
    build(root, output=root / "frozen", cache=False, execute=False)
    assert len(kernel_starts(starts)) == count
    executed, frozen = snapshot_tree(root / "executed"), snapshot_tree(root / "frozen")
    assert {rel: data for rel, (data, _) in executed.items()} == {rel: data for rel, (data, _) in frozen.items()}
    assert printed(root, "a", "frozen") == "42"


def test_no_execute_without_a_frozen_result_names_the_article(make_site, starts: Path) -> None:
    root = make_site({"content/posts/a.md": article_text("a", "1")})
    build(root)
    (root / "content/posts/a.md").write_text(article_text("a", "2"))  # its freeze is now stale
    errors = build_errors(root, execute=False)
    assert len(errors) == 1
    assert errors[0].startswith("content/posts/a.md:")
    assert "no frozen result for this article's 2 cell(s) (--no-execute)" in errors[0]
    assert "commit _freeze/posts/a.json" in errors[0]
    assert len(kernel_starts(starts)) == 1


def test_the_freeze_file_records_its_key_and_outputs_as_lines(make_site, starts: Path) -> None:
    root = make_site({"content/posts/a.md": article_text("a", "'x\\ny'")})
    build(root)
    data = json.loads((root / "_freeze/posts/a.json").read_text())
    assert data["source"] == "content/posts/a.md" and data["kernel"] == "python3" and len(data["key"]) == 64
    assert data["cells"][1]["outputs"][0]["text"] == ["x\n", "y\n"]  # as nbformat writes text: diffs well


def test_a_preview_builder_reruns_only_what_changed_and_shows_errors_on_the_page(make_site, starts: Path) -> None:
    from chalk.pipeline import BuildOptions, Builder

    root = make_site({"content/posts/a.md": article_text("a", "1"), "content/posts/b.md": article_text("b", "2")})
    builder = Builder(root, BuildOptions(preview=True), incremental=True)
    builder.outputs(builder.load())
    assert len(kernel_starts(starts)) == 2
    (root / "content/posts/b.md").write_text(article_text("b", "1 / 0"))
    loaded = builder.load()
    files = builder.outputs(loaded)  # the page still renders...
    page = files["posts/b/index.html"]
    assert isinstance(page, bytes) and b"cell-output--error" in page and b"ZeroDivisionError" in page
    failures = [d.format() for d in builder.executor.failures]  # ...and the error goes to the overlay
    assert len(failures) == 1 and "content/posts/b.md:" in failures[0]
    assert "cell 2: ZeroDivisionError: division by zero" in failures[0]
    builder.outputs(builder.load())  # nothing changed: the failing article is not run again either
    assert [name for name, _ in kernel_starts(starts)][2:] == ["b"]


def test_chalk_serve_shows_a_failing_cell_on_the_page_and_in_the_overlay(make_site, starts: Path) -> None:
    from chalk.serve.server import Preview

    root = make_site({"content/posts/a.md": article_text("a", "1 / 0")})
    preview = Preview(root, "127.0.0.1", 8000, log=lambda line: None)
    preview.rebuild()
    snapshot = preview.state.snapshot
    assert snapshot is not None  # the site is served...
    page = snapshot.files["posts/a/index.html"]
    assert isinstance(page, bytes) and b"ZeroDivisionError" in page  # ...with the exception under the cell
    message = preview.hello_message()  # and a browser that connects sees it in the overlay
    assert message["type"] == "error" and "under the cell" in message["title"]
    assert any("cell 2: ZeroDivisionError: division by zero" in line for line in message["errors"])
    (root / "content/posts/a.md").write_text(article_text("a", "1 / 1"))
    preview.rebuild()
    assert preview.hello_message()["type"] == "hello"  # fixed: the overlay goes
