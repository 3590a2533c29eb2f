"""The persistent cache and parallel rendering never change what a build produces.

Every comparison here is against a clean ``--no-cache`` build of the same files,
byte for byte, through the real command (``chalk.cli.main``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from chalk import cache, codec
from chalk.cli import main
from chalk.markdown import SETTINGS
from support.sites import post

ARTICLES = 20  # enough for two workers (each takes at least 8 texts)


def article(number: int, extra: str = "") -> str:
    body = f"""
        Intro of article {number}, linking [the first](post-0.md) and [a section](#details).

        ## Details

        ```python title="step_{number}.py" linenums="1"
        def step(x: int) -> int:
            return x * {number}
        ```

        ```diagram
        id: fig-{number}
        caption: Figure of article {number}
        alt: A box labelled {number}.
        ```

        A footnote.[^n]

        [^n]: The note of article {number}.
        {extra}
        """
    return post(f"Article {number}", f"2024-01-{number % 28 + 1:02d}", body, tags=[f"t{number % 3}"])


@pytest.fixture
def site(make_site) -> Path:
    files = {f"content/posts/post-{n}.md": article(n) for n in range(ARTICLES)}
    files["content/about.md"] = "---\ntitle: About\n---\nAbout this site.\n"
    files["static/css/extra.css"] = "body { color: black; }\n"
    return make_site(files)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def chalk_build(root: Path, *flags: str) -> None:
    assert main(["build", "-s", str(root), *flags]) == 0


def clean_build(root: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    chalk_build(root, "--no-cache", "--jobs", "1", "-o", str(out))
    return tree(out)


def test_jobs_and_cache_give_byte_identical_sites(site: Path, tmp_path: Path) -> None:
    one = clean_build(site, tmp_path / "one")
    chalk_build(site, "--no-cache", "--jobs", "2", "-o", str(tmp_path / "two"))
    chalk_build(site, "-o", str(tmp_path / "cold"))  # fills .chalk-cache/
    chalk_build(site, "-o", str(tmp_path / "warm"))  # starts from it
    assert (site / ".chalk-cache" / cache.STATE_FILE).is_file()
    assert len(one) > ARTICLES
    assert tree(tmp_path / "two") == one
    assert tree(tmp_path / "cold") == one
    assert tree(tmp_path / "warm") == one


@pytest.mark.parametrize("damage", ["garbage", "truncated", "deleted folder"])
def test_a_damaged_or_missing_cache_gives_correct_output(site: Path, tmp_path: Path, damage: str) -> None:
    expected = clean_build(site, tmp_path / "clean")
    chalk_build(site)
    state = site / ".chalk-cache" / cache.STATE_FILE
    if damage == "garbage":
        state.write_bytes(b"SQLite format 3\x00" + b"\x80\x05not a database at all" * 100)
    elif damage == "truncated":
        state.write_bytes(state.read_bytes()[: state.stat().st_size // 2])
    else:
        shutil.rmtree(site / ".chalk-cache")
    (site / "content/posts/post-3.md").write_text(article(3, "A new closing line."), encoding="utf-8")
    expected = clean_build(site, tmp_path / "clean")
    chalk_build(site)
    assert tree(site / "public") == expected


def _rows(state_file: Path, stage: str) -> dict[str, str]:
    with sqlite3.connect(state_file) as db:
        return dict(db.execute("SELECT key, value FROM records WHERE stage = ?", (stage,)).fetchall())


def _tamper(state_file: Path, salt: str) -> None:
    """Rewrite the saved state so every rendered text reads TAMPERED, under the given salt."""
    with sqlite3.connect(state_file) as db:
        for key, value in _rows(state_file, "markdown").items():
            record = codec.loads(value)
            tampered = type(record.rendered)(**{**record.rendered.__dict__, "html": "<p>TAMPERED</p>"})
            db.execute("UPDATE records SET value = ? WHERE stage = 'markdown' AND key = ?",
                       (codec.dumps(type(record)(**{**record.__dict__, "rendered": tampered})), key))
        db.execute("DELETE FROM records WHERE stage IN ('pages', 'up-to-date')")
        db.execute("UPDATE meta SET value = ? WHERE key = 'salt'", (salt,))


def test_a_cache_from_another_chalk_version_is_ignored(site: Path, tmp_path: Path) -> None:
    chalk_build(site)
    state = site / ".chalk-cache" / cache.STATE_FILE
    (site / "content/about.md").write_text("---\ntitle: About\n---\nAbout this site, again.\n", encoding="utf-8")

    _tamper(state, "chalk 0.0.0-another-version")
    chalk_build(site)
    assert b"TAMPERED" not in (site / "public/posts/post-1/index.html").read_bytes()

    # the control: under the right salt the same entries are used, so the test above can fail
    _tamper(state, cache.salt(SETTINGS))
    (site / "content/about.md").write_text("---\ntitle: About\n---\nAbout this site, once more.\n",
                                           encoding="utf-8")
    chalk_build(site)
    assert b"TAMPERED" in (site / "public/posts/post-1/index.html").read_bytes()


def test_the_cache_is_json_in_sqlite_and_refuses_anything_but_chalk_data(site: Path, tmp_path: Path) -> None:
    """No pickle: rows are JSON, and a row naming any class but chalk's own is dropped, not run."""
    expected = clean_build(site, tmp_path / "clean")
    chalk_build(site)
    state = site / ".chalk-cache" / cache.STATE_FILE
    rows = _rows(state, "markdown")
    assert len(rows) == ARTICLES + 1
    assert all(json.loads(value)["$c"] == "chalk.incremental:MarkdownRecord" for value in rows.values())
    marker = tmp_path / "ran"
    hostile = {"$c": "os:system", "f": {"command": f"touch {marker}"}}
    for name in ("os:system", "subprocess:Popen", "builtins:eval", "chalk.cache:Store"):
        with pytest.raises(codec.Unstorable):
            codec.loads(json.dumps({"$c": name, "f": {}}))
    with sqlite3.connect(state) as db:
        db.execute("UPDATE records SET value = ? WHERE stage = 'markdown'", (json.dumps(hostile),))
        db.execute("DELETE FROM records WHERE stage = 'up-to-date'")
    (site / "content/about.md").write_text("---\ntitle: About\n---\nAbout this site.\n\nMore.\n", encoding="utf-8")
    chalk_build(site)
    assert not marker.exists()
    assert tree(site / "public") == clean_build(site, tmp_path / "clean")
    assert expected != tree(site / "public")  # the edit shows: the build really ran


def test_only_changed_rows_are_written(site: Path) -> None:
    chalk_build(site)
    state = site / ".chalk-cache" / cache.STATE_FILE
    before = _rows(state, "markdown")
    with sqlite3.connect(state) as db:  # mark every row, to see which ones the next build rewrites
        db.execute("UPDATE records SET value = value || ' ' WHERE stage = 'markdown'")
    (site / "content/posts/post-5.md").write_text(article(5, "Edited."), "utf-8")
    chalk_build(site)
    after = _rows(state, "markdown")
    rewritten = {key for key, value in after.items() if not value.endswith(" ")}
    assert rewritten == {"content/posts/post-5.md"}
    assert after["content/posts/post-5.md"] != before["content/posts/post-5.md"]


EDITS = {
    "edit an article": lambda s: (s / "content/posts/post-5.md").write_text(article(5, "Edited."), "utf-8"),
    "edit its front matter": lambda s: (s / "content/posts/post-5.md").write_text(
        article(5).replace("title: \"Article 5\"", "title: \"Article five\""), "utf-8"),
    "override a template": lambda s: (s / "templates").mkdir() or (s / "templates/post.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}',
        "utf-8"),
    "edit the template": lambda s: (s / "templates/post.html").write_text(
        '{% extends "base.html" %}{% block content %}<h2>{{ page.title }}</h2>{{ page.content }}{% endblock %}',
        "utf-8"),
    "edit a static file": lambda s: (s / "static/css/extra.css").write_text("body { color: navy; }\n", "utf-8"),
    "draw a diagram": lambda s: (s / "static/diagrams").mkdir(parents=True) or (
        s / "static/diagrams/fig-2.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180"></svg>', "utf-8"),
    "change site.yaml": lambda s: (s / "site.yaml").write_text(
        "title: Renamed site\nbase_url: https://example.org/blog/\nposts_per_page: 7\n", "utf-8"),
    "change the time zone": lambda s: (s / "site.yaml").write_text(  # dates without a zone move
        "title: Renamed site\nbase_url: https://example.org/blog/\nposts_per_page: 7\ntimezone: Asia/Tokyo\n",
        "utf-8"),
    "delete an article": lambda s: (s / "content/posts/post-7.md").unlink(),
    "rename an article": lambda s: (s / "content/posts/post-8.md").rename(s / "content/posts/renamed.md"),
    "add an article": lambda s: (s / "content/posts/new.md").write_text(article(42, "Brand new."), "utf-8"),
    "add an image to an article": lambda s: (s / "static/img").mkdir(parents=True) or (
        s / "static/img/dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>', "utf-8") or (
        s / "content/posts/post-6.md").write_text(
        article(6, '![A dot](/img/dot.svg)\n\n<IMG SRC="/img/dot.svg" ALT="The dot again">'), "utf-8"),
    "link a page to an article": lambda s: (s / "content/about.md").write_text(
        "---\ntitle: About\n---\nAbout this site, and [the first article](posts/post-0.md).\n", "utf-8"),
    "retag an article": lambda s: (s / "content/posts/post-9.md").write_text(
        article(9).replace('tags: ["t0"]', 'tags: ["fresh"]'), "utf-8"),
}


def test_every_incremental_build_equals_a_clean_build(site: Path, tmp_path: Path) -> None:
    chalk_build(site)
    for name, edit in EDITS.items():
        edit(site)
        chalk_build(site)
        assert tree(site / "public") == clean_build(site, tmp_path / "clean"), f"after: {name}"
    chalk_build(site)  # nothing changed since: replayed, and still the same site
    assert tree(site / "public") == clean_build(site, tmp_path / "clean")


IN_SERIES = {  # edits whose effects reach other pages through series, dates and bylines
    "show a part's series and its last change": lambda s: (s / "templates/post.html").write_text(
        '{% extends "base.html" %}{% block content %}<h2>{{ page.title }}</h2>{{ page.content }}'
        '{% if page.series %}<p>{{ page.series.title }}: {{ page.series.lastmod|isodate }}</p>{% endif %}'
        '{% endblock %}', "utf-8"),
    "put two articles in a series": lambda s: [(s / f"content/posts/post-{n}.md").write_text(
        article(n).replace("tags:", f"series: Steps\nseries_part: {n - 9}\ntags:"), "utf-8") for n in (10, 11)],
    "retitle a part (the series page lists it)": lambda s: (s / "content/posts/post-11.md").write_text(
        article(11).replace('"Article 11"', '"Article eleven"').replace("tags:", "series: Steps\nseries_part: 2\ntags:"),
        "utf-8"),
    "update a part (the series' last change)": lambda s: (s / "content/posts/post-10.md").write_text(
        article(10).replace("tags:", "series: Steps\nseries_part: 1\nupdated: 2024-01-14\ntags:"), "utf-8"),
    "give an article an author": lambda s: (s / "content/posts/post-12.md").write_text(
        article(12).replace("tags:", "author: Ada Lovelace\ntags:"), "utf-8"),
}


def test_a_builder_kept_across_edits_builds_what_a_clean_build_does(site: Path, tmp_path: Path) -> None:
    """chalk serve keeps one Builder, which skips comparing the facts of model objects that are
    the same as in its last build (chalk.render.tracking.same_objects): never a stale page."""
    from chalk.builder import Builder
    from chalk.options import BuildOptions

    kept = Builder(site, BuildOptions(output=tmp_path / "kept", cache=False, jobs=1), incremental=True)
    kept.build()
    for name, edit in {**EDITS, **IN_SERIES}.items():
        edit(site)
        kept.build()
        assert tree(tmp_path / "kept") == clean_build(site, tmp_path / "clean"), f"after: {name}"
    assert kept.last_render.reused > 0  # the last edit re-rendered only what it touched


def test_a_kept_builder_takes_over_what_unchanged_pages_hold_of_their_own(site: Path, tmp_path: Path) -> None:
    from chalk.builder import Builder
    from chalk.options import BuildOptions

    kept = Builder(site, BuildOptions(output=tmp_path / "kept", cache=False, jobs=1), incremental=True)

    def posts() -> dict[str, object]:
        return {page.source: page for page in kept.build().site.posts}

    first = posts()
    (site / "content/posts/post-5.md").write_text(article(5, "Edited."), "utf-8")
    second = posts()
    same, edited = "content/posts/post-1.md", "content/posts/post-5.md"
    assert second[same] is not first[same]  # a new model, with the very same values in it
    assert [getattr(second[same], name) is getattr(first[same], name) for name in ("url", "permalink", "cite")] \
        == [True, True, True]
    assert "Edited." in second[edited].content and "Edited." not in first[edited].content
    (site / "site.yaml").write_text("title: Renamed site\nbase_url: https://example.org/docs/\n", "utf-8")
    third = posts()  # another configuration: every page's fields are worked out again
    assert third[same].url == "/docs/posts/post-1/" and third[same].url is not second[same].url


def test_a_kept_builder_checks_links_again_only_when_their_target_s_anchors_change(site: Path, tmp_path: Path) -> None:
    from chalk.builder import Builder
    from chalk.options import BuildOptions

    # as chalk serve builds: pages stay in memory, so a page rendered anew is known by its last bytes
    kept = Builder(site, BuildOptions(output=tmp_path / "kept", cache=False, jobs=1, preview=True), incremental=True)
    about = site / "content/about.md"
    about.write_text("---\ntitle: About\n---\nSee [the details](posts/post-0.md#details).\n", "utf-8")

    def anchor_warnings() -> list[str]:
        loaded = kept.load()
        kept.outputs(loaded)
        return [d.format() for d in loaded.diagnostics.warnings
                if "no anchor" in d.message and d.path == "content/about.md"]

    assert anchor_warnings() == []
    target = site / "content/posts/post-0.md"
    target.write_text(article(0, "More text, same headings."), "utf-8")
    assert anchor_warnings() == []
    before = kept.state.checks["about/index.html"]
    target.write_text(article(0, "Yet more text, same headings."), "utf-8")
    assert anchor_warnings() == [] and kept.state.checks["about/index.html"] is before  # kept as it was
    target.write_text(article(0).replace("## Details", "## Particulars"), "utf-8")
    assert anchor_warnings() == ["content/about.md:4: warning: link to /blog/posts/post-0/#details: "
                                 "no anchor #details on that page (headings, footnotes and diagram ids are anchors)"]
    target.write_text(article(0), "utf-8")
    assert anchor_warnings() == []


def test_unchanged_files_keep_their_mtime_and_unchanged_builds_do_nothing(site: Path, capsys) -> None:
    chalk_build(site)
    page = site / "public/posts/post-1/index.html"
    before = page.stat().st_mtime_ns
    (site / "content/posts/post-5.md").write_text(article(5, "Edited."), "utf-8")
    chalk_build(site)
    assert page.stat().st_mtime_ns == before
    capsys.readouterr()
    chalk_build(site)
    assert "nothing changed" in capsys.readouterr().out


def test_a_replayed_report_lists_the_slots_awaiting_drawings_as_the_build_did(site: Path, capsys) -> None:
    chalk_build(site)
    built = capsys.readouterr().out.splitlines()
    chalk_build(site)  # nothing changed: the report comes from the cache
    replayed = capsys.readouterr().out.splitlines()
    assert "nothing changed" in replayed[-1]
    assert built[0] == replayed[0] == f"{ARTICLES} diagram slots await a drawing:"
    listed = [line for line in built if line.startswith("  content/")]
    assert len(listed) == 10 and listed == [line for line in replayed if line.startswith("  content/")]
    assert built[11] == replayed[11] == f"  … and {ARTICLES - 10} more (chalk check lists them all)"


def test_deploy_skips_the_build_when_nothing_changed(site: Path, tmp_path: Path, monkeypatch) -> None:
    from chalk.builder import Builder

    assert main(["deploy", "-s", str(site), "--to", str(tmp_path / "www")]) == 0

    def no_build(self: Builder) -> None:
        raise AssertionError("built although nothing changed")

    monkeypatch.setattr(Builder, "build", no_build)
    assert main(["deploy", "-s", str(site), "--to", str(tmp_path / "www2")]) == 0  # replayed: no build
    assert tree(tmp_path / "www2") == tree(tmp_path / "www")
    (site / "content/posts/post-5.md").write_text(article(5, "Edited."), "utf-8")
    with pytest.raises(AssertionError, match="built although"):  # the control: a change does build
        main(["deploy", "-s", str(site), "--to", str(tmp_path / "www3")])


def _checkout_again(root: Path) -> None:
    """Every file written anew with the same bytes and a later time, as a fresh clone with .chalk-cache/
    and public/ restored from a CI cache would have them."""
    later = 2_000_000_000_000_000_000
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
        os.utime(path, ns=(later, later))


@pytest.mark.parametrize("where", ["same folder", "another folder"])
def test_a_checkout_with_a_restored_cache_renders_nothing_again(where: str, site: Path, tmp_path: Path,
                                                                monkeypatch) -> None:
    from chalk import incremental
    from chalk.markdown import MarkdownRenderer
    from chalk.render import pages

    chalk_build(site, "--jobs", "1")
    built = tree(site / "public")
    if where == "another folder":  # a CI runner's checkout lies elsewhere: the cache does not care
        moved = tmp_path / "elsewhere" / "clone"
        shutil.copytree(site, moved)
        shutil.rmtree(site)
        site = moved
    _checkout_again(site)
    calls = {"parsed": 0, "markdown": 0, "pages": 0}
    real_parse, real_markdown, real_page = incremental.read_source, MarkdownRenderer.render, pages.render_item

    def count_parse(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["parsed"] += 1
        return real_parse(*args, **kwargs)

    def count_markdown(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["markdown"] += 1
        return real_markdown(self, *args, **kwargs)

    def count_page(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["pages"] += 1
        return real_page(*args, **kwargs)

    monkeypatch.setattr(incremental, "read_source", count_parse)
    monkeypatch.setattr(MarkdownRenderer, "render", count_markdown)
    monkeypatch.setattr(pages, "render_item", count_page)
    stamps = {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*") if p.is_file()}
    chalk_build(site, "--jobs", "1")
    assert calls == {"parsed": 0, "markdown": 0, "pages": 0}  # same bytes: not even the front matter parsed
    assert tree(site / "public") == built
    assert {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*") if p.is_file()} == stamps

    (site / "content/posts/post-5.md").write_text(article(5, "Edited."), "utf-8")  # the control
    chalk_build(site, "--jobs", "1")
    assert calls["parsed"] == 1 and calls["markdown"] == 1 and calls["pages"] >= 1
