"""Stage 7: the only module that writes into the output folder.

It is called only after the whole site has rendered. Changed files are staged
first and swapped in by one short journaled step of renames (:mod:`chalk.journal`),
so a full disk, a read-only folder, Ctrl-C or a kill never leaves a mix of old and
new files; files whose bytes are unchanged are not touched (their mtimes stay
stable); files from earlier builds that are no longer part of the site are removed,
and a plain file standing where the site needs a folder is replaced.
No path, whatever a slug or file name says, can land outside the folder.
"""

from __future__ import annotations

import errno
import filecmp
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import journal
from .errors import BuildError, Diagnostic, UsageError

KEEP = (".git",)  # never removed from the output folder (e.g. a deploy checkout)


@dataclass(frozen=True)
class WriteStats:
    written: int
    unchanged: int
    removed: int


def check_output_dir(output: Path, root: Path, explicit: bool) -> Path:
    """Refuse output folders that could destroy the project: the root, a parent of content/, or outside."""
    output, root = output.resolve(), root.resolve()
    if output == root or root.is_relative_to(output):
        raise UsageError(f"refusing to write the site into {output}: it is the project folder or contains it")
    if (output / "content").exists() or (output / "site.yaml").exists():
        raise UsageError(f"refusing to write the site into {output}: it holds a content/ folder or site.yaml")
    if not explicit and not output.is_relative_to(root):
        raise UsageError(f"refusing to write outside the project ({output}); pass --output to mean it")
    if output.is_dir() and not (output / "index.html").exists() and any(output.iterdir()):
        raise UsageError(f"refusing to write the site into {output}: it holds other files and no index.html, "
                         "and chalk removes files that are not part of the site; choose an empty folder")
    return output


def safe_target(output: Path, rel: str, links_inside: bool = True) -> Path:
    """The file for ``rel`` inside ``output``; raises if it would end up anywhere else.

    A plain relative path can only leave the folder through a symbolic link inside it;
    ``links_inside=False`` says the caller knows there is none, which skips resolving.
    """
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel or "\0" in rel:
        raise UsageError(f"refusing to write {rel!r}: it is not a plain path inside the output folder")
    target = output.joinpath(*pure.parts)
    if links_inside and not target.resolve().is_relative_to(output.resolve()):
        raise UsageError(f"refusing to write {rel!r}: it resolves outside the output folder")
    return target


def write_site(output: Path, files: dict[str, bytes | Path], movable: Path | None = None) -> WriteStats:
    """Make ``output`` hold exactly ``files`` (output path -> bytes, or a file to copy; a file directly
    in the folder ``movable``, a build's spool of rendered pages, is moved instead).

    All or nothing (see :mod:`chalk.journal`): changed files are staged first and swapped in
    with renames only; a failure at any point leaves the folder as it was, and an interruption
    is completed by the next call. Raises :class:`BuildError` with ``path: message`` for
    operating-system failures (full disk, read-only folder, unreadable source, name too long).
    """
    inventory = _inventory(output)
    for rel in files:  # every path checked before anything is written
        if inventory[1] or not _plain(rel):  # a plain path with no link in the folder cannot leave it
            safe_target(output, rel, bool(inventory[1]))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with journal.locked(output.parent):
            if journal.recover(output):
                inventory = _inventory(output)
            plan = _plan(output, files, *inventory)
            if not plan.changes:
                return WriteStats(0, plan.unchanged, 0)
            staging = journal.choose_staging(output)
            _stage(staging, plan, files, movable)
            try:
                journal.commit(plan.journal(output, staging))
                journal.apply(plan.journal(output, staging))
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise BuildError([_os_error(exc, output)]) from None
    return WriteStats(len(plan.puts), plan.unchanged, len(plan.stale))


def recover(output: Path) -> bool:
    """Complete or roll back an interrupted write into ``output`` (before reading it, e.g. to deploy)."""
    if not output.parent.is_dir():
        return False
    with journal.locked(output.parent):
        return journal.recover(output)


@dataclass
class _Plan:
    puts: list[str] = field(default_factory=list)  # changed or new files
    stale: list[str] = field(default_factory=list)  # files to remove
    blockers: list[str] = field(default_factory=list)  # non-folders standing where a folder must go
    unchanged: int = 0

    @property
    def changes(self) -> bool:
        return bool(self.puts or self.stale or self.blockers)

    def journal(self, output: Path, staging: Path) -> journal.Journal:
        moves = [journal.Move(rel, old=f"old/b{i}") for i, rel in enumerate(self.blockers)]
        moves += [journal.Move(rel, new=f"new/{i}", old=f"old/{i}") for i, rel in enumerate(self.puts)]
        moves += [journal.Move(rel, old=f"old/s{i}") for i, rel in enumerate(self.stale)]
        return journal.Journal(output, staging, moves)


def _plain(rel: str) -> bool:
    """Whether ``rel`` is a relative path of ordinary names (what safe_target accepts as it is),
    told from the string alone: no Path is made for the thousand pages a build checks."""
    return bool(rel) and rel[0] != "/" and "\\" not in rel and "\0" not in rel and \
        all(part not in ("", ".", "..") for part in rel.split("/"))


def _plan(output: Path, files: dict[str, bytes | Path], existing: set[str], links: set[str]) -> _Plan:
    plan = _Plan()
    name_max = _name_max(output)
    blockers: set[str] = set()
    for rel, data in files.items():
        _check_name(rel, name_max)
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            prefix = "/".join(parts[:depth])
            if prefix in existing:  # a plain file (or link) where a folder must go: chalk owns that name
                blockers.add(prefix)
        if rel in existing and rel not in links and _same(os.path.join(output, rel), data):
            plan.unchanged += 1
        else:
            plan.puts.append(rel)
    plan.blockers = sorted(blockers)
    plan.stale = sorted(rel for rel in existing if rel not in files and rel not in blockers)
    return plan


def _inventory(output: Path) -> tuple[set[str], set[str]]:
    """Every file and link in ``output`` chalk may replace or remove (not .git, not a staging folder),
    and which of them are symbolic links; one walk, with the file types the folder listing gives."""
    found: set[str] = set()
    links: set[str] = set()
    if not output.is_dir():
        return found, links
    skip = {str(path) for path in journal.staging_candidates(output)}
    folders = [("", str(output))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_symlink():  # a link (to a folder too) is an entry, never walked into
                    links.add(rel)
                elif entry.is_dir():
                    if entry.name not in KEEP and entry.path not in skip:
                        folders.append((rel + "/", entry.path))
                    continue
                if not (prefix == "" and entry.name in KEEP):
                    found.add(rel)
    return found, links


def _stage(staging: Path, plan: _Plan, files: dict[str, bytes | Path], movable: Path | None) -> None:
    """Write every changed file into the staging folder; on any failure remove it and re-raise."""
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / "new").mkdir(parents=True)
        (staging / "old").mkdir()
        for index, rel in enumerate(plan.puts):
            data = files[rel]
            if not (isinstance(data, Path) and data.parent == movable and _moved(data, staging / "new" / str(index))):
                _write(staging / "new" / str(index), data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _moved(source: Path, path: Path) -> bool:
    """Move a spooled file to ``path`` (False if it cannot be renamed there: then it is copied)."""
    try:
        os.rename(source, path)
    except OSError:
        return False
    os.chmod(path, 0o644)
    return True


def _write(path: Path, data: bytes | Path) -> None:
    with open(path, "xb") as handle:
        if isinstance(data, Path):
            with data.open("rb") as source:
                shutil.copyfileobj(source, handle)
        else:
            handle.write(data)
    os.chmod(path, 0o644)


def _same(target: str, data: bytes | Path) -> bool:
    """Whether the file at ``target`` (a path as text: no Path made per page) holds ``data``."""
    if isinstance(data, Path) and str(data) == target:
        return os.path.isfile(target)  # reused as it is: the page was not rendered again
    try:
        if isinstance(data, Path):
            return os.path.isfile(target) and filecmp.cmp(target, data, shallow=False)
        if os.stat(target).st_size != len(data) or not os.path.isfile(target):
            return False
        with open(target, "rb") as handle:
            return handle.read() == data
    except OSError as exc:
        if isinstance(data, Path) and exc.filename == str(data):
            raise  # the source cannot be read: reported as such
        return False


def _name_max(output: Path) -> int:
    folder = output if output.is_dir() else output.parent
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _check_name(rel: str, name_max: int) -> None:
    for part in rel.split("/"):
        if len(os.fsencode(part)) > name_max:
            raise OSError(errno.ENAMETOOLONG, f"File name too long ({len(os.fsencode(part))} bytes in one part of "
                          f"the path; at most {name_max})", rel)


def _os_error(exc: OSError, output: Path) -> Diagnostic:
    """``path: message`` for a failure while writing, with what it means for the site."""
    filename = str(exc.filename) if exc.filename is not None else str(output)
    path = Path(filename)
    if not path.is_absolute() and not filename.startswith(str(output)):
        path = output / filename
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        hint = "free some space and build again"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = "the output folder must be writable; choose another with --output"
    elif exc.errno == errno.ENAMETOOLONG:
        hint = "shorten the slug, tag or file name this path comes from"
    else:
        hint = ""
    source = not path.is_relative_to(output) and not path.is_relative_to(output.parent / f".{output.name}")
    what = "cannot read this file" if source and exc.errno != errno.ENOSPC else "cannot write the site"
    return Diagnostic(f"{what}: {reason}; the output folder was left as it was", _shown(path), hint=hint)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)
