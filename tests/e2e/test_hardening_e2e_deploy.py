"""Issue 16, item 13 (end to end): ``chalk deploy`` with real git never loses a commit silently,
refuses ambiguous branch names, and shows the server's own words when a push is rejected."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.run import chalk_env
from support.gitrepo import git, hermetic_git, make_writer_site  # noqa: F401  (hermetic_git is an autouse fixture)


def deploy(site, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chalk", "deploy", *args], cwd=site, env=chalk_env(),
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def site(tmp_path):
    return make_writer_site(tmp_path / "site")


def test_local_commits_on_gh_pages_are_not_orphaned(site):
    first = deploy(site)
    assert first.returncode == 0, first.stderr
    # someone commits on the local gh-pages by hand and does not push
    tree = git("rev-parse", "gh-pages^{tree}", cwd=site)
    local = git("commit-tree", tree, "-p", "gh-pages", "-m", "hand-made fix", cwd=site)
    git("update-ref", "refs/heads/gh-pages", local, cwd=site)
    # meanwhile the remote moves on (a deploy from another machine)
    other = git("commit-tree", tree, "-p", git("rev-parse", "origin/gh-pages", cwd=site), "-m", "elsewhere", cwd=site)
    git("push", "-q", "origin", f"{other}:refs/heads/gh-pages", cwd=site)
    (site / "content/posts/b.md").write_text("---\ntitle: B\ndate: 2024-06-01\n---\nNew.\n")

    second = deploy(site)
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    assert "local branch 'gh-pages' has 1 commit that origin/gh-pages does not" in second.stderr, second.stderr
    assert git("rev-parse", "gh-pages", cwd=site) == local  # kept where it was
    assert git("rev-parse", "gh-pages", cwd=site.parent / "origin.git") == other


def test_a_local_branch_that_is_only_behind_is_moved_forward(site):
    assert deploy(site).returncode == 0
    behind = git("rev-parse", "gh-pages", cwd=site)
    tree = git("rev-parse", "gh-pages^{tree}", cwd=site)
    ahead = git("commit-tree", tree, "-p", behind, "-m", "elsewhere", cwd=site)
    git("push", "-q", "origin", f"{ahead}:refs/heads/gh-pages", cwd=site)
    (site / "content/posts/b.md").write_text("---\ntitle: B\ndate: 2024-06-01\n---\nNew.\n")
    again = deploy(site)
    assert again.returncode == 0, again.stderr
    assert git("rev-parse", "gh-pages^", cwd=site) == ahead


@pytest.mark.parametrize("branch", ["HEAD", "FETCH_HEAD", "ORIG_HEAD", "refs/heads/x", "stash"])
def test_ambiguous_branch_names_are_refused(site, branch):
    result = deploy(site, "--branch", branch)
    assert result.returncode == 1
    assert f"--branch: expected a branch name like gh-pages" in result.stderr, result.stderr
    assert git("ls-remote", "origin", cwd=site) == ""


def test_a_branch_name_that_is_also_a_tag_is_refused(site):
    git("tag", "pages", cwd=site)
    result = deploy(site, "--branch", "pages")
    assert result.returncode == 1
    assert "ambiguous" in result.stderr and "refs/tags/pages" in result.stderr, result.stderr
    assert git("ls-remote", "--heads", "origin", cwd=site) == ""


def test_a_rejected_push_shows_the_servers_own_message(site):
    hook = site.parent / "origin.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'Pages are frozen until Monday (ticket OPS-42).' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = deploy(site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "was rejected" in result.stderr
    assert "Pages are frozen until Monday (ticket OPS-42)." in result.stderr, result.stderr
