"""Where chalk's built-in theme (templates/ and static/) lives."""

from __future__ import annotations

from pathlib import Path


def builtin_theme_dir() -> Path:
    """In an installed wheel the theme is package data under ``chalk/theme``; in a source
    checkout it is the repository's own ``templates/`` and ``static/``, kept once."""
    packaged = Path(__file__).parent / "theme"
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]
