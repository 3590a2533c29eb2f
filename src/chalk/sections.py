"""Typed sections of site.yaml: a frozen dataclass, and the rules that check it, per key holding a mapping.

:mod:`chalk.config` puts each section into its flat :class:`~chalk.config.Config` (``config.deploy``,
``config.series``); problems name ``site.yaml`` and the line of the nested key they are about
(``site.yaml:5: deploy.branch: expected a branch name like gh-pages, got 'a b'``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .errors import Diagnostics, error, warning

CONFIG_FILE = "site.yaml"
LineOf = Callable[[str], "int | None"]  # key path ('deploy.branch') -> its line in site.yaml
AMBIGUOUS_NAMES = ("HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "stash")


# --------------------------------------------------------------------------- series:

@dataclass(frozen=True)
class SeriesInfo:
    """A series' entry under ``series:`` (keyed there by the series' slug or name)."""

    title: str = ""
    description: str = ""


def check_series(value: dict[str, Any]) -> str | None:
    for item in value.values():
        if isinstance(item, str):
            continue
        if not (isinstance(item, dict) and set(item) <= {"title", "description"}
                and all(isinstance(v, str) for v in item.values())):
            return "a mapping like {generative-models: {title: ..., description: ...}}"
    return None


def make_series(value: dict[str, Any]) -> dict[str, SeriesInfo]:
    return {str(key): SeriesInfo(title=item) if isinstance(item, str) else SeriesInfo(**item)
            for key, item in value.items() if isinstance(item, (str, dict))}


# --------------------------------------------------------------------------- deploy:

@dataclass(frozen=True)
class Deploy:
    """The ``deploy:`` section: where ``chalk deploy`` publishes (flags override each key)."""

    remote: str = "origin"
    branch: str = "gh-pages"
    message: str = "Deploy site"
    cname: str | None = None

    @property
    def target(self) -> str:
        return f"{self.remote}/{self.branch}"


_HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_REMOTE = re.compile(r"^[A-Za-z0-9][\w.-]*$")


def _expect_remote(value: Any) -> str | None:
    if isinstance(value, str) and _REMOTE.match(value):
        return None
    return "a git remote name like origin"


def _expect_branch(value: Any) -> str | None:
    """The rules of ``git check-ref-format --branch``, checked without running git."""
    expected = "a branch name like gh-pages"
    if not isinstance(value, str) or not value or value.startswith(("-", "/", ".")) or value.endswith(("/", ".")):
        return expected
    if value == "@" or ".." in value or "//" in value or "@{" in value or value.endswith(".lock"):
        return expected
    if value in AMBIGUOUS_NAMES or value.endswith("_HEAD") or value.startswith("refs/"):
        return expected + " (not HEAD, *_HEAD or refs/...: git would read those as other refs)"
    if any(ord(ch) < 32 or ch in " ~^:?*[\\\x7f" for ch in value):
        return expected
    if any(part.startswith(".") or part.endswith(".lock") for part in value.split("/")):
        return expected
    return None


def _expect_message(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "a commit message (text)"


def _expect_cname(value: Any) -> str | None:
    if isinstance(value, str) and _HOSTNAME.match(value.strip()):
        return None
    return "a bare host name like blog.example.org (no https://, no path)"


DEPLOY_RULES: dict[str, Callable[[Any], str | None]] = {
    "remote": _expect_remote, "branch": _expect_branch, "message": _expect_message, "cname": _expect_cname}


def parse_deploy(data: Mapping[str, Any] | None, diagnostics: Diagnostics, line_of: LineOf) -> Deploy | None:
    """Check the ``deploy:`` mapping; unknown keys are warnings. None when there were errors."""
    values: dict[str, Any] = {}
    ok = True
    for key, value in (data or {}).items():
        where = line_of(f"deploy.{key}")
        if key not in DEPLOY_RULES:
            diagnostics.add(warning(f"deploy.{key}: unknown key is ignored", CONFIG_FILE, where,
                                    hint=f"known keys: {', '.join(DEPLOY_RULES)}"))
            continue
        if value is None:
            continue
        expected = DEPLOY_RULES[key](value)
        if expected:
            diagnostics.add(error(f"deploy.{key}: expected {expected}, got {value!r}", CONFIG_FILE, where))
            ok = False
            continue
        values[key] = value.strip() if key == "cname" else value
    return Deploy(**values) if ok else None


def with_flags(deploy: Deploy, flags: Mapping[str, str | None], diagnostics: Diagnostics) -> Deploy | None:
    """``deploy`` with command-line flags (``--branch``...) replacing keys; None values are ignored."""
    values: dict[str, Any] = {}
    ok = True
    for key, value in flags.items():
        if value is None:
            continue
        expected = DEPLOY_RULES[key](value)
        if expected:
            diagnostics.add(error(f"--{key}: expected {expected}, got {value!r}"))
            ok = False
            continue
        values[key] = value
    return Deploy(**{**deploy.__dict__, **values}) if ok else None
