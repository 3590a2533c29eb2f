"""chalk serve takes the watcher's word for which of content/'s files changed, then checks it.

A save names the files the watcher saw change: the build looks at only those (no walk of
content/, no look at every file), unless the list cannot be trusted (a file added or removed,
content/ itself, a path spelt another way). Once the browsers are told, every file is looked
at after all; anything the watcher missed is built at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from chalk.builder import Builder
from chalk.options import BuildOptions
from chalk.serve import make_server
from support.html import parse_html
from support.sites import post, write_files


def site_of(root: Path) -> Path:
    files = {f"content/posts/p{n}.md": post(f"Post {n}", f"2024-03-{n + 1:02d}", body=f"Post {n} first says so.\n")
             for n in range(4)}
    return write_files(root, files, site_yaml="title: Watched\nbase_url: https://example.org/\n")


def rewrite(path: Path, text: str) -> None:
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a new stamp even on a coarse clock


def body_of(builder: Builder, rel: str) -> str:
    page = next(p for p in builder.load().site.posts if p.source == rel)
    return str(page.content)


def test_a_save_the_watcher_names_is_looked_at_alone_and_checked_afterwards(tmp_path: Path):
    root = site_of(tmp_path / "site")
    builder = Builder(root, BuildOptions(preview=True), incremental=True)
    builder.load()
    one, two = root / "content/posts/p1.md", root / "content/posts/p2.md"
    rewrite(one, post("Post 1", "2024-03-02", body="Post 1 now says otherwise.\n"))
    rewrite(two, post("Post 2", "2024-03-03", body="Post 2 changed behind the watcher's back.\n"))
    site = builder.load({one, root / "templates/post.html"}).site  # a template path is not content/'s
    assert builder.trusted
    shown = {p.source: str(p.content) for p in site.posts}
    assert "now says otherwise" in shown["content/posts/p1.md"]
    assert "first says so" in shown["content/posts/p2.md"]  # only the named file was looked at...
    assert builder.sources_moved()  # ...and the check after it sees the one the watcher missed
    assert "behind the watcher" in body_of(builder, "content/posts/p2.md")  # a load of everything
    assert not builder.trusted and not builder.sources_moved()


def test_a_file_added_or_removed_or_a_path_spelt_otherwise_means_a_walk(tmp_path: Path):
    root = site_of(tmp_path / "site")
    builder = Builder(root, BuildOptions(preview=True), incremental=True)
    builder.load()
    added = root / "content/posts/p9.md"
    added.write_text(post("Post 9", "2024-03-20", body="A new one.\n"), encoding="utf-8")
    assert "content/posts/p9.md" in {p.source for p in builder.load({added}).site.posts}
    assert not builder.trusted
    added.unlink()
    assert "content/posts/p9.md" not in {p.source for p in builder.load({added}).site.posts}
    assert not builder.trusted
    builder.load({root / "content"})  # the folder itself: moved, renamed, replaced
    assert not builder.trusted
    builder.load({tmp_path / "elsewhere/content/posts/p1.md"})  # not under the project as the walk named it
    assert not builder.trusted
    builder.load({root / "content/posts/p1.md"})
    assert builder.trusted


def served_text(preview, url: str) -> str:  # type: ignore[no-untyped-def]
    status, rel = preview.lookup(url)
    assert status == 200 and isinstance(rel, str)
    return "".join(parse_html(preview.state.snapshot.files[rel]).itertext())


def test_chalk_serve_builds_again_what_the_watcher_missed(tmp_path: Path):
    root = site_of(tmp_path / "site")
    server, preview = make_server(root, port=0, log=lambda line: None)
    try:
        preview.rebuild()
        one, two = root / "content/posts/p1.md", root / "content/posts/p2.md"
        rewrite(one, post("Post 1", "2024-03-02", body="Post 1 now says otherwise.\n"))
        rewrite(two, post("Post 2", "2024-03-03", body="Post 2 changed behind the watcher's back.\n"))
        preview.rebuild({one})  # the watcher saw only the first save
        assert "behind the watcher" in served_text(preview, "/posts/p2/")
        assert "now says otherwise" in served_text(preview, "/posts/p1/")
    finally:
        server.server_close()


def test_warming_up_renders_the_file_changed_last_and_changes_nothing_served(tmp_path: Path):
    root = site_of(tmp_path / "site")
    latest = root / "content/posts/p2.md"
    latest.write_text(post("Post 2", "2024-03-03", body="Code:\n\n```python\nprint('warm')\n```\n"), encoding="utf-8")
    stat = latest.stat()
    os.utime(latest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))  # changed last, by far
    server, preview = make_server(root, port=0, log=lambda line: None)
    try:
        assert preview.warm() is None  # nothing built yet: nothing to warm
        preview.rebuild()
        served = dict(preview.state.snapshot.files)
        assert preview.warm() == "content/posts/p2.md"
        assert len(preview._builder.renderer.highlights) >= 1  # its code block, highlighted in this process
        assert preview.rebuild({latest}) is not None and preview.state.snapshot.files == served
    finally:
        server.server_close()
