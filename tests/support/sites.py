"""Writing whole mini-sites inline (Hugo-testscript style) and building them in-process.

* :func:`write_files` — write ``{relative path: text}`` or a txtar string into a folder;
* :func:`post` / :func:`page` / :func:`front_matter` — the text of a content file;
* :func:`build` / :func:`build_errors` — build through ``chalk.pipeline.build``;
* :func:`copy_repo_site` — a copy of this repository's own site;
* :func:`snapshot_tree` / :func:`all_files` — what a folder holds, to compare.

Tests never write into the repository: every site lives in ``tmp_path``.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any, Mapping

import pytest

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"

#: The site.yaml every mini-site gets unless the files given include one.
DEFAULT_SITE_YAML = "title: Test site\nbase_url: https://example.org/blog/\n"
BASE_URL = "https://example.org/blog/"
BASE_PATH = "/blog/"


# a glossary.yaml with aliases, a term that prefixes another (diffusion / diffusion model) and an acronym
GLOSSARY_YAML = """\
latent space: The space of codes.
KL divergence:
  definition: How far one distribution is from another.
  aliases: [Kullback-Leibler divergence, KL]
diffusion: Spreading out.
diffusion model:
  definition: A model that undoes noise.
  aliases: diffusion models
encoder: Compresses data.
"""


def parse_txtar(text: str) -> dict[str, str]:
    """Split a txtar-style string into files: ``-- path --`` lines start each file.

    >>> parse_txtar("-- a.md --\\nhello\\n-- b/c.md --\\nbye\\n")
    {'a.md': 'hello\\n', 'b/c.md': 'bye\\n'}
    """
    files: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("-- ") and stripped.endswith(" --") and len(stripped) > 6:
            if current is not None:
                files[current] = "".join(lines)
            current, lines = stripped[3:-3].strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        files[current] = "".join(lines)
    return files


def write_files(root: Path, files: Mapping[str, str | bytes] | str | None = None,
                site_yaml: str | None = DEFAULT_SITE_YAML) -> Path:
    """Write a mini-site into ``root`` and return ``root``.

    ``files`` maps paths relative to ``root`` to their text (written as UTF-8
    exactly as given, no dedent, so line numbers in assertions are what you see)
    or bytes (written verbatim: CRLF, BOMs, invalid UTF-8...). It may also be a
    txtar string (``-- content/posts/x.md --`` headers). A ``site.yaml`` is added
    from ``site_yaml`` unless ``files`` has one; pass ``site_yaml=None`` for none.
    """
    if isinstance(files, str):
        files = parse_txtar(files)
    files = dict(files or {})
    if site_yaml is not None and "site.yaml" not in files:
        files["site.yaml"] = site_yaml
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_bytes(data.encode("utf-8"))
    return root


def front_matter(**fields: Any) -> str:
    """A ``---`` block with one ``key: value`` line per field, in the order given (values as YAML/JSON)."""
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, str):
            shown = json.dumps(value, ensure_ascii=False)
        else:
            shown = json.dumps(value, ensure_ascii=False, default=str)
        lines.append(f"{key}: {shown}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def post(title: str = "A post", date: str = "2024-05-14", body: str = "Some text.\n", **fields: Any) -> str:
    """The text of a post file: front matter (title, date, then ``fields``) and ``body``."""
    return front_matter(title=title, date=date, **fields) + "\n" + textwrap.dedent(body)


def page(title: str = "A page", body: str = "Some text.\n", **fields: Any) -> str:
    """The text of a plain page file (no date)."""
    return front_matter(title=title, **fields) + "\n" + textwrap.dedent(body)


def build(root: Path, **options: Any):
    """Build ``root`` in-process with ``chalk.pipeline.build``; ``options`` are BuildOptions fields.

    Returns the BuildResult; raises ``chalk.errors.BuildError`` on errors.
    """
    from chalk.pipeline import BuildOptions, build as pipeline_build

    return pipeline_build(root, BuildOptions(**options))


def build_errors(root: Path, **options: Any) -> list[str]:
    """Build ``root`` in-process expecting failure; returns the formatted error lines."""
    from chalk.errors import BuildError

    with pytest.raises(BuildError) as info:
        build(root, **options)
    return [d.format() for d in info.value.errors]


def snapshot_tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: relative path -> (bytes, mtime_ns). Compare two snapshots with ==."""
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(root.rglob("*")) if path.is_file()}


def all_files(root: Path) -> list[str]:
    """Relative POSIX paths of every file under ``root``, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())



SITE_PARTS = ("site.yaml", "content", "templates", "static", "_freeze")


def copy_repo_site(target: Path) -> Path:
    """Copy this repository's site (site.yaml, content/, templates/, static/, build.py) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in (*SITE_PARTS, "build.py"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target
