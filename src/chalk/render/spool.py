"""Rendered pages waiting on disk for the write, so a build never holds every page in memory.

A spool is a folder of chalk's own beside the output folder (``.public.chalk-pages-<pid>-<random>``),
on the output's file system, so that stage 7 moves its files into place instead of copying
them (:func:`chalk.output.write_site`'s ``movable``). Render children forked by
:mod:`chalk.render.parallel` write into it too, and send back only where each page is.

Nothing in it is the site yet: the output folder is untouched until the write. The builder
removes the spool when the build ends, written or failed; one that a killed build left behind
is removed by the next build beside that output folder. Writing into a spool is only ever an
economy: a page that cannot be spooled (a full disk) stays in memory, and the write reports
the disk.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from pathlib import Path

from .. import journal

SPOOL = ".chalk-pages-"  # after ".<output folder's name>"


class Spool:
    """One build's folder of rendered pages (see the module)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._names = itertools.count()

    @classmethod
    def beside(cls, output: Path) -> "Spool | None":
        """A fresh spool beside ``output``; None where the write would not rename from there (the
        output folder is another file system than its parent, or the parent is not writable)."""
        parent = output.parent
        if not parent.is_dir() or journal.choose_staging(output) != journal.staging_candidates(output)[0]:
            return None
        _remove_abandoned(parent, f".{output.name}{SPOOL}")
        try:
            return cls(Path(tempfile.mkdtemp(prefix=f".{output.name}{SPOOL}{os.getpid()}-", dir=parent)))
        except OSError:
            return None

    def keep(self, data: bytes) -> bytes | Path:
        """``data`` as a file of the spool (named here, never after a page), or, if that file cannot
        be written, ``data`` itself."""
        path = self.folder / f"{os.getpid()}-{next(self._names)}"  # a forked child counts on in its own names
        try:
            with open(path, "xb") as handle:
                handle.write(data)
        except OSError:
            _unlink(path)
            return data
        return path

    def holds(self, value: object) -> bool:
        """Whether ``value`` is a file of this spool."""
        return isinstance(value, Path) and value.parent == self.folder

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _remove_abandoned(parent: Path, prefix: str) -> None:
    """Remove the spools beside the output folder whose build is no longer running."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-[A-Za-z0-9_]+")
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        found = pattern.fullmatch(name)
        if found is not None and not _running(int(found.group(1))):
            path = parent / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether a process ``pid`` runs here (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        pass
    return True


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
