"""The journaled swap that puts a new site into the output folder (used only by :mod:`chalk.output`).

A build never edits the output folder file by file while it is still producing bytes:

1. **stage**: every changed file is written into a staging folder on the same file
   system (``<parent>/.<name>.chalk-staging/``, or ``<output>/.chalk-staging/`` when the
   parent is not usable). A full disk, an unreadable source or Ctrl-C here only
   removes the staging folder: the output folder is untouched.
2. **commit**: the list of moves is written to ``journal.json`` in the staging folder
   (to a temporary name, then renamed: it exists whole or not at all).
3. **apply**: only renames, in order, with Ctrl-C held back: every file in the way
   (an old file, a stale one, a plain file where a folder must go) is moved into the
   staging folder, and every staged file moved into place. Nothing is copied, so this
   step needs no disk space and takes milliseconds. If a rename fails, the moves done
   so far are undone in reverse and the old site is back exactly.
4. **clean up**: the staging folder (holding the old files) is removed.

A build killed during step 3 leaves a journal; the next build (or :func:`recover`)
finishes those moves first, so the folder always ends as one whole site, old or new.
Unchanged files are never moved: their inodes and mtimes stay as they were.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from types import ModuleType

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

STAGING = ".chalk-staging"
JOURNAL = "journal.json"
VERSION = 1
_HELD_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)}


@dataclass
class Move:
    """One step of the apply phase: move ``rel`` (inside the output) out of the way and/or put a staged file there."""

    rel: str
    new: str | None = None  # staged file to put at rel (relative to the staging folder), or None
    old: str | None = None  # where whatever stands at rel goes (relative to the staging folder)

    def to_json(self) -> list[str | None]:
        return [self.rel, self.new, self.old]


@dataclass
class Journal:
    output: Path
    staging: Path
    moves: list[Move] = field(default_factory=list)


def staging_candidates(output: Path) -> list[Path]:
    """Where a staging folder for ``output`` may be: beside it, or inside it."""
    return [output.parent / f".{output.name}{STAGING}", output / STAGING]


def choose_staging(output: Path) -> Path:
    """Beside the output folder when that is the same file system (renames must not cross one), else inside."""
    beside, inside = staging_candidates(output)
    try:
        same = not output.exists() or os.stat(output.parent).st_dev == os.stat(output).st_dev
    except OSError:
        same = False
    if same and os.access(output.parent, os.W_OK):
        return beside
    return inside


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One writer at a time per output folder's parent (two builds into one folder take turns)."""
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and termination wait until the block is done (main thread only; elsewhere a no-op)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def commit(journal: Journal) -> None:
    """Write the journal whole (temporary name, then rename): from here on the swap will complete."""
    data = json.dumps({"version": VERSION, "moves": [m.to_json() for m in journal.moves]}).encode()
    tmp = journal.staging / (JOURNAL + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, journal.staging / JOURNAL)


def apply(journal: Journal) -> None:
    """Do every move; on an OSError undo the ones done, in reverse, and re-raise."""
    done: list[Move] = []
    try:
        with signals_held():
            for move in journal.moves:
                done.append(move)
                _forward(journal, move)
    except OSError:
        for move in reversed(done):
            _backward(journal, move)
        raise
    (journal.staging / JOURNAL).unlink()
    prune_emptied(journal.output, [move.rel for move in journal.moves if not move.new])


def _forward(journal: Journal, move: Move) -> None:
    """Idempotent: running it again after an interruption finishes what is left."""
    target = journal.output / move.rel
    new = journal.staging / move.new if move.new else None
    if new is not None and not os.path.lexists(new):
        return  # already in place
    if move.old and os.path.lexists(target):
        old = journal.staging / move.old
        if not os.path.lexists(old):
            old.parent.mkdir(parents=True, exist_ok=True)
            os.rename(target, old)
    if new is not None:
        _make_parents(journal.output, target)
        os.rename(new, target)


def _backward(journal: Journal, move: Move) -> None:
    target = journal.output / move.rel
    if move.new and os.path.lexists(target) and not os.path.lexists(journal.staging / move.new):
        os.rename(target, journal.staging / move.new)
    if move.old and os.path.lexists(journal.staging / move.old) and not os.path.lexists(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(journal.staging / move.old, target)


def _make_parents(output: Path, target: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)


def recover(output: Path) -> bool:
    """Finish (or clean up after) a swap that was interrupted; True when there was something to do.

    A journal means the swap was committed: its moves are completed. A staging folder without
    one is a build stopped before its commit: it is removed and the output stays as it was.
    """
    found = False
    for staging in staging_candidates(output):
        if not staging.is_dir() or staging.is_symlink():
            continue
        found = True
        moves = _read_journal(staging / JOURNAL)
        if moves is not None:
            journal = Journal(output, staging, moves)
            with signals_held():
                for move in moves:
                    _forward(journal, move)
            prune_empty(output, {staging})
        shutil.rmtree(staging, ignore_errors=True)
    return found


def _read_journal(path: Path) -> list[Move] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    return [Move(*item) for item in data.get("moves", []) if isinstance(item, list) and len(item) == 3]


def prune_emptied(output: Path, removed: list[str]) -> None:
    """Remove the folders that removing these files (paths in ``output``, all gone already) left
    empty. From each file's folder up: a folder that still holds anything (or is gone) ends that
    climb, and whichever climb removes a folder's last subfolder goes on to try the folder. Only
    these ancestors are tried: walking the whole output after every save cost ~50 ms at 1,000 pages."""
    for rel in removed:
        parent = rel.rpartition("/")[0]
        while parent:
            try:
                os.rmdir(os.path.join(output, parent))  # fails (and is left) unless empty
            except OSError:
                break
            parent = parent.rpartition("/")[0]


def prune_empty(output: Path, keep: set[Path], protected: tuple[str, ...] = (".git",)) -> None:
    """Remove the folders left empty (never the output itself, a ``.git`` or the staging folder)."""
    if not output.is_dir():
        return
    for dirpath, dirnames, _ in os.walk(output, topdown=False):
        folder = Path(dirpath)
        if folder == output or folder in keep or any(p in protected for p in folder.relative_to(output).parts):
            continue
        with contextlib.suppress(OSError):
            folder.rmdir()  # fails (and is left) unless empty
