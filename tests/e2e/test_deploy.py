"""``chalk deploy`` with real git: a writer's repository and a bare ``origin`` in tmp_path, no mocks.

What a deploy must do: the remote branch holds exactly the built files plus
``.nojekyll`` (and ``CNAME``); the writer's working tree, index and current
branch are untouched; re-deploying an unchanged site makes no commit; a change
makes exactly one commit on top of the previous one. ``--to DIR`` copies into a
folder, writing only what changed.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from support.sites import all_files, build, page, post, write_files
from support.gitrepo import SITE_YAML, git, hermetic_git, make_writer_site  # noqa: F401  (hermetic_git: an autouse fixture)

from chalk.cli import Reporter, make_parser
from chalk.deploy import DeployError, DeploySettings, deploy_git, deploy_to_dir, parse_settings, settings_from_config
from chalk.errors import BuildError, Diagnostics, UsageError


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_writer_site(tmp_path / "site")


def writer_state(root: Path) -> dict[str, str]:
    """Everything a deploy must leave alone: status, index bytes, HEAD, current branch and its tip."""
    return {
        "status": git("status", "--porcelain", "--untracked-files=all", "--ignored", cwd=root),
        "index": hashlib.sha256((root / ".git" / "index").read_bytes()).hexdigest(),
        "branch": git("symbolic-ref", "HEAD", cwd=root),
        "head": git("rev-parse", "HEAD", cwd=root),
        "stash": git("stash", "list", cwd=root),
        "local files": "\n".join(all_files(root / "public")) if (root / "public").exists() else "",
    }


def remote_tree(bare: Path, branch: str = "gh-pages") -> dict[str, str]:
    """path -> blob id of every file on the bare repository's branch."""
    listing = git("ls-tree", "-r", "--full-tree", branch, cwd=bare)
    entries = {}
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        entries[path] = meta.split()[2]
    return entries


def blob_id(path: Path, cwd: Path) -> str:
    return git("hash-object", path, cwd=cwd)


def commits(bare: Path, branch: str = "gh-pages") -> list[str]:
    return git("rev-list", branch, cwd=bare).split()


def assert_published(site: Path, bare: Path, extras: dict[str, bytes]) -> None:
    """The remote branch holds exactly public/'s files (same bytes) plus ``extras``."""
    public = site / "public"
    tree = remote_tree(bare)
    assert set(tree) == set(all_files(public)) | set(extras)
    for rel in all_files(public):
        assert tree[rel] == blob_id(public / rel, site), rel
    for name, data in extras.items():
        assert git("cat-file", "blob", tree[name], cwd=bare).encode() == data.rstrip(b"\n")


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``chalk deploy ARGV`` through the real parser, in this process."""
    args = make_parser().parse_args(["deploy", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = args.handler(args, Reporter(out, err))
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- git deploys


def test_deploy_publishes_exactly_the_built_site_and_leaves_the_writer_alone(site: Path) -> None:
    bare = site.parent / "origin.git"
    (site / ".git" / "info" / "exclude").write_text("*.xml\n*.css\n")  # writer's excludes must not drop files
    build(site)
    before = writer_state(site)

    result = deploy_git(site / "public", site, DeploySettings())

    assert result.changed and result.parent is None
    assert result.files == len(all_files(site / "public")) + 1
    assert_published(site, bare, {".nojekyll": b""})
    assert "feed.xml" in remote_tree(bare) and "css/chalk.css" in remote_tree(bare)
    assert commits(bare) == [result.commit]
    assert git("rev-parse", "refs/heads/gh-pages", cwd=site) == result.commit
    assert writer_state(site) == before
    assert not (site / "public" / ".nojekyll").exists() and not (site / "public" / "CNAME").exists()
    message = git("log", "-1", "--format=%B", "gh-pages", cwd=bare)
    assert message.startswith("Deploy site") and f"Built from {before['head']}" in message


def test_cname_from_site_yaml_is_committed_but_not_written_into_public(tmp_path: Path) -> None:
    site = make_writer_site(tmp_path / "site", "deploy:\n  cname: blog.example.org\n  message: Publish\n")
    build(site)
    before = writer_state(site)

    code, out, err = run_cli("--no-build", "-s", str(site))

    assert code == 0, err
    assert_published(site, tmp_path / "origin.git", {".nojekyll": b"", "CNAME": b"blog.example.org\n"})
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=tmp_path / "origin.git") == "Publish"
    assert not (site / "public" / "CNAME").exists()
    assert writer_state(site) == before


def test_redeploying_an_unchanged_site_adds_no_commit(site: Path) -> None:
    bare = site.parent / "origin.git"
    build(site)
    first = deploy_git(site / "public", site)
    build(site)  # a rebuild writes nothing new
    second = deploy_git(site / "public", site)

    assert not second.changed
    assert second.commit == first.commit
    assert commits(bare) == [first.commit]
    assert second.summary() == "Nothing to deploy: origin/gh-pages is up to date"


def test_a_changed_post_adds_exactly_one_commit_on_top_of_the_previous(site: Path) -> None:
    bare = site.parent / "origin.git"
    build(site)
    first = deploy_git(site / "public", site)
    (site / "content" / "posts" / "a.md").write_text(post("Post A", "2024-05-01", "Now with more text.\n"))
    build(site)
    before = writer_state(site)  # with the edit, uncommitted: the deploy must not stage or revert it
    assert "M content/posts/a.md" in before["status"]

    second = deploy_git(site / "public", site)

    assert second.changed and second.parent == first.commit
    assert commits(bare) == [second.commit, first.commit]
    assert git("rev-parse", f"{second.commit}^", cwd=bare) == first.commit
    assert_published(site, bare, {".nojekyll": b""})
    assert "tags/intro/index.html" not in remote_tree(bare)  # the post lost its tag: the page is gone
    assert writer_state(site) == before


def test_history_continues_from_the_remote_on_another_machine(site: Path, tmp_path: Path) -> None:
    bare = tmp_path / "origin.git"
    build(site)
    first = deploy_git(site / "public", site)
    git("push", "-q", "origin", "HEAD:refs/heads/main", cwd=site)
    clone = tmp_path / "laptop"
    git("clone", "-q", bare, clone, cwd=tmp_path)
    git("config", "user.name", "Writer", cwd=clone)
    git("config", "user.email", "writer@example.org", cwd=clone)
    (clone / "content" / "posts" / "b.md").write_text(post("Post B", "2024-06-01"))
    build(clone)

    second = deploy_git(clone / "public", clone)

    assert second.parent == first.commit
    assert commits(bare, "gh-pages") == [second.commit, first.commit]
    assert "posts/b/index.html" in remote_tree(bare)


def test_command_builds_then_reports_one_line(site: Path) -> None:
    code, out, err = run_cli("-s", str(site))
    assert code == 0, err
    commit = git("rev-parse", "--short=7", "gh-pages", cwd=site.parent / "origin.git")
    files = len(remote_tree(site.parent / "origin.git"))
    assert out == f"Deployed {files} files to origin/gh-pages (commit {commit})\n"

    code, out, err = run_cli("-s", str(site))
    assert (code, out) == (0, "Nothing to deploy: origin/gh-pages is up to date\n")


def test_flags_override_site_yaml(tmp_path: Path) -> None:
    site = make_writer_site(tmp_path / "site", "deploy:\n  branch: pages\n")
    bare = tmp_path / "origin.git"
    git("init", "-q", "--bare", tmp_path / "mirror.git", cwd=tmp_path)
    git("remote", "add", "mirror", tmp_path / "mirror.git", cwd=site)

    code, out, err = run_cli("-s", str(site), "--remote", "mirror", "--branch", "www", "--message", "Go live")

    assert code == 0, err
    assert out.startswith("Deployed ") and "to mirror/www" in out
    assert git("log", "-1", "--format=%s", "www", cwd=tmp_path / "mirror.git") == "Go live"
    assert git("branch", "--list", cwd=bare) == ""  # origin got nothing


def test_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_cli("--help")
    text = capsys.readouterr().out
    assert "chalk deploy --to" in text and "--no-build" in text and "cname:" in text


# --------------------------------------------------------------------------- git errors


def test_error_outside_a_git_repository(tmp_path: Path) -> None:
    root = write_files(tmp_path / "plain", {"content/posts/a.md": post()}, site_yaml=SITE_YAML)
    build(root)
    with pytest.raises(DeployError, match="is not inside a git repository") as info:
        deploy_git(root / "public", root)
    assert "\n" not in str(info.value)


def test_error_for_a_missing_remote(site: Path) -> None:
    build(site)
    before = writer_state(site)
    with pytest.raises(DeployError, match=r"git remote 'upstream' does not exist \(known remotes: origin\)"):
        deploy_git(site / "public", site, DeploySettings(remote="upstream"))
    assert writer_state(site) == before


def test_error_when_the_push_is_rejected(site: Path) -> None:
    bare = site.parent / "origin.git"
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'deploys are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    build(site)
    before = writer_state(site)

    with pytest.raises(DeployError) as info:
        deploy_git(site / "public", site)

    message = str(info.value)
    assert message.startswith("git push to origin/gh-pages was rejected: ")
    assert "pre-receive hook declined" in message and "\n" not in message
    assert git("branch", "--list", cwd=bare) == ""
    assert writer_state(site) == before


def test_a_remote_branch_that_someone_else_moved_is_continued_not_overwritten(site: Path, tmp_path: Path) -> None:
    bare = tmp_path / "origin.git"
    build(site)
    first = deploy_git(site / "public", site)
    # someone else deployed from another machine: the remote tip is a commit this repository has never seen
    other = git("-c", "user.name=Other", "-c", "user.email=o@example.org", "commit-tree", "-p", first.commit,
                "-m", "someone else", git("rev-parse", "gh-pages^{tree}", cwd=bare), cwd=bare)
    git("update-ref", "refs/heads/gh-pages", other, cwd=bare)
    (site / "content" / "posts" / "a.md").write_text(post("Post A", "2024-05-01", "Changed.\n"))
    build(site)

    result = deploy_git(site / "public", site)

    assert result.parent == other
    assert commits(bare) == [result.commit, other, first.commit]


def test_refuses_the_branch_that_is_checked_out(site: Path) -> None:
    build(site)
    branch = git("symbolic-ref", "--short", "HEAD", cwd=site)
    with pytest.raises(DeployError, match="checked out"):
        deploy_git(site / "public", site, DeploySettings(branch=branch))


def test_command_error_is_one_line_for_the_cli(tmp_path: Path) -> None:
    root = write_files(tmp_path / "plain", {"content/posts/a.md": post()}, site_yaml=SITE_YAML)
    with pytest.raises(DeployError, match="not inside a git repository"):
        run_cli("-s", str(root))


def test_no_build_without_an_output_folder(site: Path) -> None:
    with pytest.raises(DeployError, match="run `chalk build` first"):
        run_cli("-s", str(site), "--no-build")


# --------------------------------------------------------------------------- settings


def test_settings_defaults_and_values() -> None:
    assert settings_from_config({}) == DeploySettings("origin", "gh-pages", "Deploy site", None)
    assert settings_from_config(None) == DeploySettings()
    assert settings_from_config({"remote": "up", "branch": "site/live", "message": "M", "cname": " a.example.org "}) \
        == DeploySettings("up", "site/live", "M", "a.example.org")
    assert settings_from_config({"branch": "pages"}, overrides={"branch": "www", "remote": None}) \
        == DeploySettings(branch="www")


@pytest.mark.parametrize("key, value, expected", [
    ("branch", "bad branch", "a branch name"),
    ("branch", "x..y", "a branch name"),
    ("branch", "-x", "a branch name"),
    ("branch", 3, "a branch name"),
    ("remote", "", "a git remote name"),
    ("message", "  ", "a commit message"),
    ("cname", "https://blog.example.org/", "a bare host name"),
    ("cname", ["x"], "a bare host name"),
])
def test_settings_errors_name_site_yaml_the_key_and_the_line(key: str, value: object, expected: str) -> None:
    with pytest.raises(BuildError) as info:
        settings_from_config({key: value}, line=7)
    [problem] = info.value.errors
    assert problem.format().startswith(f"site.yaml:7: deploy.{key}: expected {expected}")


def test_settings_unknown_keys_warn_and_flags_are_checked() -> None:
    diagnostics = Diagnostics()
    assert parse_settings({"brnach": "x"}, diagnostics, line=3) == DeploySettings()
    assert [d.format() for d in diagnostics.items] == \
        ["site.yaml:3: warning: deploy.brnach: unknown key is ignored (known keys: remote, branch, message, cname)"]
    diagnostics = Diagnostics()
    assert parse_settings({}, diagnostics, overrides={"branch": "a b"}) is None
    assert diagnostics.errors[0].format().startswith("--branch: expected a branch name")


def test_command_prints_settings_warnings(tmp_path: Path) -> None:
    site = make_writer_site(tmp_path / "site", "deploy:\n  brnach: www\n")
    code, out, err = run_cli("-s", str(site))
    assert code == 0 and "to origin/gh-pages" in out
    assert "site.yaml:4: warning: deploy.brnach: unknown key is ignored" in err  # the key's own line


def test_command_reports_bad_deploy_settings_with_the_line_of_the_key(tmp_path: Path) -> None:
    site = make_writer_site(tmp_path / "site", "deploy:\n  cname: http://x.org\n")
    code, out, err = run_cli("-s", str(site))
    assert code == 1 and out == ""
    assert "site.yaml:4: deploy.cname: expected a bare host name" in err
    assert not (site / "public").exists()


# --------------------------------------------------------------------------- --to DIR


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = write_files(tmp_path / "site", {"content/posts/a.md": post("Post A"), "content/about.md": page("About")},
                       site_yaml=SITE_YAML)
    build(root)
    return root


def test_to_dir_copies_removes_stale_and_keeps_unchanged_mtimes(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "www"
    stats = deploy_to_dir(built / "public", target, built)
    assert all_files(target) == all_files(built / "public")
    assert (stats.written, stats.removed) == (len(all_files(target)), 0)

    (target / "stale.html").write_text("old")
    (target / "old" / "deep").mkdir(parents=True)
    (target / "old" / "deep" / "x.css").write_text("old")
    (target / ".git").mkdir()
    (target / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    keep = target / "posts" / "a" / "index.html"
    past = 1_000_000_000_000_000_000
    os.utime(keep, ns=(past, past))
    (built / "content" / "about.md").write_text(page("About", "Changed text.\n"))
    build(built)

    stats = deploy_to_dir(built / "public", target, built)

    assert all_files(target) == sorted([*all_files(built / "public"), ".git/HEAD"])
    assert not (target / "old").exists()
    assert stats.removed == 2 and stats.written >= 1 and stats.unchanged >= 1
    assert keep.stat().st_mtime_ns == past  # same bytes: not rewritten
    assert (target / "about" / "index.html").read_bytes() == (built / "public" / "about" / "index.html").read_bytes()
    assert not (built / "public" / ".nojekyll").exists()


def test_to_dir_unchanged_file_keeps_its_mtime(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "www"
    deploy_to_dir(built / "public", target, built)
    past = 1_000_000_000_000_000_000
    for path in target.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))
    stats = deploy_to_dir(built / "public", target, built)
    assert (stats.written, stats.removed) == (0, 0)
    assert {p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()} == {past}


@pytest.mark.parametrize("make_target, reason", [
    (lambda root, tmp: root, "project folder"),
    (lambda root, tmp: tmp, "project folder or contains it"),
    (lambda root, tmp: root / "public", "overlaps the built site"),
    (lambda root, tmp: root / "public" / "inner", "overlaps the built site"),
    (lambda root, tmp: write_files(tmp / "other-site", {}, site_yaml=SITE_YAML), "site.yaml"),
    (lambda root, tmp: write_files(tmp / "has-content", {"content/x.md": "x"}, site_yaml=None), "content/"),
    (lambda root, tmp: write_files(tmp / "documents", {"notes.txt": "precious"}, site_yaml=None), "no index.html"),
])
def test_to_dir_refuses_dangerous_targets(built: Path, tmp_path: Path, make_target, reason: str) -> None:
    target = make_target(built, tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts}
    with pytest.raises(UsageError, match=reason):
        deploy_to_dir(built / "public", target, built)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before


def test_to_dir_command(built: Path, tmp_path: Path) -> None:
    code, out, err = run_cli("-s", str(built), "--to", str(tmp_path / "www"))
    count = len(all_files(built / "public"))
    assert code == 0, err
    assert out == f"Deployed {count} files to {tmp_path / 'www'}: {count} written, 0 unchanged, 0 removed\n"
    with pytest.raises(UsageError, match="--to copies into a folder"):
        run_cli("-s", str(built), "--to", str(tmp_path / "www"), "--branch", "x")


def test_real_cli_deploys_and_reports_errors_in_one_line(site: Path, tmp_path: Path) -> None:
    from support.run import run_chalk

    code, out, err = run_chalk("deploy", cwd=site)
    assert code == 0, err
    assert out.startswith("Deployed ") and out.rstrip().endswith(")") and "to origin/gh-pages (commit " in out
    code, out, err = run_chalk("deploy", "--no-build", cwd=site)
    assert (code, out) == (0, "Nothing to deploy: origin/gh-pages is up to date\n")
    code, out, err = run_chalk("deploy", "--remote", "nope", cwd=site)
    assert code == 1 and out == ""
    assert err.startswith("chalk: git remote 'nope' does not exist") and err.count("\n") == 1
