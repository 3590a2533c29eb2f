"""Walking a source folder (``content/``, ``static/``) so that nothing is skipped without a word.

``Path.rglob`` silently skips folders it cannot read and follows symbolic links
wherever they point. :func:`walk_files` reports instead:

- a folder or file that cannot be read (permissions) is an error naming it;
- a symbolic link that points outside the site's folder is skipped with a warning
  naming the link (publishing it would publish a file from elsewhere on the disk);
- a link that points back into a folder being walked (a loop) is skipped with a warning;
- a link that points nowhere is skipped with a warning.

Links that stay inside the site are followed, as before.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .errors import Diagnostics, error, warning

Skip = Callable[[tuple[str, ...]], bool]  # relative parts -> True to leave the entry out, silently


def walk_files(folder: Path, root: Path, diagnostics: Diagnostics | None = None,
               skip: Skip | None = None, limit: Path | None = None) -> list[Path]:
    """Every regular file under ``folder`` (as paths under ``folder``, sorted).

    ``root`` is the site's folder (diagnostics name paths relative to it); a link resolving
    outside ``limit`` (default: ``root``) is not followed.
    ``skip`` leaves out hidden files and the like (called with the path's parts relative to ``folder``).
    """
    found: list[Path] = []
    if not folder.is_dir():
        return found
    inside = (limit or root).resolve()
    problems = diagnostics if diagnostics is not None else Diagnostics()
    _walk(folder, (), inside, {folder.resolve()}, found, problems, skip or (lambda parts: False), root)
    return found  # sorted already: each folder's entries by name, depth first, is the order of their parts


def _walk(path: Path, parts: tuple[str, ...], inside: Path, active: set[Path], found: list[Path],
          problems: Diagnostics, skip: Skip, root: Path) -> None:
    try:
        entries = sorted(os.scandir(path), key=lambda entry: entry.name)
    except OSError as exc:
        problems.add(error(f"cannot read this folder: {exc.strerror or exc}", _shown(path, root),
                           hint="everything in it would be missing from the site; fix its permissions"))
        return
    for entry in entries:
        rel = (*parts, entry.name)
        if skip(rel):
            continue
        child = Path(entry.path)
        if entry.is_symlink():
            target = _link_target(child, inside, active, problems, root)
            if target is None:
                continue
            if target.is_dir():
                _walk(child, rel, inside, active | {target}, found, problems, skip, root)
            elif target.is_file():
                found.append(child)
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            _walk(child, rel, inside, active | {child.resolve()}, found, problems, skip, root)
        elif entry.is_file(follow_symlinks=False):
            found.append(child)


def _link_target(link: Path, inside: Path, active: set[Path], problems: Diagnostics, root: Path) -> Path | None:
    """Where a symbolic link points, or None (with a warning) when it must not be followed."""
    shown = _shown(link, root)
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        problems.add(warning("skipped: a symbolic link that points nowhere", shown))
        return None
    if not target.is_relative_to(inside):
        where = "the site's folder" if inside == root.resolve() else _shown(inside, root) + "/"
        problems.add(warning(f"skipped: a symbolic link to {target}, outside {where}", shown,
                             hint="copy the file into the site if it should be published"))
        return None
    if any(target == folder or folder.is_relative_to(target) for folder in active):
        problems.add(warning("skipped: a symbolic link that loops back into its own folder", shown))
        return None
    return target


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() if path != root else "the site's folder"
    except ValueError:
        try:
            return path.relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)
