"""What a rebuild changed, as the browser needs to know it: pages, stylesheets, other assets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ASSET_QUERY = re.compile(rb"\?v=[0-9a-f]+")


@dataclass(frozen=True)
class Snapshot:
    """One complete build as the server serves it."""

    files: dict[str, bytes | Path]
    stamps: dict[str, Any]  # rel -> something that changes when the file's bytes change
    version: int


@dataclass(frozen=True)
class Change:
    """What a rebuild changed, as URL paths the browser can match."""

    pages: list[str]
    css: list[str]
    assets: list[str]


def _stamp(data: bytes | Path, normalize: bool = False) -> Any:
    if isinstance(data, Path):
        stat = data.stat()
        return (str(data), stat.st_mtime_ns, stat.st_size)
    return hash(_ASSET_QUERY.sub(b"", data)) if normalize else hash(data)


def diff(old: Snapshot | None, files: dict[str, bytes | Path], base_path: str) -> tuple[dict[str, Any], Change]:
    """Stamps of the new files, and which pages, stylesheets and other assets changed.

    A page reused from the last build is the very same bytes object, so its stamp is carried over.
    """
    before = old.stamps if old else {}
    previous = old.files if old else {}
    stamps = {rel: before[rel] if previous.get(rel) is data and rel in before else _stamp(data, rel.endswith(".html"))
              for rel, data in files.items()}
    changed = {rel for rel in stamps.keys() | before.keys() if stamps.get(rel) != before.get(rel)}
    pages, css, assets = [], [], []
    for rel in sorted(changed):
        url = base_path + rel
        if rel.endswith(".html"):
            pages.append(url[: -len("index.html")] if rel.endswith("index.html") else url)
        elif rel.endswith(".css"):
            css.append(url)
        else:
            assets.append(url)
    return stamps, Change(pages, css, assets)
