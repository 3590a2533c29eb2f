"""Full-text search with Pagefind (``search: true``; chalk.search), without a browser.

* the build's output map holds the Pagefind bundle, written all-or-nothing with the site
  and kept by stale-file removal; without Pagefind installed the build works and warns once;
* what is indexed: articles only, without navigation, footers, the table of contents, code
  line numbers or heading permalinks; drafts and the 404 page are left out;
* ``chalk serve`` keeps the index current.

The search box in a real Chromium is tested in tests/e2e/test_search_browser.py. Without
Pagefind these tests are skipped unless ``CHALK_REQUIRE_SEARCH=1`` (CI sets it).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from support.html import find_all, parse_html
from support.sites import build, page as page_text, post, write_files
from support.browser import folder_files, fragments, require_pagefind

import chalk.search
from chalk.builder import Builder
from chalk.options import BuildOptions
from chalk.config import load_config
from chalk.errors import Diagnostics

SITE_YAML = """title: Search test
base_url: https://example.org/
author: Quuxfooter Person
search: true
menu:
  - {title: Zanzibarnav, url: /about/}
"""

CODE_POST = post("Gradient descent, step by step", "2024-05-01", tags=["optimisation"], body="""\
    Gradient descent walks downhill on the loss surface, one small step at a time.

    ## Choosing the learning rate

    A learning rate that is too large makes the iterates diverge.[^1]

    ```python linenums="1"
    def step(theta, grad, lr=0.1):
        return theta - lr * grad
    ```

    !!! note "Momentum"
        Momentum keeps a running average of past gradients.

    [^1]: Bottou, Curtis and Nocedal, Optimization Methods for Large-Scale Machine Learning.
    """)

FILES = {
    "content/posts/gradient-descent.md": CODE_POST,
    "content/posts/attention.md": post("Attention is a weighted average", "2024-06-01", tags=["transformers"],
                                       body="Attention mixes value vectors with weights from a softmax.\n"),
    "content/posts/unfinished.md": post("An unfinished draft", "2024-07-01", draft=True,
                                        body="Hyperspectral musings, not ready yet.\n"),
    "content/about.md": page_text("About", body="Who writes this blog, and why.\n"),
}


@pytest.fixture
def pagefind() -> Path:
    return require_pagefind()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_files(tmp_path / "site", FILES, site_yaml=SITE_YAML)


def bundle(files: dict) -> list[str]:
    return sorted(rel for rel in files if rel.startswith("pagefind/"))


# --------------------------------------------------------------------------- index_site on its own

def in_memory(files: dict[str, bytes | Path]) -> dict[str, bytes]:
    """A build's files as bytes (its pages come as the files written: they waited in a spool)."""
    return {rel: data if isinstance(data, bytes) else data.read_bytes() for rel, data in files.items()}


def test_index_site_returns_the_bundle_as_bytes(pagefind, site: Path, tmp_path: Path):
    config = load_config(site, Diagnostics())
    result = build(site, output=tmp_path / "plain", cache=False)
    files = in_memory({rel: data for rel, data in result.files.items() if not rel.startswith("pagefind/")})
    made = chalk.search.index_site(files, config)
    assert made, "Pagefind made nothing"
    assert all(rel.startswith("pagefind/") and isinstance(data, bytes) for rel, data in made.items())
    assert {"pagefind/pagefind.js", "pagefind/pagefind-entry.json"} <= made.keys()
    assert any(rel.startswith("pagefind/index/") for rel in made)
    # pages reused from an earlier build come as paths: they are indexed the same
    as_paths = {rel: tmp_path / "plain" / rel if rel.endswith(".html") else data for rel, data in files.items()}
    assert fragments(chalk.search.index_site(as_paths, config)) == fragments(made)


def test_pages_key_changes_only_with_the_pages(pagefind, site: Path, tmp_path: Path):
    files = in_memory({rel: data for rel, data in build(site, output=tmp_path / "out", cache=False).files.items()
                       if not rel.startswith("pagefind/")})
    restyled = dict(files, **{"css/chalk.css": b"body { color: red }"})  # e.g. a stylesheet edit in chalk serve
    assert chalk.search.pages_key(restyled) == chalk.search.pages_key(files)
    edited = dict(files, **{"about/index.html": files["about/index.html"].replace(b"Who writes", b"Who edits")})
    assert chalk.search.pages_key(edited) != chalk.search.pages_key(files)


def test_a_rebuild_runs_pagefind_again_only_when_pages_change(pagefind, site: Path, monkeypatch):
    runs = []
    real_run = chalk.search.subprocess.run
    monkeypatch.setattr(chalk.search.subprocess, "run", lambda *a, **k: runs.append(a) or real_run(*a, **k))
    builder = Builder(site, BuildOptions(), incremental=True)
    first = builder.build()
    assert len(runs) == 1 and bundle(first.files)
    (site / "static/css").mkdir(parents=True, exist_ok=True)
    (site / "static/css/extra.css").write_text("body { color: red }\n", encoding="utf-8")
    restyled = builder.build()  # every page links the new stylesheet hash: rendered anew, same text
    assert len(runs) == 1
    assert {rel: restyled.files[rel] for rel in bundle(restyled.files)} == \
        {rel: first.files[rel] for rel in bundle(first.files)}
    about = site / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("Who writes", "Who edits"), encoding="utf-8")
    builder.build()
    assert len(runs) == 2


def test_index_site_does_nothing_when_search_is_off(site: Path):
    config = dataclasses.replace(load_config(site, Diagnostics()), search=False)
    assert chalk.search.index_site({"index.html": b"<html><body>hi</body></html>"}, config) == {}


def test_what_is_indexed_and_what_is_not(pagefind, site: Path, tmp_path: Path):
    config = load_config(site, Diagnostics())
    result = build(site, output=tmp_path / "out", cache=False, drafts=True)
    files = {rel: data for rel, data in result.files.items() if not rel.startswith("pagefind/")}
    indexed = fragments(chalk.search.index_site(files, config))
    # articles and pages only: no listings, tag pages, 404 page; no drafts (they are noindex)
    assert sorted(indexed) == ["/about/", "/posts/attention/", "/posts/gradient-descent/"]
    article = indexed["/posts/gradient-descent/"]
    text = article["content"]
    assert article["meta"]["title"] == "Gradient descent, step by step"
    assert "walks downhill on the loss surface" in text
    assert "Momentum keeps a running average" in text  # callouts
    assert "return theta - lr * grad" in text  # code is searchable...
    assert not re.search(r"\b1\s+def step", text), "code line numbers were indexed"  # ...its line numbers are not
    assert "Bottou" in text  # footnotes
    for absent in ("Zanzibarnav", "Quuxfooter", "Contents", "Skip to content", "¶", "↩", "min read", "Filed under",
                   "Atom feed"):
        assert absent not in text, f"{absent!r} was indexed"
    # headings are kept as anchors (sub-results in the search UI)
    assert any(anchor.get("text") == "Choosing the learning rate" for anchor in article["anchors"])


def test_a_static_file_in_the_way_of_the_index_is_an_error(pagefind, site: Path):
    config = load_config(site, Diagnostics())
    diagnostics = Diagnostics()
    made = chalk.search.index_site({"index.html": b"<html></html>", "pagefind/pagefind.js": b"//"}, config,
                                   diagnostics)
    assert made == {}
    [problem] = diagnostics.errors
    assert "pagefind/pagefind.js is in the way of the search index" in problem.format()


# --------------------------------------------------------------------------- in the build

def test_search_is_off_by_default(make_site, tmp_path: Path):
    root = make_site(FILES)
    result = build(root, cache=False)
    assert bundle(result.files) == []
    assert not (root / "public/pagefind").exists()
    html = (root / "public/index.html").read_text()
    assert "site-search" not in html and "search.js" not in html


def test_search_true_builds_the_index_and_shows_the_box(pagefind, site: Path):
    result = build(site, cache=False)
    out = site / "public"
    assert result.diagnostics.errors == [] and result.diagnostics.warnings == []
    made = bundle(result.files)
    assert "pagefind/pagefind.js" in made
    assert sorted(p for p in folder_files(out) if p.startswith("pagefind/")) == made
    for rel in ("index.html", "posts/gradient-descent/index.html", "archive/index.html", "404.html"):
        root = parse_html(out / rel)
        [box] = find_all(root, "div", cls="site-search")
        assert box.get("data-bundle") == "/pagefind/"
        [form] = find_all(box, "form")
        assert form.get("role") == "search"
        [field] = find_all(box, "input")
        labels = [label for label in root.iter("label") if label.get("for") == field.get("id")]
        assert field.get("type") == "search" and labels and labels[0].text.strip() == "Search this site"
        assert any(s.get("src", "").startswith("/js/search.js?v=") for s in root.iter("script"))
    # the article is the indexed part; header and footer are not
    article = parse_html(out / "posts/gradient-descent/index.html")
    assert [a.get("class") for a in article.iter("article") if a.get("data-pagefind-body") is not None]
    for tag, cls in (("header", "site-header"), ("footer", "site-footer"), ("footer", "post-footer"),
                     ("p", "post-meta")):
        [element] = find_all(article, tag, cls=cls)
        assert element.get("data-pagefind-ignore") is not None, cls


def test_rebuild_keeps_the_index_and_removes_only_stale_parts(pagefind, site: Path):
    build(site, cache=False)
    first = {p for p in folder_files(site / "public") if p.startswith("pagefind/")}
    (site / "content/posts/attention.md").write_text(
        post("Attention is a weighted average", "2024-06-01", body="Now about xylophonic keys and queries.\n"))
    result = build(site, cache=False)
    now = {p for p in folder_files(site / "public") if p.startswith("pagefind/")}
    assert now == set(bundle(result.files))
    assert "pagefind/pagefind.js" in now and now != first  # new fragments replace the old ones
    assert any("xylophonic" in f["content"] for f in fragments(result.files).values())


def test_without_pagefind_the_build_works_and_says_so_once(site: Path, monkeypatch):
    monkeypatch.setattr(chalk.search, "find_pagefind", lambda: None)
    result = build(site, cache=False)
    assert result.diagnostics.errors == []
    [warning] = result.diagnostics.warnings
    assert warning.format() == ("site.yaml:4: warning: search: true but Pagefind is not installed, so this site "
                                "has no search (pip install 'chalk-ssg[search]')")
    assert bundle(result.files) == []
    html = (site / "public/posts/gradient-descent/index.html").read_text()
    assert "site-search" not in html, "a search box without an index"


def test_a_failing_pagefind_fails_the_build_and_writes_nothing(site: Path, tmp_path: Path, monkeypatch):
    from chalk.errors import BuildError

    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: the index is on fire' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(chalk.search, "find_pagefind", lambda: fake)
    with pytest.raises(BuildError) as info:
        build(site, cache=False)
    assert [d.format() for d in info.value.errors] == [  # the line of search: true, and what to do
        "site.yaml:4: search: Pagefind failed: Error: the index is on fire (that is Pagefind's own message; "
        "set search: false to build without search)"]
    assert not (site / "public").exists()


def test_chalk_serve_keeps_the_index_current(pagefind, site: Path):
    from chalk.serve import make_server

    server, preview = make_server(site, port=0, log=lambda line: None)
    try:
        preview.rebuild()
        snapshot = preview.state.snapshot
        assert snapshot is not None and "pagefind/pagefind.js" in snapshot.files
        assert not any("xylophonic" in f["content"] for f in fragments(snapshot.files).values())
        assert preview.lookup("/pagefind/pagefind.js")[0] == 200

        (site / "content/posts/attention.md").write_text(
            post("Attention is a weighted average", "2024-06-01", body="Now about xylophonic keys and queries.\n"))
        preview.rebuild()
        assert preview.wait_for_search(120), "the background index never came"
        indexed = fragments(preview.state.snapshot.files)
        assert any("xylophonic" in f["content"] for f in indexed.values())
        # drafts are shown in the preview, but never indexed (noindex)
        assert not any("Hyperspectral" in f["content"] for f in indexed.values())
    finally:
        server.server_close()


def test_chalk_serve_shows_an_edit_before_pagefind_is_done(pagefind, site: Path, tmp_path: Path, monkeypatch):
    """The page update never waits for the index: Pagefind runs in the background, and its new
    index is swapped in when it is done (here, held back until the test lets it go)."""
    from chalk.serve import make_server

    release = tmp_path / "release"
    release.touch()
    held = tmp_path / "held-pagefind"
    held.write_text(f"#!/bin/sh\nn=0\nwhile [ ! -e '{release}' ]; do sleep 0.05; n=$((n+1)); "  # at most a minute
                    f"[ $n -gt 1200 ] && exit 3; done\nexec '{pagefind}' \"$@\"\n")
    held.chmod(0o755)
    monkeypatch.setattr(chalk.search, "find_pagefind", lambda: held)
    server, preview = make_server(site, port=0, log=lambda line: None)
    try:
        preview.rebuild()  # the first index is made before anything is served
        assert "pagefind/pagefind.js" in preview.state.snapshot.files
        release.unlink()  # from now on Pagefind waits
        (site / "content/posts/attention.md").write_text(
            post("Attention is a weighted average", "2024-06-01", body="Now about xylophonic keys and queries.\n"))
        change = preview.rebuild()
        assert change is not None and "/posts/attention/" in change.pages
        status, rel = preview.lookup("/posts/attention/")
        assert status == 200 and b"xylophonic" in preview.state.snapshot.files[rel]  # served while Pagefind waits
        assert not any("xylophonic" in f["content"] for f in fragments(preview.state.snapshot.files).values())
        assert preview.lookup("/pagefind/pagefind.js")[0] == 200  # search keeps working meanwhile
        assert not preview.wait_for_search(0.5)
        release.touch()
        assert preview.wait_for_search(120), "the background index never came"
        assert any("xylophonic" in f["content"] for f in fragments(preview.state.snapshot.files).values())
    finally:
        preview.stop()
        server.server_close()


# --------------------------------------------------------------------------- shards: an edit re-indexes one

def sharded_site(tmp_path: Path, articles: int = 12) -> Path:
    files = {f"content/posts/p{n}.md": post(f"Article {n}", f"2024-03-{n + 1:02d}",
                                            body=f"Article {n} is about the word zyx{n}q and nothing else.\n")
             for n in range(articles)}
    return write_files(tmp_path / "sharded", files, site_yaml=SITE_YAML)


def test_a_large_site_is_indexed_in_shards_and_an_edit_reindexes_one(pagefind, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(chalk.search, "SHARD_PAGES", 2)  # 12 articles: 4 shards instead of ~1,000 pages
    runs: list[int] = []
    real_run = chalk.search._run_pagefind

    def counted(binary, pages, diagnostics, **options):  # type: ignore[no-untyped-def]
        runs.append(len(pages))
        return real_run(binary, pages, diagnostics, **options)

    monkeypatch.setattr(chalk.search, "_run_pagefind", counted)
    root = sharded_site(tmp_path)
    first = build(root, jobs=1).files
    manifest = json.loads(first["pagefind/chalk-shards.json"])
    assert manifest["merge"] == ["shards/1/", "shards/2/", "shards/3/"]
    assert len(runs) == 4 and sum(runs) == 12  # only the articles (data-pagefind-body), each once
    for shard in manifest["merge"]:
        assert f"pagefind/{shard}pagefind-entry.json" in first
        assert not any(rel.startswith(f"pagefind/{shard}pagefind-ui") for rel in first)
    assert "pagefind/pagefind.js" in first

    runs.clear()
    (root / "content/posts/p5.md").write_text(post("Article 5", "2024-03-06", body="Now about qwv5z.\n"))
    second = build(root, jobs=1).files
    assert len(runs) == 1, runs  # the edited article's shard, not the site
    changed = {rel for rel in second if rel.startswith("pagefind/") and second[rel] != first.get(rel)}
    shard_of = {rel.split("/")[2] if rel.startswith("pagefind/shards/") else "0" for rel in changed
                if "/fragment/" in rel or "/index/" in rel}
    assert len(shard_of) == 1, changed  # new fragments and index chunks in one shard only

    runs.clear()
    clean = build(root, jobs=1, cache=False).files  # a clean build makes the same bundle
    assert {k: v for k, v in clean.items() if k.startswith("pagefind/")} == \
        {k: v for k, v in second.items() if k.startswith("pagefind/")}


def test_a_small_site_has_one_bundle_and_an_empty_shard_list(pagefind, tmp_path: Path):
    files = build(sharded_site(tmp_path, articles=3), jobs=1).files
    assert json.loads(files["pagefind/chalk-shards.json"]) == {"merge": []}
    assert not any(rel.startswith("pagefind/shards/") for rel in files)


def test_pagefind_folders_left_by_a_stopped_run_are_cleared_but_not_those_in_use(pagefind, tmp_path: Path):
    import os
    import time

    root = sharded_site(tmp_path, articles=3)
    build(root, jobs=1)
    shards = root / ".chalk-cache/search"
    left = shards / (chalk.search.SCRATCH_PREFIX + "left-behind")
    busy = shards / (chalk.search.SCRATCH_PREFIX + "in-use")
    for folder in (left, busy):
        (folder / "site").mkdir(parents=True)
    old = time.time() - chalk.search.SCRATCH_STALE_SECONDS - 60
    os.utime(left, (old, old))
    (root / "content/posts/p0.md").write_text(post("Article 0", "2024-03-01", body="Now about zyx0q, edited.\n"))
    build(root, jobs=1)  # an edit: Pagefind runs, and the cache is pruned
    assert not left.exists() and busy.is_dir()
    assert not [p for p in shards.iterdir() if p.name.startswith(chalk.search.SCRATCH_PREFIX)
                and p not in (busy,)], "this run's own working folder stays behind"
