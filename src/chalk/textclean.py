"""Characters that no XML or HTML output may hold, removed with a warning naming where they were.

XML 1.0 forbids the C0 control characters other than tab, line feed and carriage
return (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F) and the non-characters
U+FFFE and U+FFFF; in HTML they are parse errors. One such character in a post
would make ``feed.xml`` unreadable for every feed reader, so chalk removes them
from sources (raw, or written as YAML escapes like ``"\\x01"``) and, as a last
net, from every generated HTML and XML file.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from .errors import Diagnostics, warning
from .yamlsource import YamlMapping

INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
INVALID_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
MOST_LINES = 5  # lines named one by one per file; the rest are counted
HINT = "they are not allowed in HTML or XML (feeds); delete them from the file"


def _name(char: str) -> str:
    return f"U+{ord(char):04X}"


def clean_text(text: str, rel: str, diagnostics: Diagnostics, first_line: int = 1) -> str:
    """``text`` without invalid characters; one warning per line that held some (``rel:line``)."""
    if not INVALID.search(text):
        return text
    lines = text.split("\n")
    dirty = [index for index, line in enumerate(lines) if INVALID.search(line)]
    for index in dirty[:MOST_LINES]:
        found = sorted({_name(ch) for ch in INVALID.findall(lines[index])})
        diagnostics.add(warning(f"removed control character{'s' * (len(found) > 1)} {', '.join(found)}",
                                rel, first_line + index, hint=HINT))
    if len(dirty) > MOST_LINES:
        diagnostics.add(warning(f"removed control characters on {len(dirty) - MOST_LINES} more lines", rel,
                                first_line + dirty[MOST_LINES], hint=HINT))
    return INVALID.sub("", text)


def clean_value(value: Any) -> tuple[Any, set[str]]:
    """A YAML value with every string cleaned, and the characters removed."""
    if isinstance(value, str):
        return INVALID.sub("", value), {_name(ch) for ch in INVALID.findall(value)}
    if isinstance(value, list):
        pairs = [clean_value(item) for item in value]
        return [item for item, _ in pairs], set().union(*(found for _, found in pairs))
    if isinstance(value, dict):
        cleaned, removed = {}, set()
        for key, item in value.items():
            new_key, key_found = clean_value(key)
            cleaned[new_key], item_found = clean_value(item)
            removed |= key_found | item_found
        return cleaned, removed
    return value, set()


def clean_mapping(mapping: YamlMapping, rel: str, diagnostics: Diagnostics) -> YamlMapping:
    """The mapping with invalid characters removed from its strings (written as escapes like "\\x01")."""
    data = dict(mapping.data)
    changed = False
    for key, value in mapping.data.items():
        cleaned, removed = clean_value(value)
        if removed:
            data[key], changed = cleaned, True
            diagnostics.add(warning(f"{key}: removed control character{'s' * (len(removed) > 1)} "
                                    f"{', '.join(sorted(removed))}", rel, mapping.line_of(key), hint=HINT))
    return dataclasses.replace(mapping, data=data) if changed else mapping


_CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")


def clean_output(rel: str, data: bytes, diagnostics: Diagnostics) -> bytes:
    """A generated HTML/XML file without invalid characters (they came from a template or site.yaml)."""
    if len(data.translate(None, _CONTROL_BYTES)) == len(data) and b"\xef\xbf\xbe" not in data \
            and b"\xef\xbf\xbf" not in data:  # the common case, checked without a regex (a page is ~60 kB)
        return data
    diagnostics.add(warning(f"removed {len(INVALID_BYTES.findall(data))} control characters from the output",
                            rel, hint="they came from site.yaml, a template or glossary.yaml; " + HINT))
    return INVALID_BYTES.sub(b"", data)
