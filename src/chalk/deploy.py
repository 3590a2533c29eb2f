"""``chalk deploy``: publish the built site to a git branch (GitHub Pages style) or copy it into a folder.

Git deploys never touch the writer's working tree, index or checked-out branch.
The commit is made with plumbing only, through a temporary index::

    GIT_INDEX_FILE=<tmp>/index git --work-tree=public add -A -f
    git update-index --add --cacheinfo 100644,<blob>,.nojekyll   (and CNAME)
    git write-tree -> git commit-tree -p <previous tip> -> git update-ref refs/heads/<branch>
    git push <remote> <branch>

The previous tip is fetched from the remote first, so the branch's history
continues; an unchanged site (same tree as the tip) makes no commit at all.
``.nojekyll`` and ``CNAME`` go into the commit only, never into ``public/``.

``--to DIR`` copies the site into a folder (rsync-style, for mounted or
synced hosting) with :func:`chalk.output.write_site`: only changed files are
written and stale files are removed from that folder alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .config import CONFIG_FILE, Config
from .errors import ChalkError, Diagnostics, UsageError
from .sections import Deploy, parse_deploy, with_flags
from .output import WriteStats, check_output_dir, write_site

NOJEKYLL = ".nojekyll"
CNAME = "CNAME"
#: Who commits when git has no user.name/user.email (fresh CI runners, containers).
FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "chalk deploy", "GIT_AUTHOR_EMAIL": "chalk@localhost",
                     "GIT_COMMITTER_NAME": "chalk deploy", "GIT_COMMITTER_EMAIL": "chalk@localhost"}


class DeployError(ChalkError):
    """A deploy could not be done (no repository, no remote, push rejected...); one line, no traceback."""


# ---------------------------------------------------------------------------------------------- settings

DeploySettings = Deploy  # the deploy: section of site.yaml (chalk.sections), with the flags applied


def parse_settings(data: Mapping[str, Any] | None, diagnostics: Diagnostics, line: int | None = None,
                   overrides: Mapping[str, str | None] | None = None) -> Deploy | None:
    """Check a ``deploy:`` mapping standing at ``line`` of site.yaml, then apply ``overrides`` (flags).

    Problems go to ``diagnostics``; flags are reported as ``--flag`` without a file. None on errors.
    (A site's own settings are checked when site.yaml is read: see :func:`settings_for`.)
    """
    deploy = parse_deploy(data, diagnostics, lambda key: line)
    return with_flags(deploy, overrides or {}, diagnostics) if deploy is not None else None


def settings_from_config(data: Mapping[str, Any] | None, line: int | None = None,
                         overrides: Mapping[str, str | None] | None = None) -> Deploy:
    """Like :func:`parse_settings`, but raises :class:`BuildError` on errors."""
    diagnostics = Diagnostics()
    settings = parse_settings(data, diagnostics, line, overrides)
    diagnostics.raise_if_errors()
    assert settings is not None
    return settings


def settings_for(config: Config, diagnostics: Diagnostics,
                 overrides: Mapping[str, str | None] | None = None) -> Deploy | None:
    """The site's deploy settings (``deploy:`` in site.yaml, checked with it), then the flags."""
    return with_flags(config.deploy, overrides or {}, diagnostics)


# ---------------------------------------------------------------------------------------------- git


@dataclass(frozen=True)
class DeployResult:
    """What a git deploy did. ``changed`` is False when the remote branch already held this site."""

    remote: str
    branch: str
    commit: str
    parent: str | None
    tree: str
    files: int
    changed: bool

    @property
    def short(self) -> str:
        return self.commit[:7]

    def summary(self) -> str:
        target = f"{self.remote}/{self.branch}"
        if not self.changed:
            return f"Nothing to deploy: {target} is up to date"
        return f"Deployed {self.files} file{'s' * (self.files != 1)} to {target} (commit {self.short})"


class _Git:
    """Runs git against one repository with a clean, predictable environment."""

    def __init__(self, git_dir: Path, top: Path, env: dict[str, str]):
        # top: where git itself would run (the working tree's top level), so relative remote URLs resolve alike
        self.git_dir, self.top, self.env = git_dir, top, env

    def run(self, *args: str, cwd: Path | None = None, work_tree: Path | None = None, input: bytes | None = None,
            env: Mapping[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        command = ["git", f"--git-dir={self.git_dir}"]
        if work_tree is not None:
            command.append(f"--work-tree={work_tree}")
        proc = subprocess.run([*command, *args], cwd=cwd or self.top, input=input, capture_output=True,
                              env={**self.env, **(env or {})})
        if check and proc.returncode != 0:
            name = next(a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-c"))
            raise DeployError(f"git {name} failed: {first_line(proc.stderr) or f'exit code {proc.returncode}'}")
        return proc

    def out(self, *args: str, **kwargs: Any) -> str:
        return self.run(*args, **kwargs).stdout.decode("utf-8", "replace").strip()

    def rev(self, ref: str) -> str | None:
        proc = self.run("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
        return proc.stdout.decode().strip() if proc.returncode == 0 else None


def first_line(stderr: bytes | str) -> str:
    """The most telling line of git's stderr: a rejection, else an error/fatal line, else the first line."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for marker in ("[remote rejected]", "[rejected]", "fatal:", "error:"):
        for line in lines:
            if marker in line:
                return line
    return lines[0] if lines else ""


def _git_env() -> dict[str, str]:
    """os.environ without variables that would redirect git (as set inside git hooks), messages in English."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")}
    env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0")
    return env


def open_repository(repo_dir: Path) -> _Git:
    """The git repository holding ``repo_dir``; DeployError if git is missing or there is none."""
    if shutil.which("git") is None:
        raise DeployError("git is not installed; install git, or deploy with --to DIR")
    env = _git_env()
    if not repo_dir.is_dir():
        raise DeployError(f"{repo_dir} is not a folder")
    proc = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=repo_dir, capture_output=True, env=env)
    if proc.returncode != 0:
        raise DeployError(f"{repo_dir.resolve()} is not inside a git repository; run `git init` and "
                          "`git remote add origin URL` first, or deploy with --to DIR")
    git_dir = Path(proc.stdout.decode().strip())
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=repo_dir, capture_output=True, env=env)
    top = Path(proc.stdout.decode().strip()) if proc.returncode == 0 else git_dir  # bare: no working tree
    return _Git(git_dir, top, env)


def deploy_git(site_dir: Path, repo_dir: Path, settings: Deploy = Deploy()) -> DeployResult:
    """Commit the contents of ``site_dir`` to ``settings.branch`` and push it to ``settings.remote``.

    Only the object database and ``refs/heads/<branch>`` / ``refs/remotes/<remote>/<branch>``
    of the repository holding ``repo_dir`` change. Raises :class:`DeployError`.
    """
    site_dir = Path(site_dir).resolve()
    git = open_repository(Path(repo_dir))
    remote, branch = settings.remote, settings.branch
    if git.run("remote", "get-url", remote, check=False).returncode != 0:
        known = git.out("remote").split()
        hint = f"known remotes: {', '.join(known)}" if known else "this repository has no remotes"
        raise DeployError(f"git remote '{remote}' does not exist ({hint}); add it with "
                          f"`git remote add {remote} URL` or set deploy.remote in {CONFIG_FILE}")
    if not site_dir.is_dir() or not any(site_dir.iterdir()):
        raise DeployError(f"nothing to deploy: {site_dir} is missing or empty; run `chalk build` first")
    _refuse_checked_out(git, branch)

    _refuse_ambiguous(git, branch)
    remote_tip = _fetch(git, remote, branch)
    local_tip = git.rev(f"refs/heads/{branch}")
    _refuse_orphaning(git, branch, remote, local_tip, remote_tip)
    parent = remote_tip or local_tip
    with tempfile.TemporaryDirectory(prefix="chalk-deploy-") as tmp:
        tree, files = _make_tree(git, site_dir, Path(tmp) / "index", settings.cname)
    if parent is not None and git.out("rev-parse", f"{parent}^{{tree}}") == tree:
        commit = parent
    else:
        commit = _commit(git, tree, parent, settings.message)
    if commit != local_tip:
        git.run("update-ref", "-m", "chalk deploy", f"refs/heads/{branch}", commit, local_tip or "")
    changed = commit != remote_tip
    if changed:
        _push(git, remote, branch)
    return DeployResult(remote, branch, commit, parent, tree, files, changed)


def _refuse_checked_out(git: _Git, branch: str) -> None:
    """Moving a branch that a working tree has checked out would change what that tree sees."""
    ref = f"refs/heads/{branch}"
    listing = git.run("worktree", "list", "--porcelain", check=False).stdout.decode("utf-8", "replace")
    checked_out = {line.split(" ", 1)[1] for line in listing.splitlines() if line.startswith("branch ")}
    head = git.run("symbolic-ref", "-q", "HEAD", check=False).stdout.decode().strip()
    if ref in checked_out or ref == head:
        raise DeployError(f"refusing to deploy to '{branch}': it is the branch checked out here; "
                          "switch to your source branch or set deploy.branch")


def _refuse_ambiguous(git: _Git, branch: str) -> None:
    """A branch name that is also a tag (or another ref git tries first) would push the wrong thing."""
    for ref in (f"refs/tags/{branch}", f"refs/{branch}"):
        if git.rev(ref) is not None:
            raise DeployError(f"refusing to deploy to '{branch}': the name is ambiguous in this repository "
                              f"({ref} exists); choose another branch with --branch or deploy.branch")


def _refuse_orphaning(git: _Git, branch: str, remote: str, local: str | None, remote_tip: str | None) -> None:
    """A local branch with commits the remote lacks would lose them when moved onto the remote's history."""
    if local is None or remote_tip is None or local == remote_tip:
        return
    if git.run("merge-base", "--is-ancestor", local, remote_tip, check=False).returncode == 0:
        return  # the local branch is only behind: moving it loses nothing
    ahead = git.out("rev-list", "--count", local, f"^{remote_tip}")
    raise DeployError(f"refusing to deploy: the local branch '{branch}' has {ahead} commit{'s' * (ahead != '1')} "
                      f"that {remote}/{branch} does not (tip {local[:7]}); push them (git push {remote} {branch}) "
                      f"or move them away (git branch -m {branch} {branch}-old), then deploy again")


def _fetch(git: _Git, remote: str, branch: str) -> str | None:
    """The remote branch's tip (fetched into refs/remotes/<remote>/<branch>), or None if it has none yet."""
    ref = f"refs/heads/{branch}"
    probe = git.run("ls-remote", "--exit-code", "--heads", remote, ref, check=False)
    if probe.returncode == 2:
        return None
    if probe.returncode != 0:
        raise DeployError(f"cannot reach git remote '{remote}': {first_line(probe.stderr)}")
    tracking = f"refs/remotes/{remote}/{branch}"
    proc = git.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, f"+{ref}:{tracking}",
                   check=False)
    if proc.returncode != 0:
        raise DeployError(f"cannot fetch {remote}/{branch}: {first_line(proc.stderr)}")
    return git.rev(tracking)


def _make_tree(git: _Git, site_dir: Path, index: Path, cname: str | None) -> tuple[str, int]:
    """Stage ``site_dir`` plus .nojekyll (and CNAME) into a fresh index; returns (tree id, file count)."""
    env = {"GIT_INDEX_FILE": str(index)}
    # -f: the writer's excludes (core.excludesFile, info/exclude) must not drop built files;
    # no line-ending or attribute filtering: the blobs are the built bytes.
    config = ("-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.fileMode=false")
    git.run(*config, "add", "--all", "--force", ".", cwd=site_dir, work_tree=site_dir, env=env)
    extras = {NOJEKYLL: b""}
    if cname:
        extras[CNAME] = f"{cname}\n".encode()
    for name, data in extras.items():
        blob = git.out("hash-object", "-w", "--stdin", input=data)
        git.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
    tree = git.out("write-tree", env=env)
    files = git.run("ls-files", "-z", env=env).stdout.count(b"\0")
    return tree, files


def _commit(git: _Git, tree: str, parent: str | None, message: str) -> str:
    source = git.rev("HEAD")
    text = message.rstrip() + "\n"
    if source:
        text += f"\nBuilt from {source}\n"
    identity = {} if git.run("var", "GIT_COMMITTER_IDENT", check=False).returncode == 0 and \
        git.run("var", "GIT_AUTHOR_IDENT", check=False).returncode == 0 else FALLBACK_IDENTITY
    args = ["commit-tree", tree] + (["-p", parent] if parent else [])
    return git.out(*args, input=text.encode("utf-8"), env=identity)


def _push(git: _Git, remote: str, branch: str) -> None:
    ref = f"refs/heads/{branch}"
    proc = git.run("push", "--quiet", remote, f"{ref}:{ref}", check=False)
    if proc.returncode != 0:
        said = server_message(proc.stderr)
        raise DeployError(f"git push to {remote}/{branch} was rejected: "
                          f"{first_line(proc.stderr) or f'exit code {proc.returncode}'}"
                          + (f"; the server said: {said}" if said else ""))


def server_message(stderr: bytes) -> str:
    """The lines the remote itself sent (a hook's or branch protection's reason), on one line."""
    text = stderr.decode("utf-8", "replace")
    lines = [line[len("remote:"):].strip() for line in text.splitlines() if line.startswith("remote:")]
    return " / ".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------- folder


def site_files(site_dir: Path) -> dict[str, Path]:
    """Output path -> file for everything under ``site_dir`` (dot files included, .git excluded)."""
    files: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file():
                files[path.relative_to(site_dir).as_posix()] = path
    return files


def deploy_to_dir(site_dir: Path, target: Path, root: Path | None = None) -> WriteStats:
    """Make ``target`` hold exactly the files of ``site_dir``; only changed files are written.

    Stale files are removed inside ``target`` only (a ``.git`` there is kept).
    Refuses the project folder (``root``, default: ``site_dir``'s parent) or any
    folder containing it, a folder holding site.yaml or content/, a folder
    overlapping ``site_dir``, and a non-empty folder that does not look like a
    deployed site (no index.html), so a typo cannot empty an unrelated folder.
    """
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise DeployError(f"nothing to deploy: {site_dir} holds no index.html; run `chalk build` first")
    project = Path(root).resolve() if root is not None else site_dir.parent
    target = check_output_dir(Path(target), project, explicit=True)
    if target == site_dir or target.is_relative_to(site_dir) or site_dir.is_relative_to(target):
        raise UsageError(f"refusing to deploy into {target}: it overlaps the built site in {site_dir}")
    if target.exists() and not target.is_dir():
        raise UsageError(f"refusing to deploy into {target}: it is not a folder")
    if target.is_dir() and any(p.name != ".git" for p in target.iterdir()) and not (target / "index.html").exists():
        raise UsageError(f"refusing to deploy into {target}: it is not empty and holds no index.html "
                         "(not an earlier deploy); empty it first or choose another folder")
    return write_site(target, dict(site_files(site_dir)))  # write_site checks every path with safe_target


__all__ = ["DeployError", "DeployResult", "DeploySettings", "deploy_git", "deploy_to_dir", "parse_settings",
           "settings_for", "settings_from_config"]
