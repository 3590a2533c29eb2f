"""Stage 7: writing the output folder safely and only when bytes change."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from chalk.errors import UsageError
from chalk import journal
from chalk.output import check_output_dir, safe_target, write_site
from support.sites import build, post, snapshot_tree


def age(path: Path, seconds: int = 100) -> None:
    """Move a file's mtime into the past so a rewrite would be visible."""
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


# --------------------------------------------------------------------------- safe_target

@pytest.mark.parametrize("rel", ["../x", "/etc/x", "a/../../x", "..", "a/..", "", "a\\..\\x", "a\0b", "./../x"])
def test_safe_target_rejects_paths_leaving_the_folder(tmp_path, rel):
    with pytest.raises(UsageError):
        safe_target(tmp_path / "public", rel)


@pytest.mark.parametrize("rel", ["../x", "/etc/x", "a/../../x", "..", "a/..", "", "a\\..\\x", "a\0b", "./../x"])
def test_write_site_refuses_the_same_paths_with_no_link_in_the_folder(tmp_path, rel):
    """write_site tells plain paths from the string alone; anything else goes through safe_target."""
    with pytest.raises(UsageError):
        write_site(tmp_path / "public", {"index.html": b"i", rel: b"x"})
    assert not (tmp_path / "public").exists() and sorted(tmp_path.iterdir()) == []


def test_write_site_writes_paths_safe_target_would_tidy(tmp_path):
    write_site(tmp_path / "public", {"./a.css": b"a", "posts//b.html": b"b"})
    assert (tmp_path / "public" / "a.css").read_bytes() == b"a"
    assert (tmp_path / "public" / "posts" / "b.html").read_bytes() == b"b"


@pytest.mark.parametrize("rel, expected", [
    ("index.html", "index.html"), ("posts/x/index.html", "posts/x/index.html"), ("./a.css", "a.css"),
    ("posts/über/index.html", "posts/über/index.html"),
])
def test_safe_target_accepts_plain_paths(tmp_path, rel, expected):
    assert safe_target(tmp_path / "public", rel) == tmp_path / "public" / expected


def test_safe_target_rejects_symlinked_escape(tmp_path):
    output = tmp_path / "public"
    output.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (output / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError):
        safe_target(output, "link/x.html")


def test_write_site_validates_every_path_before_writing_anything(tmp_path):
    output = tmp_path / "public"
    with pytest.raises(UsageError):
        write_site(output, {"a.html": b"a", "../evil.html": b"x"})
    assert not (tmp_path / "evil.html").exists()
    assert not output.exists() or list(output.iterdir()) == []


# --------------------------------------------------------------------------- write_site

def test_write_site_writes_only_changed_bytes(tmp_path):
    output = tmp_path / "public"
    source = tmp_path / "style.css"
    source.write_bytes(b"body{}")
    stats = write_site(output, {"index.html": b"<p>1</p>", "posts/a/index.html": b"a", "css/style.css": source})
    assert (stats.written, stats.unchanged, stats.removed) == (3, 0, 0)
    for path in output.rglob("*"):
        if path.is_file():
            age(path)
    before = snapshot_tree(output)

    stats = write_site(output, {"index.html": b"<p>2</p>", "posts/a/index.html": b"a", "css/style.css": source})
    assert (stats.written, stats.unchanged, stats.removed) == (1, 2, 0)
    after = snapshot_tree(output)
    assert after["posts/a/index.html"] == before["posts/a/index.html"]  # same bytes, same mtime
    assert after["css/style.css"] == before["css/style.css"]
    assert after["index.html"][0] == b"<p>2</p>"
    assert after["index.html"][1] != before["index.html"][1]
    assert oct(os.stat(output / "index.html").st_mode & 0o777) == oct(0o644)


def test_write_site_removes_stale_files_and_empty_folders_but_keeps_git(tmp_path):
    output = tmp_path / "public"
    write_site(output, {"index.html": b"i", "posts/old/index.html": b"old", "posts/new/index.html": b"new"})
    (output / ".git").mkdir()
    (output / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    stats = write_site(output, {"index.html": b"i", "posts/new/index.html": b"new"})
    assert stats.removed == 1
    assert not (output / "posts" / "old").exists()
    assert (output / "posts" / "new" / "index.html").read_bytes() == b"new"
    assert (output / ".git" / "HEAD").exists()
    assert not list(output.rglob(".chalk-*"))  # no temporary files left behind


def test_every_folder_a_removal_empties_goes_and_no_other(tmp_path):
    output = tmp_path / "public"
    gone = ["a/x.html", "a/b/c/index.html", "a/g/index.html", "keep/old/index.html"]
    write_site(output, dict.fromkeys(["index.html", "keep/index.html", *gone], b"x"))
    stats = write_site(output, dict.fromkeys(["index.html", "keep/index.html"], b"x"))
    assert stats.removed == 4
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == [
        "index.html", "keep", "keep/index.html"]


@pytest.mark.parametrize("order", [1, -1])
def test_pruning_climbs_from_each_removed_file_in_any_order(tmp_path, order):
    """a/ is empty only once a/b/c/ and a/g/ are gone: whichever climb removes its last
    subfolder goes on to a/. A folder still holding a file ends the climb."""
    removed = ["a/x.html", "a/b/c/index.html", "a/g/index.html", "keep/old/index.html"]
    for folder in ("a/b/c", "a/g", "keep/old"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "keep" / "index.html").write_text("x")
    journal.prune_emptied(tmp_path, removed[::order])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["keep", "keep/index.html"]


def test_write_site_replaces_a_folder_or_inner_symlink_standing_where_a_file_goes(tmp_path):
    output = tmp_path / "public"
    (output / "a.html").mkdir(parents=True)
    (output / "a.html" / "inner").write_text("x")
    (output / "real.html").write_text("real")
    (output / "b.html").symlink_to(output / "real.html")
    write_site(output, {"a.html": b"A", "b.html": b"B", "real.html": b"real"})
    assert (output / "a.html").read_bytes() == b"A"
    assert (output / "b.html").read_bytes() == b"B" and not (output / "b.html").is_symlink()
    assert (output / "real.html").read_bytes() == b"real"


def test_symlink_to_outside_is_never_written_through(tmp_path):
    output = tmp_path / "public"
    output.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    (output / "b.html").symlink_to(outside)
    try:
        write_site(output, {"b.html": b"B"})
    except UsageError:
        pass  # refusing is fine too
    else:
        assert not (output / "b.html").is_symlink() and (output / "b.html").read_bytes() == b"B"
    assert outside.read_text() == "keep me"


# --------------------------------------------------------------------------- check_output_dir

def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n")
    return root


def test_default_output_inside_project_is_fine(tmp_path):
    root = project(tmp_path)
    assert check_output_dir(root / "public", root, explicit=False) == (root / "public").resolve()
    assert check_output_dir(root / "build" / "site", root, explicit=False) == (root / "build" / "site").resolve()


@pytest.mark.parametrize("explicit", [False, True])
def test_project_root_and_its_parents_are_refused(tmp_path, explicit):
    root = project(tmp_path)
    for target in (root, root / ".", tmp_path, Path("/")):
        with pytest.raises(UsageError):
            check_output_dir(target, root, explicit=explicit)


@pytest.mark.parametrize("explicit", [False, True])
def test_folder_holding_content_or_site_yaml_is_refused(tmp_path, explicit):
    root = project(tmp_path)
    other = tmp_path / "other-site"
    (other / "content").mkdir(parents=True)
    with pytest.raises(UsageError, match="content"):
        check_output_dir(other, root, explicit=explicit)
    inner = root / "public"
    inner.mkdir()
    (inner / "site.yaml").write_text("title: x\n")
    with pytest.raises(UsageError):
        check_output_dir(inner, root, explicit=explicit)


def test_outside_the_project_only_when_explicit(tmp_path):
    root = project(tmp_path)
    outside = tmp_path / "elsewhere" / "out"
    with pytest.raises(UsageError, match="--output"):
        check_output_dir(outside, root, explicit=False)
    assert check_output_dir(outside, root, explicit=True) == outside.resolve()


def test_output_dir_escaping_through_site_yaml_is_refused(make_site):
    root = make_site({"content/posts/x.md": post("X")},
                     site_yaml="title: T\nbase_url: https://example.org/\noutput_dir: ../escaped\n")
    with pytest.raises(UsageError):
        build(root)
    assert not (root.parent / "escaped").exists()


def test_output_dir_dot_is_refused(make_site):
    root = make_site({"content/posts/x.md": post("X")},
                     site_yaml="title: T\nbase_url: https://example.org/\noutput_dir: .\n")
    before = snapshot_tree(root)
    with pytest.raises(UsageError):
        build(root)
    after = {rel: v for rel, v in snapshot_tree(root).items() if not rel.startswith(".chalk-cache/")}
    assert after == before


def test_rebuild_of_unchanged_site_touches_nothing(make_site):
    root = make_site({"content/posts/x.md": post("X"), "content/about.md": "---\ntitle: About\n---\nHi\n",
                      "static/img/logo.png": b"\x89PNG fake"})
    first = build(root)
    assert first.stats.written > 0
    for path in (root / "public").rglob("*"):
        if path.is_file():
            age(path)
    before = snapshot_tree(root / "public")
    second = build(root)
    assert second.stats.written == 0 and second.stats.removed == 0
    assert snapshot_tree(root / "public") == before
