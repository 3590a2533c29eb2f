"""The persistent build cache (``.chalk-cache/``): what the last build knew, so the next one skips work.

It holds, from the last successful build: each content file's stat stamp and
parsed source, each text's rendered Markdown, and each page's record of what
its template read (with the size and mtime of the file written). The next
build reuses exactly what is unchanged, as the preview server does in memory.

The file carries a salt of everything that affects results besides the inputs
themselves (chalk's version, the Markdown settings, the versions of
Python-Markdown, pymdown-extensions, Pygments and Jinja2). A missing, corrupt,
foreign or differently salted file is simply a cold build. Deleting the folder
is always safe.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import __version__
from .theme import builtin_theme_dir

CACHE_DIR = ".chalk-cache"  # at the project root; safe to delete
STATE_FILE = "build-state.pickle"
STAMPS_FILE = "up-to-date.pickle"
INPUTS = ("site.yaml", "content", "templates", "static", "data", "_freeze")  # data/: cells' depends files
SCHEMA = 3
MAGIC = b"chalk-cache\n"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def salt() -> str:
    """Everything besides the inputs that changes what a build produces."""
    from .markdown import SETTINGS  # late: the up-to-date check must not pay for importing Markdown

    return quick_salt() + "\n" + json.dumps(SETTINGS, sort_keys=True, default=str)


def quick_salt() -> str:
    """Chalk's and its libraries' versions, and the stamps of chalk's own code (an edited chalk,
    as in a development checkout, must not reuse what older code produced)."""
    code = sorted((path.relative_to(Path(__file__).parent).as_posix(), path.stat().st_mtime_ns, path.stat().st_size)
                  for path in sorted(Path(__file__).parent.rglob("*.[pj][ys]")))
    parts = [f"schema {SCHEMA}", f"chalk {__version__}", repr(code)]
    parts += [f"{name} {_version(name)}" for name in ("markdown", "pymdown-extensions", "pygments", "jinja2", "quickjs-ng")]
    return "\n".join(parts)


@dataclass
class BuildState:
    """What a Builder carries from one build to the next."""

    sources: dict[Any, Any] = field(default_factory=dict)
    rendered: dict[Any, Any] = field(default_factory=dict)
    memo_entries: dict[str, Any] = field(default_factory=dict)
    output: str = ""  # the output folder the memo's written files are in
    check_memo: Any = None  # chalk.check.CheckMemo of the last build


def load_state(folder: Path) -> BuildState | None:
    """The saved state, or None if there is none or it cannot be trusted."""
    path = folder / STATE_FILE
    try:
        with path.open("rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                return None
            stored_salt, state = pickle.load(handle)
    except Exception:  # missing, truncated, corrupt or foreign: all just mean a cold build
        return None
    if stored_salt != salt() or not isinstance(state, BuildState):
        return None
    return state


def save_state(folder: Path, state: BuildState) -> None:
    """Write the state atomically; failing to save only costs time next build."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            pickle.dump((salt(), state), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / STATE_FILE)
    except (OSError, pickle.PicklingError):
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def _stamp_tree(top: Path, into: dict[str, tuple[int, int]]) -> None:
    if top.is_file():
        stat = top.stat()
        into[str(top)] = (stat.st_mtime_ns, stat.st_size)
        return
    for folder, _, names in os.walk(top):
        for name in names:
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            into[path] = (stat.st_mtime_ns, stat.st_size)


def input_stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file a build reads: the site's and chalk's own theme."""

    stamps: dict[str, tuple[int, int]] = {}
    for top in {root.resolve(), builtin_theme_dir().resolve()}:
        for name in INPUTS:
            if (top / name).exists():
                _stamp_tree(top / name, stamps)
    return stamps


def record_up_to_date(folder: Path, root: Path, output: Path, key: str, summary: Any) -> None:
    """Remember what the last build read and wrote, and what it reported."""
    outputs: dict[str, tuple[int, int]] = {}
    _stamp_tree(output, outputs)
    record = (quick_salt(), key, str(output), input_stamps(root), outputs, summary)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".stamps-", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / STAMPS_FILE)
    except (OSError, pickle.PicklingError):
        pass


def up_to_date(folder: Path, root: Path, key: str) -> tuple[Path, Any] | None:
    """(output, summary) of the last build if no input or output file changed since; else None."""
    try:
        with (folder / STAMPS_FILE).open("rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                return None
            stored_salt, stored_key, output, inputs, outputs, summary = pickle.load(handle)
    except Exception:  # missing or damaged: just build
        return None
    if stored_salt != quick_salt() or stored_key != key or input_stamps(root) != inputs:
        return None
    now: dict[str, tuple[int, int]] = {}
    _stamp_tree(Path(output), now)
    return (Path(output), summary) if now == outputs else None
