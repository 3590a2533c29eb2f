"""The README is the user's manual: it must name every setting, field and command the code has."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalk.cli import COMMANDS, make_parser
from chalk.config import OPTIONS
from chalk.content import KNOWN_FIELDS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [option.name for option in OPTIONS])
def test_every_site_yaml_key_is_documented(name: str) -> None:
    assert f"| `{name}` |" in README


@pytest.mark.parametrize("name", KNOWN_FIELDS)
def test_every_front_matter_field_is_documented(name: str) -> None:
    assert f"| `{name}` |" in README


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_with_an_example_in_its_help(command: str) -> None:
    assert f"`chalk {command}" in README
    subparsers = next(a for a in make_parser()._actions if a.dest == "command")
    assert "example" in subparsers.choices[command].format_help()
