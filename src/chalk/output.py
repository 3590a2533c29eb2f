"""Stage 7: the only module that writes into the output folder.

It is called only after the whole site has rendered. Each file is written to a
temporary file beside its target and moved into place with ``os.replace``;
files whose bytes are unchanged are not touched (their mtimes stay stable);
files from earlier builds that are no longer part of the site are removed.
No path, whatever a slug or file name says, can land outside the folder.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import UsageError

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


def _has_links(folder: Path) -> bool:
    """Whether any symbolic link lies under ``folder`` (one walk instead of resolving every path)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        if any(os.path.islink(os.path.join(dirpath, name)) for name in [*dirnames, *filenames]):
            return True
    return False


def write_site(output: Path, files: dict[str, bytes | Path]) -> WriteStats:
    """Make ``output`` hold exactly ``files`` (output path -> bytes, or a file to copy)."""
    links = output.is_dir() and _has_links(output)
    targets = {rel: safe_target(output, rel, links) for rel in files}  # all checked before anything is written
    output.mkdir(parents=True, exist_ok=True)
    written = unchanged = 0
    for rel, data in files.items():
        if _write_if_changed(targets[rel], data):
            written += 1
        else:
            unchanged += 1
    removed = _remove_stale(output, set(targets.values()))
    return WriteStats(written, unchanged, removed)


def _write_if_changed(target: Path, data: bytes | Path) -> bool:
    if data == target:
        return False  # reused as it is: the page was not rendered again
    if target.is_symlink() or target.is_dir():
        _remove(target)
    elif target.is_file() and _same(target, data):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".chalk-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, Path):
                with data.open("rb") as source:
                    shutil.copyfileobj(source, handle)
            else:
                handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _same(target: Path, data: bytes | Path) -> bool:
    if isinstance(data, Path):
        return filecmp.cmp(target, data, shallow=False)
    return target.stat().st_size == len(data) and target.read_bytes() == data


def _remove_stale(output: Path, keep: set[Path]) -> int:
    removed = 0
    for dirpath, dirnames, filenames in os.walk(output, topdown=False):
        folder = Path(dirpath)
        if any(part in KEEP for part in folder.relative_to(output).parts):
            continue
        for name in filenames:
            path = folder / name
            if path not in keep and not (folder == output and name in KEEP):
                path.unlink()
                removed += 1
        if folder != output and not any(folder.iterdir()):
            folder.rmdir()
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
