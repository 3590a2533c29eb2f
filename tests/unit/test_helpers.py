"""The shared test helpers in tests/support behave as documented (other suites rely on them)."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from support import sites, tools
from support.html import find_all, find_one, output_file_for, parse_html
from support.sites import all_files, parse_txtar, REPO, snapshot_tree, write_files
from support.tools import require_chromium, require_nginx


def test_parse_txtar():
    files = parse_txtar("ignored preamble\n-- site.yaml --\ntitle: T\n-- content/posts/x.md --\n---\ntitle: X\n---\n")
    assert files == {"site.yaml": "title: T\n", "content/posts/x.md": "---\ntitle: X\n---\n"}


def test_make_site_writes_files_and_default_site_yaml(make_site):
    root = make_site({"content/a.md": "A", "static/b.bin": b"\x00\xff"})
    assert (root / "site.yaml").read_text() == sites.DEFAULT_SITE_YAML
    assert (root / "content/a.md").read_text() == "A"
    assert (root / "static/b.bin").read_bytes() == b"\x00\xff"
    other = make_site("-- site.yaml --\ntitle: Own\n-- content/x.md --\nX\n")
    assert other != root
    assert (other / "site.yaml").read_text() == "title: Own\n"


def test_write_files_without_site_yaml(tmp_path):
    write_files(tmp_path, {"a.txt": "a"}, site_yaml=None)
    assert all_files(tmp_path) == ["a.txt"]


def test_parse_html_and_finders():
    root = parse_html('<p class="a b" id="x" aria-label="L">Hi <em>there</em></p><p class="b">2</p>')
    assert root.tag == "html"
    assert len(find_all(root, "p", cls="b")) == 2
    assert find_one(root, id="x").get("class") == "a b"
    assert find_one(root, "p", aria_label="L") is find_one(root, id="x")
    with pytest.raises(AssertionError):
        find_one(root, "p")


def test_output_file_for():
    out = REPO / "x"
    assert output_file_for(out, "/blog/") == out / "index.html"
    assert output_file_for(out, "/blog/posts/%C3%BCber/#top") == out / "posts/über/index.html"
    assert output_file_for(out, "https://example.org/blog/feed.xml") == out / "feed.xml"
    assert output_file_for(out, "/css/x.css?v=1") is None


def test_snapshot_tree_sees_mtime_changes(tmp_path):
    (tmp_path / "a").write_text("x")
    before = snapshot_tree(tmp_path)
    os.utime(tmp_path / "a", ns=(1, 1))
    assert snapshot_tree(tmp_path) != before


def test_repo_site_is_a_copy(repo_site):
    assert (repo_site / "site.yaml").read_bytes() == (REPO / "site.yaml").read_bytes()
    assert (repo_site / "content/posts/demystifying-generative-ai.md").is_file()
    assert (repo_site / "templates").is_dir() and (repo_site / "static").is_dir()
    assert not (repo_site / "public").exists()


def test_free_port_is_bindable():
    port = tools.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


@pytest.mark.parametrize("helper, env_var", [(require_chromium, "CHALK_REQUIRE_BROWSER"),
                                             (require_nginx, "CHALK_REQUIRE_SERVER")])
def test_require_helpers_skip_or_fail_when_missing(monkeypatch, helper, env_var):
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    monkeypatch.delenv(env_var, raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed: apt-get install"):
        helper()
    monkeypatch.setenv(env_var, "1")
    with pytest.raises(pytest.fail.Exception, match="not installed"):
        helper()


@pytest.mark.parametrize("helper, name", [(require_chromium, "chromium"), (require_nginx, "nginx")])
def test_require_helpers_return_a_path_when_present(monkeypatch, helper, name):
    monkeypatch.setattr(shutil, "which", lambda command, *args, **kwargs: f"/opt/bin/{command}")
    assert helper() == f"/opt/bin/{name}"
