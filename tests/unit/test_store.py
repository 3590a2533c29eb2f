"""The cache's store on its own: the JSON codec and the SQLite file (chalk.cache)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalk import cache, codec
from chalk.incremental import CheckRecord, State, persist, restore


def test_values_round_trip_through_the_codec() -> None:
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from markupsafe import Markup

    from chalk.errors import Diagnostic, Severity

    values = [
        (1, "a", None, 2.5, True), {"$odd": 1, ("a", "b"): b"\x00\xff"}, {("page:x", "title"): b"\x01"}, {"a.md": (1, 2)}, frozenset({"x"}), {"y"},
        datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2024, 5, 1, tzinfo=timezone(timedelta(hours=2))), Path("/x/y"), Markup("<b>&amp;</b>"),
        Diagnostic("m", "p", 3, "h", Severity.WARNING),
    ]
    for value in values:
        back = codec.loads(codec.dumps(value))
        assert back == value and type(back) is type(value), value
    zoned = codec.loads(codec.dumps(values[6]))
    assert zoned.tzinfo.key == "Europe/Berlin" and zoned.fold == 1 and zoned.utcoffset() == values[6].utcoffset()


def test_long_strings_are_kept_after_the_json_and_come_back_whole() -> None:
    from markupsafe import Markup

    page = "<p>“quoted” \x1e and a record separator</p>\n" * 200  # longer than LONG_STRING
    value = {"html": Markup(page), "body": page + "\x00end", "short": "x", "items": (page, 3)}
    text = codec.dumps(value)
    head = text.split(codec.SEPARATOR, 1)[0]
    assert page not in head and len(head) < 200  # the JSON holds only references
    back = codec.loads(text)
    assert back == value and type(back["html"]) is Markup and type(back["items"]) is tuple


@pytest.mark.parametrize("damage", [
    lambda text: text[:-10],  # cut short
    lambda text: text.replace(codec.SEPARATOR, "", 1),  # the separator gone
    lambda text: text.replace('{"$l":1}', '{"$l":7}'),  # no such string
    lambda text: text.replace('{"$l":1}', '{"$l":"1"}'),
])
def test_a_damaged_long_string_row_is_refused(damage) -> None:
    page = "<p>text</p>" * 300
    text = codec.dumps(("a" * 3000, page))
    assert codec.loads(text) == ("a" * 3000, page)
    with pytest.raises((codec.Unstorable, ValueError)):  # both mean "work to redo" to the store
        codec.loads(damage(text))


@pytest.mark.parametrize("row", [
    {"$c": "os:system", "v": ["true"]},
    {"$c": "builtins:eval", "v": []},
    {"$c": "chalk.cache:Store", "v": []},  # chalk's, but not a dataclass
    {"$c": "chalk.incremental:CheckRecord", "v": [{"$b": "00"}, 3]},  # too few fields
    {"$c": "chalk.incremental:CheckRecord", "f": {"content_digest": {"$b": "00"}}},  # no values
    {"$e": "os:environ", "v": 1},
    {"$nope": 1},
])
def test_the_codec_refuses_anything_but_chalk_data(row: dict) -> None:
    with pytest.raises(codec.Unstorable):
        codec.loads(json.dumps(row))


def test_state_round_trips_and_damage_is_ignored(tmp_path: Path) -> None:
    from chalk.errors import warning

    store = cache.Store(tmp_path, "salt-1")
    record = CheckRecord(b"d", 3, frozenset({"a/index.html"}), (warning("w", "content/a.md", 4),))
    persist(store, State(checks={"a/index.html": record}, written_to="/out"))
    store.close()
    again = restore(cache.Store(tmp_path, "salt-1"))
    assert again.checks == {"a/index.html": record} and again.written_to == "/out"
    assert restore(cache.Store(tmp_path, "salt-2")).checks == {}  # another chalk: nothing is trusted
    (tmp_path / cache.STATE_FILE).write_bytes(b"not a database" * 50)
    assert restore(cache.Store(tmp_path, "salt-1")).checks == {}  # damaged: a cold build


def test_installed_versions_agree_with_importlib_metadata() -> None:
    """The salt's library versions, read from the dist-info folders, as importlib.metadata reads them."""
    from importlib.metadata import version

    names = (*cache.SALTED_LIBRARIES, "PyYAML", "chalk-ssg", "no-such-distribution-here")
    found = cache.installed_versions(names)
    assert list(found) == list(names)
    for name in names[:-1]:
        assert found[name] == version(name), name
    assert found["no-such-distribution-here"] == "?"


def test_installed_versions_take_the_first_folder_on_the_path_and_any_spelling(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, entries in ((first, ["Py_Widget-2.0.dist-info", "widget_tools-1.0.dist-info"]),
                            (second, ["py.widget-9.9.dist-info", "gadget-3.1.dist-info", "gadget_x-0.1.dist-info"])):
        for entry in entries:
            (folder / entry).mkdir(parents=True)
    monkeypatch.setattr("sys.path", [str(tmp_path / "missing"), str(first), str(second)])
    assert cache.installed_versions(["py-widget", "Gadget", "widget"]) == {
        "py-widget": "2.0", "Gadget": "3.1", "widget": "?"}
