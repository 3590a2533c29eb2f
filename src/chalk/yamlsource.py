"""YAML with line numbers: parse a mapping and remember where each key stands.

Used for both ``site.yaml`` and front matter, so every error can name the line
of the field it is about. PyYAML's C loader is used when it is available.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BaseLoader):
    """Safe loader that keeps dates as text, so chalk can report bad ones with their line."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


@dataclass(frozen=True)
class YamlMapping:
    """A parsed YAML mapping plus the 1-based line of each key: top-level keys by name, keys of
    nested mappings by their dotted path (``deploy.branch``, ``series.gans.title``)."""

    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 1

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.first_line)


def _key_lines(node: yaml.MappingNode, first_line: int, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        name = prefix + str(key.value)
        lines.setdefault(name, first_line + key.start_mark.line)
        if isinstance(value, yaml.MappingNode):
            for nested, line in _key_lines(value, first_line, name + ".").items():
                lines.setdefault(nested, line)
    return lines


class YamlProblem(ValueError):
    """The text is not valid YAML, or not a mapping; ``line`` is 1-based."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


def parse_mapping(text: str, first_line: int = 1) -> YamlMapping:
    """Parse ``text`` as a YAML mapping whose first line is ``first_line`` of its file."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlMapping({}, {}, first_line)
        if not isinstance(node, yaml.MappingNode):
            raise YamlProblem(
                f"expected 'key: value' lines, got a YAML {_kind(node)}",
                first_line + node.start_mark.line,
            )
        lines = _key_lines(node, first_line)
        data = loader.construct_document(node)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise YamlProblem(f"invalid YAML: {exc.problem or exc.context}", line) from None
    except (yaml.YAMLError, TypeError, ValueError) as exc:
        raise YamlProblem(f"invalid YAML: {exc}", first_line) from None
    finally:
        loader.dispose()
    return YamlMapping({str(k): v for k, v in data.items()}, lines, first_line)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value"
