"""Real git for the deploy tests: a hermetic configuration, a git runner, a writer's site that is a repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from support.sites import page, post, write_files

SITE_YAML = "title: Deploy test\nbase_url: https://example.org/\n"


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the tester's ~/.gitconfig nor the system's may change what these tests see."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                 "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)


def git(*args: str | os.PathLike, cwd: Path, check: bool = True) -> str:
    proc = subprocess.run(["git", *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, f"git {' '.join(map(str, args))}: {proc.stderr}"
    return proc.stdout.strip()


def make_writer_site(root: Path, extra_yaml: str = "") -> Path:
    """A minimal site (built-in theme) that is its writer's git repository, with one commit and a bare origin."""
    write_files(root, {
        "site.yaml": SITE_YAML + extra_yaml,
        "content/posts/a.md": post("Post A", "2024-05-01", "The first post.\n", tags=["intro"]),
        "content/about.md": page("About", "About this blog.\n"),
        ".gitignore": "public/\n",
    }, site_yaml=None)
    git("init", "-q", cwd=root)
    git("config", "user.name", "Writer", cwd=root)
    git("config", "user.email", "writer@example.org", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "Write the site", cwd=root)
    bare = root.parent / "origin.git"
    git("init", "-q", "--bare", bare, cwd=root.parent)
    git("remote", "add", "origin", bare, cwd=root)
    return root
