"""chalk's values as JSON and back: what the cache stores, in a format that cannot execute code.

Plain JSON values stay themselves. Everything else is a tagged object, ``{"$tag": ...}``:
tuples, sets, bytes, dates, paths, ``Markup``, chalk's enums and chalk's own dataclasses
(``{"$c": "chalk.module:Class", "v": [each field's value, in order]}``), plus two compact shapes the
incremental state is mostly made of (``{(object, attribute): digest}`` and
``{name: (mtime, size)}``). Decoding makes only chalk dataclasses and enums (checked to be
defined in a ``chalk`` module) or those value types; a row naming anything else raises
:class:`Unstorable`, so a tampered cache can at worst cost a rebuild.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from markupsafe import Markup


class Unstorable(TypeError):
    """A value the store does not know how to write (or a row it refuses to read)."""


def encode(value: Any) -> Any:
    """``value`` as plain JSON data; chalk dataclasses and a few value types are tagged ``{"$x": ...}``."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode(item) for item in value]
    if kind is tuple:
        return {"$t": [encode(item) for item in value]}
    if kind is dict:
        if value and all(type(key) is str and type(item) is tuple and all(type(n) is int for n in item)
                         for key, item in value.items()):  # file stamps: name -> (mtime, size)
            return {"$st": {key: list(item) for key, item in value.items()}}
        if all(type(key) is str and not key.startswith("$") for key in value):
            return {key: encode(item) for key, item in value.items()}
        if value and all(type(key) is tuple and all(type(part) is str for part in key) and type(item) is bytes
                         for key, item in value.items()):  # what a page read: (object, attribute) -> digest
            return {"$kb": [[*key, item.hex()] for key, item in value.items()]}
        return {"$d": [[encode(key), encode(item)] for key, item in value.items()]}
    return _encode_other(value)


def _encode_other(value: Any) -> Any:
    if isinstance(value, Markup):
        return {"$m": str(value)}
    if isinstance(value, Enum):
        return {"$e": _class_name(type(value)), "v": value.value}
    if isinstance(value, datetime):
        zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
        return {"$dt": value.isoformat(), "z": zone, "f": value.fold}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Path):
        return {"$p": str(value)}
    if isinstance(value, bytes):
        return {"$b": value.hex()}
    if isinstance(value, (set, frozenset)):
        return {"$fs" if isinstance(value, frozenset) else "$s": [encode(item) for item in value]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name, fields = _stored_fields(type(value))
        return {"$c": name, "v": [encode(getattr(value, field)) for field in fields]}
    raise Unstorable(f"cannot store a {type(value).__name__}")


_FIELDS: dict[type, tuple[str, tuple[str, ...]]] = {}  # dataclass -> (its stored name, its field names)


def _stored_fields(cls: type) -> tuple[str, tuple[str, ...]]:
    known = _FIELDS.get(cls)
    if known is None:
        known = _FIELDS[cls] = (_class_name(cls), tuple(f.name for f in dataclasses.fields(cls)))
    return known


def _class_name(cls: type) -> str:
    if not cls.__module__.startswith("chalk."):
        raise Unstorable(f"only chalk's own classes are stored, not {cls.__module__}.{cls.__qualname__}")
    return f"{cls.__module__}:{cls.__qualname__}"


_CLASSES: dict[str, tuple[type, dict[str, bool]]] = {}  # name -> (class, field -> passed to __init__), in order
_PLAIN: dict[type, bool] = {}  # dataclass -> made without __init__ (no __post_init__, no __slots__)


def _chalk_class(name: str) -> tuple[type, dict[str, bool]]:
    """The chalk class a row names, with its fields; anything but a chalk dataclass or enum is refused."""
    known = _CLASSES.get(name)
    if known is not None:
        return known
    module, _, qualname = name.partition(":")
    if not (module == "chalk" or module.startswith("chalk.")) or not qualname.isidentifier():
        raise Unstorable(f"refusing to make a {name}")
    cls = getattr(importlib.import_module(module), qualname, None)
    if not isinstance(cls, type) or not (dataclasses.is_dataclass(cls) or issubclass(cls, Enum)):
        raise Unstorable(f"refusing to make a {name}")
    fields = {f.name: f.init for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else {}
    _CLASSES[name] = (cls, fields)
    return cls, fields


def _make(name: str, stored: Any) -> Any:
    """The chalk dataclass ``name`` with the ``stored`` field values, in the order of its fields
    (the store's salt holds a digest of chalk's code, so rows always come from these very classes;
    the count is checked all the same)."""
    cls, fields = _chalk_class(name)
    if type(stored) is not list or len(stored) != len(fields):
        raise Unstorable(f"{cls.__name__}: stored fields do not match")
    values = dict(zip(fields, stored))
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = bool(fields) and not hasattr(cls, "__post_init__") and "__slots__" not in vars(cls)
    if plain:  # every field is there (checked above): fill them in directly, 5x faster than a frozen __init__
        obj: Any = object.__new__(cls)
        obj.__dict__.update(values)
        return obj
    if all(fields.values()):
        return cls(**values)
    obj = cls(**{name: value for name, value in values.items() if fields[name]})
    for field_name, value in values.items():
        if not fields[field_name]:
            object.__setattr__(obj, field_name, value)
    return obj


_TAGS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "$t": lambda d: tuple(d["$t"]),
    "$d": lambda d: {key: item for key, item in d["$d"]},
    "$st": lambda d: {key: tuple(item) for key, item in d["$st"].items()},
    "$kb": lambda d: {tuple(row[:-1]): bytes.fromhex(row[-1]) for row in d["$kb"]},
    "$m": lambda d: Markup(d["$m"]),
    "$e": lambda d: _chalk_class(d["$e"])[0](d["v"]),
    "$dt": lambda d: _datetime(d),
    "$date": lambda d: date.fromisoformat(d["$date"]),
    "$p": lambda d: Path(d["$p"]),
    "$b": lambda d: bytes.fromhex(d["$b"]),
    "$fs": lambda d: frozenset(d["$fs"]),
    "$s": lambda d: set(d["$s"]),
    "$c": lambda d: _make(d["$c"], d.get("v")),
}


def _datetime(data: dict[str, Any]) -> datetime:
    value = datetime.fromisoformat(data["$dt"])
    if data.get("z"):
        value = value.replace(tzinfo=ZoneInfo(data["z"]), fold=data.get("f", 0))
    return value


def _hook(data: dict[str, Any], long: list[str] | None = None) -> Any:
    for tag in data:  # a tagged value has its tag first
        if tag[:1] == "$":
            if tag == "$l" and long is not None:
                index = data["$l"]
                if type(index) is not int or not 0 <= index < len(long):
                    raise Unstorable("damaged row: no such long string")
                return long[index]
            maker = _TAGS.get(tag)
            if maker is None:
                raise Unstorable(f"unknown tag {tag}")
            return maker(data)
        break
    return data


#: Strings at least this long (a page's HTML, an article's text) are kept out of the JSON, after
#: it: JSON-escaping and parsing tens of megabytes of HTML cost more than everything else a
#: build reads back. A row is then ``JSON`` + per string ``SEPARATOR`` + its length + ``:`` + the
#: string; JSON never holds a raw control character, so the first SEPARATOR ends it.
LONG_STRING = 2048
SEPARATOR = "\x1e"


def dumps(value: Any) -> str:
    data = encode(value)
    long: list[str] = []
    if _has_long(data):
        data = _lift(data, long)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text + "".join(f"{SEPARATOR}{len(item)}:{item}" for item in long) if long else text


def loads(text: str) -> Any:
    """The value :func:`dumps` wrote; :class:`Unstorable` or ValueError for anything else."""
    end = text.find(SEPARATOR)
    if end < 0:
        return json.loads(text, object_hook=_hook)
    long = _long_strings(text, end)
    return json.loads(text[:end], object_hook=lambda data: _hook(data, long))


def _has_long(data: Any) -> bool:
    """Whether any string in the encoded data is long (one quick pass before copying anything)."""
    kind = type(data)
    if kind is str:
        return len(data) >= LONG_STRING
    if kind is dict:
        return any(_has_long(item) for item in data.values())
    if kind is list:
        return any(_has_long(item) for item in data)
    return False


def _lift(data: Any, long: list[str]) -> Any:
    """The encoded data with each long string replaced by ``{"$l": its index in long}``."""
    kind = type(data)
    if kind is str and len(data) >= LONG_STRING:
        long.append(data)
        return {"$l": len(long) - 1}
    if kind is dict:
        return {key: _lift(item, long) for key, item in data.items()}
    if kind is list:
        return [_lift(item, long) for item in data]
    return data


def _long_strings(text: str, position: int) -> list[str]:
    found = []
    while position < len(text):
        if text[position] != SEPARATOR:
            raise ValueError("damaged row: no separator before a long string")
        colon = text.index(":", position + 1)
        size = int(text[position + 1:colon])
        if size < 0 or colon + 1 + size > len(text):
            raise ValueError("damaged row: a long string is cut short")
        found.append(text[colon + 1:colon + 1 + size])
        position = colon + 1 + size
    return found
