"""Pages rendered anew wait in a spool beside the output folder, not in memory, until the write.

The spool only changes where a page waits: the bytes written are the same, the output folder
is untouched until the write (and after a failed build), and no spool outlives its build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import chalk.render.pages
from chalk.builder import Builder
from chalk.errors import BuildError
from chalk.options import BuildOptions
from chalk.output import write_site
from chalk.render.spool import Spool
from support.sites import build, post, snapshot_tree, write_files


def site_of(root: Path, count: int = 12) -> Path:
    files = {f"content/posts/p{n:03d}.md": post(f"Post {n}", f"2024-03-{n % 28 + 1:02d}", body=f"Post {n} says *so*.\n",
                                                tags=[f"tag{n % 3}"])
             for n in range(count)}
    files["static/css/extra.css"] = "body { color: teal }\n"
    return write_files(root, files, site_yaml="title: Spooled\nbase_url: https://example.org/\n")


def spools_beside(output: Path) -> list[str]:
    return sorted(name for name in os.listdir(output.parent) if name.startswith(f".{output.name}.chalk-pages-"))


def test_rendered_pages_wait_in_the_spool_as_the_bytes_a_build_in_memory_makes(tmp_path: Path):
    root = site_of(tmp_path / "site")
    builder = Builder(root, BuildOptions(cache=False))
    spool = Spool.beside(root / "public")
    assert spool is not None
    try:
        spooled = builder.outputs(builder.load(), spool=spool)
        plain = Builder(root, BuildOptions(cache=False))
        in_memory = plain.outputs(plain.load())
        pages = [rel for rel in spooled if rel.endswith((".html", ".xml"))]
        assert len(pages) > 12 and all(spool.holds(spooled[rel]) for rel in pages)
        assert all(isinstance(in_memory[rel], bytes) for rel in pages)
        assert {rel: spooled[rel].read_bytes() for rel in pages} == {rel: in_memory[rel] for rel in pages}
    finally:
        spool.remove()
    assert spools_beside(root / "public") == []


def test_a_build_moves_the_spooled_pages_into_place_and_no_spool_is_left(tmp_path: Path):
    root = site_of(tmp_path / "site")
    result = build(root, cache=False)
    output = root / "public"
    assert spools_beside(output) == []
    page = "posts/p003/index.html"
    assert result.files[page] == output / page and b"Post 3 says" in (output / page).read_bytes()
    assert (root / "static/css/extra.css").is_file()  # a static file is copied, never moved
    assert (output / "css/extra.css").read_bytes() == b"body { color: teal }\n"
    assert oct((output / page).stat().st_mode & 0o777) == oct(0o644)


def test_a_failed_build_leaves_the_output_folder_as_it_was_and_no_spool(tmp_path: Path):
    root = site_of(tmp_path / "site")
    build(root, cache=False)
    before = snapshot_tree(root / "public")
    write_files(root, {"templates/broken.html": "{{ page.no_such_field }}\n",
                       "content/posts/zzz.md": post("Broken", "2024-03-30", template="broken.html")})
    with pytest.raises(BuildError):
        build(root, cache=False)  # every other page rendered (and spooled) before this one failed
    assert snapshot_tree(root / "public") == before
    assert spools_beside(root / "public") == []


def test_a_spool_a_killed_build_left_is_removed_and_a_running_build_s_is_not(tmp_path: Path):
    root = site_of(tmp_path / "site")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        left = root / f".public.chalk-pages-{dead}-abc123"
        running = root / f".public.chalk-pages-{alive.pid}-def456"
        for folder in (left, running):
            folder.mkdir()
            (folder / "1-0").write_bytes(b"<p>half a page</p>")
        build(root, cache=False)
        assert not left.exists()
        assert (running / "1-0").read_bytes() == b"<p>half a page</p>"
    finally:
        alive.kill()
        alive.wait()


def test_without_a_place_beside_the_output_folder_pages_stay_in_memory(tmp_path: Path):
    root = site_of(tmp_path / "site")
    output = tmp_path / "not" / "yet" / "public"  # its parent does not exist: nothing to spool beside
    assert Spool.beside(output) is None
    result = build(root, cache=False, output=output)
    assert isinstance(result.files["posts/p003/index.html"], bytes)
    assert (output / "posts/p003/index.html").read_bytes() == result.files["posts/p003/index.html"]


def test_children_forked_to_render_write_their_pages_into_the_spool(tmp_path: Path, monkeypatch):
    root = site_of(tmp_path / "site", count=160)
    monkeypatch.setattr(chalk.render.pages, "forking_possible", lambda: True)  # pytest may run other threads
    builder = Builder(root, BuildOptions(cache=False, jobs=2))
    spool = Spool.beside(root / "public")
    assert spool is not None
    try:
        files = builder.outputs(builder.load(), spool=spool)
        writers = {path.name.split("-")[0] for path in spool.folder.iterdir()}
        assert str(os.getpid()) in writers and len(writers) == 2  # this process and one child
        assert all(spool.holds(files[rel]) for rel in files if rel.endswith(".html"))
    finally:
        spool.remove()


def test_pages_written_from_the_spool_are_reused_by_the_next_build(tmp_path: Path):
    root = site_of(tmp_path / "site")
    builder = Builder(root, BuildOptions(), incremental=True)
    builder.build()
    record = builder.state.pages["posts/p003/index.html"]
    assert record.data is None and record.written is not None and record.digest
    target = root / "public/posts/p005/index.html"
    (root / "content/posts/p005.md").write_text(post("Post 5", "2024-03-06", body="Post 5 says *more*.\n",
                                                      tags=["tag2"]), encoding="utf-8")
    builder.build()
    assert builder.last_render.reused > builder.last_render.rendered > 0
    assert "posts/p003/index.html" not in builder.last_render.fresh
    assert b"Post 5 says <em>more</em>" in target.read_bytes()


def test_write_site_moves_only_files_of_the_movable_folder(tmp_path: Path):
    spool, static = tmp_path / "spool", tmp_path / "static"
    spool.mkdir()
    static.mkdir()
    (spool / "1-0").write_bytes(b"<p>page</p>")
    (static / "a.css").write_bytes(b"a {}")
    write_site(tmp_path / "out", {"index.html": spool / "1-0", "a.css": static / "a.css", "b.txt": b"b"}, spool)
    assert not (spool / "1-0").exists() and (static / "a.css").read_bytes() == b"a {}"
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == \
        {"index.html": b"<p>page</p>", "a.css": b"a {}", "b.txt": b"b"}


def test_a_page_rendered_again_as_the_bytes_its_file_holds_is_that_file_not_a_spooled_copy(tmp_path: Path):
    from chalk.theme import builtin_theme_dir

    root = site_of(tmp_path / "site")
    post_html = (builtin_theme_dir() / "templates/post.html").read_text(encoding="utf-8")
    write_files(root, {"templates/post.html": post_html})
    builder = Builder(root, BuildOptions(), incremental=True)
    builder.build()
    page, output = "posts/p003/index.html", root / "public"
    before = snapshot_tree(output)
    (root / "templates/post.html").write_text(post_html + "{# a comment renders nothing #}\n", encoding="utf-8")
    result = builder.build()
    assert page in builder.last_render.fresh  # its template changed: rendered again
    assert builder.last_render.files[page] == output / page  # the same bytes: the file already written
    assert result.stats.written == 0 and snapshot_tree(output) == before
    record = builder.state.pages[page]
    assert record.written is not None and record.digest
    (root / "templates/post.html").write_text(post_html.replace("</article>", "<p>New line</p></article>", 1),
                                              encoding="utf-8")
    result = builder.build()
    assert builder.last_render.files[page] != output / page  # other bytes: spooled, then moved into place
    assert b"<p>New line</p>" in (output / page).read_bytes() and result.stats.written >= 12


def test_the_gitignore_chalk_init_writes_ignores_what_a_killed_build_leaves(tmp_path: Path):
    from datetime import date

    from chalk.scaffold import init_site

    root = tmp_path / "blog"
    init_site(root, date(2024, 5, 14))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for left in (".public.chalk-pages-4242-abc123/0-1", ".public.chalk-staging/new/0"):
        (root / left).parent.mkdir(parents=True)
        (root / left).write_bytes(b"<p>half a page</p>")
    shown = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                           capture_output=True, text=True, check=True).stdout
    assert ".chalk-" not in shown and "content/" in shown
