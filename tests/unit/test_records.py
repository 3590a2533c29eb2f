"""When a build's record of a content file may be used again (chalk.incremental.SourceRecord.still)."""

from __future__ import annotations

import os
from pathlib import Path

from chalk.content import Source, read_source
from chalk.errors import Diagnostics
from chalk.digest import file_digest
from chalk.incremental import SourceRecord

TEXT = "---\ntitle: A\ndate: 2024-01-01 23:30\n---\nHello.\n"


def _record(path: Path, zone: str = "UTC") -> SourceRecord:
    from zoneinfo import ZoneInfo

    stat, data = path.stat(), path.read_bytes()
    source = read_source(path, path.parent.parent, path.parent.parent, ZoneInfo(zone), Diagnostics(), data)
    return SourceRecord((stat.st_mtime_ns, stat.st_size), source, (), zone, file_digest(data))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _file(folder: Path, text: str = TEXT) -> Path:
    path = folder / "content" / "a.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_an_unchanged_file_keeps_its_very_record(tmp_path: Path) -> None:
    path = _file(tmp_path)
    record = _record(path)
    assert record.still(path, _stamp(path), "UTC") is record


def test_another_time_zone_reads_the_file_again(tmp_path: Path) -> None:
    path = _file(tmp_path)
    assert _record(path).still(path, _stamp(path), "Asia/Tokyo") is None


def test_the_same_bytes_with_a_new_time_elsewhere_are_the_same_source(tmp_path: Path) -> None:
    record = _record(_file(tmp_path / "here"))
    moved = _file(tmp_path / "there")  # a checkout elsewhere: same bytes, another path
    os.utime(moved, ns=(2_000_000_000_000_000_000,) * 2)
    again = record.still(moved, _stamp(moved), "UTC")
    assert again is not None and again.stamp == _stamp(moved)
    assert isinstance(again.source, Source) and again.source.path == moved
    assert again.source.body is record.source.body  # type: ignore[union-attr]


def test_other_bytes_of_the_same_size_are_read_again(tmp_path: Path) -> None:
    path = _file(tmp_path)
    record = _record(path)
    path.write_text(TEXT.replace("Hello", "Howdy"), "utf-8")
    os.utime(path, ns=(2_000_000_000_000_000_000,) * 2)
    assert _stamp(path)[1] == record.stamp[1] and record.still(path, _stamp(path), "UTC") is None


def test_a_record_without_a_digest_trusts_only_its_stamp(tmp_path: Path) -> None:
    path = _file(tmp_path)
    record = SourceRecord(_stamp(path), None, (), "UTC")
    os.utime(path, ns=(2_000_000_000_000_000_000,) * 2)
    assert record.still(path, _stamp(path), "UTC") is None
