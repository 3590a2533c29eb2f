"""Persist and restore what the last build knew (``.chalk-cache/state.sqlite3``), so the next one skips work.

*What* is kept, keyed on what and invalidated by what, is :mod:`chalk.incremental`'s business;
this module only stores it. The store is an SQLite file (Python's own ``sqlite3``) with one
table per stage, one row per source file or output page, each row a JSON document:

- JSON cannot execute code (see :mod:`chalk.codec`). The only objects a row can become are
  chalk's own dataclasses and a few plain value types; anything else is refused.
- Tables are read lazily (a stage's table on its first use) and written incrementally: only
  rows whose record changed since they were read are written, in one transaction.
- The file carries a schema number and a salt of everything besides the inputs that changes
  what a build produces (chalk's version and code, its libraries' versions, the Markdown
  settings). A missing, corrupt, truncated, foreign or differently salted file, or a row that
  does not decode, is simply work to do again: the build is correct either way, and deleting
  the folder is always safe.

The up-to-date record (``chalk build`` with nothing changed) lives here too, because it must
be answered before the heavy stages are even imported.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from . import __version__
from .codec import Unstorable, dumps, loads
from .report import BuildSummary
from .theme import builtin_theme_dir

CACHE_DIR = ".chalk-cache"  # at the project root; safe to delete
STATE_FILE = "state.sqlite3"
LEGACY_FILES = ("build-state.pickle", "up-to-date.pickle")  # older chalks' caches, removed on save
INPUTS = ("site.yaml", "content", "templates", "static", "data", "_freeze")  # data/: cells' depends files
SCHEMA = 6  # 6: long strings after the JSON (chalk.codec)
Stamp = tuple[int, int]  # (mtime_ns, size) of a file


# --------------------------------------------------------------------------- salts

SALTED_LIBRARIES = ("markdown", "pymdown-extensions", "pygments", "jinja2", "quickjs-ng")


def installed_versions(packages: Iterable[str]) -> dict[str, str]:
    """The installed version of each package ("?" when not installed), as importlib.metadata
    finds it: the first ``name-version.dist-info`` folder on ``sys.path`` (the layout installers
    write, PyPA "Recording installed projects"). Listing those folders costs well under a
    millisecond; importing importlib.metadata costs about 40, most of a no-change build's start.
    A package installed some other way (an .egg-info) is asked of importlib.metadata."""
    wanted = {_normal_name(name): name for name in packages}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                name, _, number = entry[:-len(".dist-info")].partition("-")
                package = wanted.get(_normal_name(name))
                if package is not None and package not in found and number:
                    found[package] = number
    missing = [name for name in wanted.values() if name not in found]
    if missing:
        from importlib.metadata import PackageNotFoundError, version

        for name in missing:
            try:
                found[name] = version(name)
            except PackageNotFoundError:
                found[name] = "?"
    return {name: found[name] for name in wanted.values()}


def _normal_name(name: str) -> str:
    """A distribution name as PEP 503 compares them (Markdown, pymdown_extensions, PyYAML...)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.lru_cache(maxsize=1)
def quick_salt() -> str:
    """Chalk's and its libraries' versions, and a digest of chalk's own code (an edited chalk, as in
    a development checkout, must not reuse what older code produced). By content, not file times:
    a fresh install or checkout of the same code (CI restoring .chalk-cache/) keeps its cache."""
    here = Path(__file__).parent
    code = hashlib.blake2b(digest_size=16)
    for path in sorted(here.rglob("*.[pj][ys]")):
        code.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    parts = [f"schema {SCHEMA}", f"chalk {__version__}", code.hexdigest()]
    parts += [f"{name} {number}" for name, number in installed_versions(SALTED_LIBRARIES).items()]
    return "\n".join(parts)


def salt(settings: Mapping[str, Any]) -> str:
    """Everything besides the inputs that changes what a build produces: :func:`quick_salt`
    and the Markdown ``settings`` (passed in, so this module never imports Markdown)."""
    return quick_salt() + "\n" + json.dumps(settings, sort_keys=True, default=str)


# --------------------------------------------------------------------------- the store

_DAMAGED = (sqlite3.Error, OSError, ValueError, TypeError, KeyError, AttributeError, ImportError, RecursionError)


class Store:
    """The SQLite file: one table per stage (``key -> JSON``), read lazily, written incrementally.

    Never raises for a damaged file: it is then replaced by an empty one (or, if even that
    fails, the store keeps nothing and saving does nothing).
    """

    def __init__(self, folder: Path, salt: str):
        self.folder, self.salt = folder, salt
        self._db: sqlite3.Connection | None = None
        self._loaded: dict[str, dict[str, Any]] = {}

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None:
            self._db = _open(self.folder / STATE_FILE, self.salt)
        return self._db

    def table(self, name: str) -> dict[str, Any]:
        """Every readable row of a table, decoded (rows that do not decode are left out)."""
        if name not in self._loaded:
            self._loaded[name] = dict(self._rows(name))
        return dict(self._loaded[name])

    def _rows(self, name: str) -> Iterator[tuple[str, Any]]:
        db = self._connect()
        if db is None:
            return
        try:
            rows = db.execute("SELECT key, value FROM records WHERE stage = ?", (name,)).fetchall()
        except sqlite3.Error:
            return
        for key, text in rows:
            try:
                yield key, loads(text)
            except _DAMAGED:
                continue  # one damaged row is one page to redo

    def save(self, tables: Mapping[str, Mapping[str, Any]]) -> None:
        """Make each table hold exactly these records, writing only rows whose record changed."""
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                for name, records in tables.items():
                    self._sync(db, name, records)
            _remove_legacy(self.folder)
        except (sqlite3.Error, OSError, Unstorable, ValueError):
            self._loaded.clear()  # failing to save only costs time next build

    def put(self, name: str, key: str, record: Any) -> None:
        """Write one row as it is, without reading what it held (for a row that changes every build)."""
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.execute("INSERT OR REPLACE INTO records (stage, key, value) VALUES (?, ?, ?)",
                           (name, key, dumps(record)))
            self._loaded.pop(name, None)
        except (sqlite3.Error, OSError, Unstorable, ValueError, RecursionError):
            self._loaded.clear()  # failing to save only costs time next build

    def _sync(self, db: sqlite3.Connection, name: str, records: Mapping[str, Any]) -> None:
        before = self.table(name)
        gone = [(name, key) for key in before if key not in records]
        db.executemany("DELETE FROM records WHERE stage = ? AND key = ?", gone)
        unstorable: list[tuple[str, str]] = []

        def changed() -> Iterator[tuple[str, str, str]]:  # one row encoded at a time, not all held at once
            for key, record in records.items():
                known = before.get(key)
                if known is not record and known != record:  # rewritten only when it really changed
                    try:
                        yield name, key, dumps(record)
                    except (Unstorable, ValueError, RecursionError):
                        unstorable.append((name, key))  # not storable: simply not kept

        db.executemany("INSERT OR REPLACE INTO records (stage, key, value) VALUES (?, ?, ?)", changed())
        db.executemany("DELETE FROM records WHERE stage = ? AND key = ?", unstorable)
        self._loaded[name] = dict(records)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _open(path: Path, salt: str) -> sqlite3.Connection | None:
    """The database at ``path`` if it is chalk's, of this schema and salt; else a fresh, empty one."""
    for attempt in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level="DEFERRED")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS records (stage TEXT NOT NULL, key TEXT NOT NULL, "
                       "value TEXT NOT NULL, PRIMARY KEY (stage, key))")
            stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if stored.get("schema") != str(SCHEMA) or stored.get("salt") != salt:
                with db:
                    db.execute("DELETE FROM records WHERE stage != 'up-to-date'")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?), ('salt', ?)", (str(SCHEMA), salt))
            return db
        except (sqlite3.Error, OSError):  # not a database, truncated, locked forever...: start afresh
            if attempt == 0:
                _unlink(path)
    return None


def _unlink(path: Path) -> None:
    for name in (path.name, path.name + "-journal", path.name + "-wal"):
        try:
            os.unlink(path.with_name(name))
        except OSError:
            pass


def _remove_legacy(folder: Path) -> None:
    for name in LEGACY_FILES:
        try:
            (folder / name).unlink()
        except OSError:
            pass


# --------------------------------------------------------------------------- nothing changed since?

UP_TO_DATE = "up-to-date"  # the stage name of the one row answering "has anything changed?"


@dataclasses.dataclass(frozen=True)
class LastBuild:
    """What the last build read and wrote, and what it reported: replayed while nothing changed."""

    salt: str
    key: str  # the build's options (drafts, strict, output, base URL)
    output: str
    inputs: dict[str, Stamp]
    outputs: dict[str, Stamp]
    summary: BuildSummary


def _stamp_tree(top: Path, into: dict[str, Stamp]) -> None:
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


def input_stamps(root: Path) -> dict[str, Stamp]:
    """Size and mtime of every file a build reads: the site's and chalk's own theme."""
    stamps: dict[str, Stamp] = {}
    for top in {root.resolve(), builtin_theme_dir().resolve()}:
        for name in INPUTS:
            if (top / name).exists():
                _stamp_tree(top / name, stamps)
    return stamps


def _read_last(folder: Path) -> LastBuild | None:
    path = folder / STATE_FILE
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM records WHERE stage = ? AND key = ''", (UP_TO_DATE,)).fetchone()
        finally:
            db.close()
        last = loads(row[0]) if row else None
    except _DAMAGED:
        return None
    return last if isinstance(last, LastBuild) else None


def up_to_date(folder: Path, root: Path, key: str) -> tuple[Path, BuildSummary] | None:
    """(output, summary) of the last build if no input or output file changed since; else None."""
    last = _read_last(folder)
    if last is None or last.salt != quick_salt() or last.key != key or input_stamps(root) != last.inputs:
        return None
    now: dict[str, Stamp] = {}
    _stamp_tree(Path(last.output), now)
    return (Path(last.output), last.summary) if now == last.outputs else None


def record_up_to_date(store: Store, root: Path, output: Path, key: str, summary: BuildSummary) -> None:
    """Remember what this build read and wrote, and what it reported."""
    outputs: dict[str, Stamp] = {}
    _stamp_tree(output, outputs)
    last = LastBuild(quick_salt(), key, str(output), input_stamps(root), outputs, summary)
    store.put(UP_TO_DATE, "", last)
