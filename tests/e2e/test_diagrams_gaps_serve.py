"""A diagram its engine cannot draw, as a bad formula is treated: ``chalk build`` fails with
``path:line: diagram '<id>': <engine message>`` and leaves public/ alone; the preview (``chalk serve``'s
builder) renders the rest of the page with an error box in the figure and reports the error as
recoverable. Real engines, real builds; HTML parsed with html5lib."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalk.pipeline import BuildOptions, Builder
from support.html import find_all, find_one, has_class, parse_html, text_of
from support.run import run_chalk
from support.sites import post, snapshot_tree
from support.drawing import SOURCES, require_engine, slot

ARTICLE = "content/posts/a.md"
# front matter 4 lines, blank, "Before", blank, fence 8, id, caption, alt, key 12, text from 13: line 3 is 15
BAD_LINE = 15
D2_SCRIPT = "a -> b\nb: {\n  shape: <script>\n}\n"  # d2 says: unknown shape "<script>", at the text's line 3


def article(broken: str, engine: str, other: str | None = None) -> str:
    """A page with the slot 'flow' drawn from ``broken``, a good dot diagram 'other' and text after."""
    blocks = ["Before the figure.\n", slot(engine, broken)]
    if other is not None:
        blocks.append(slot("dot", other, id="other"))
    blocks.append("After the figure, the article goes on.\n")
    return post("A", body="\n".join(blocks))


def preview_page(site: Path, builder: Builder | None = None) -> tuple:
    """The preview builder's page for the article, parsed, and the build's error diagnostics."""
    builder = builder or Builder(site, BuildOptions(preview=True, cache=False))
    loaded = builder.load()
    files = builder.outputs(loaded)
    html = files["posts/a/index.html"]
    html = html.read_bytes() if isinstance(html, Path) else html
    return parse_html(html if isinstance(html, bytes) else html.encode()), loaded.diagnostics.errors


@pytest.mark.parametrize("engine", list(SOURCES))
def test_preview_shows_the_page_with_an_error_box_in_the_figure(make_site, engine):
    require_engine(engine)
    require_engine("dot")
    site = make_site({ARTICLE: article(SOURCES[engine][1], engine, SOURCES["dot"][0])})
    root, errors = preview_page(site)
    assert len(errors) == 1 and errors[0].recoverable, [e.format() for e in errors]
    assert errors[0].format().startswith(f"{ARTICLE}:{BAD_LINE}: diagram 'flow': ")
    figure = find_one(root, "figure", id="flow")
    assert has_class(figure, "diagram--error")
    box = find_one(figure, cls="diagram-error")
    assert box.get("role") == "note"
    assert text_of(find_one(box, cls="diagram-error__where")) == f"{ARTICLE}:{BAD_LINE}"
    message = text_of(find_one(box, cls="diagram-error__message"))
    assert errors[0].message.split(": ", 1)[1] in message  # the engine's words, as the terminal shows them
    assert find_all(figure, cls="diagram-placeholder") == [] and find_all(figure, "svg") == []
    assert "How it flows" in text_of(find_one(figure, "figcaption"))
    # the rest of the page is the new version: the other diagram is drawn, the text around is there
    assert [e for e in find_one(root, "figure", id="other").iter() if e.tag.endswith("svg")]
    prose = text_of(find_one(root, cls="prose"))
    assert "Before the figure." in prose and "After the figure, the article goes on." in prose


def test_the_engine_message_is_escaped_in_the_box(make_site):
    require_engine("d2")
    site = make_site({ARTICLE: article(D2_SCRIPT, "d2")})
    root, errors = preview_page(site)
    assert [e.format() for e in errors] == [f"{ARTICLE}:{BAD_LINE}: diagram 'flow': unknown shape \"<script>\" "
                                            "(D2 could not draw this text)"]
    figure = find_one(root, "figure", id="flow")
    assert find_all(figure, "script") == []
    assert text_of(find_one(figure, cls="diagram-error__message")) == f'{ARTICLE}:{BAD_LINE}: unknown shape "<script>"'


def test_build_fails_with_path_line_and_leaves_public_untouched(make_site):
    require_engine("d2")
    site = make_site({ARTICLE: article("a -> b\n", "d2")})
    code, _, stderr = run_chalk("build", cwd=site)
    assert code == 0, stderr
    before = snapshot_tree(site / "public")
    (site / ARTICLE).write_text(article(D2_SCRIPT, "d2"))
    code, _, stderr = run_chalk("build", cwd=site)
    assert code != 0
    assert f"{ARTICLE}:{BAD_LINE}: diagram 'flow': unknown shape \"<script>\"" in stderr, stderr
    assert "Traceback" not in stderr
    assert snapshot_tree(site / "public") == before


def test_a_missing_source_file_is_boxed_too(make_site):
    site = make_site({ARTICLE: post("A", body="Text.\n\n```diagram\nid: flow\nalt: A flow.\nsource: gone.dot\n```\n")})
    root, errors = preview_page(site)
    assert len(errors) == 1 and errors[0].recoverable
    assert errors[0].format().startswith(f"{ARTICLE}:11: diagram 'flow': source: file 'gone.dot' not found")
    box = find_one(find_one(root, "figure", id="flow"), cls="diagram-error")
    assert "source file 'gone.dot' not found" in text_of(box)


def test_a_bare_fence_that_fails_is_boxed(make_site):
    require_engine("dot")
    site = make_site({ARTICLE: post("A", body="Text.\n\n```dot\ndigraph {\n  a -> -> b\n}\n```\n\nAfter.\n")})
    root, errors = preview_page(site)
    assert [e.format().split(" near")[0] for e in errors] == [f"{ARTICLE}:10: dot diagram: syntax error in line 2"]
    [figure] = [f for f in find_all(root, "figure") if has_class(f, "drawing")]
    assert has_class(figure, "diagram--error")
    assert text_of(find_one(figure, cls="diagram-error__title")) == "dot diagram could not be drawn"


def test_a_broken_diagram_is_not_run_again_on_edits_elsewhere(make_site):
    require_engine("dot")
    good, bad = SOURCES["dot"]
    site = make_site({ARTICLE: article(bad, "dot"), "content/posts/b.md": post("B")})
    preview = Builder(site, BuildOptions(preview=True, cache=False), incremental=True)
    first = preview.load()
    assert first.engine_calls == {"dot": 1} and len(first.diagnostics.errors) == 1
    (site / "content/posts/b.md").write_text(post("B", body="Changed.\n"))
    again = preview.load()
    assert again.engine_calls == {}  # what dot said is remembered ...
    assert [e.format() for e in again.diagnostics.errors] == [e.format() for e in first.diagnostics.errors]
    root, _ = preview_page(site, preview)  # ... and the page still shows it
    assert find_all(find_one(root, "figure", id="flow"), cls="diagram-error")
    (site / ARTICLE).write_text(article(good, "dot"))
    fixed = preview.load()
    assert fixed.engine_calls == {"dot": 1} and fixed.diagnostics.errors == []
