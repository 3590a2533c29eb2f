"""Fixtures shared by every tier (helpers live in tests/support/); each test is marked by its folder.

Tiers: ``tests/unit`` (pure, in-memory, seconds), ``tests/site`` (whole sites built in ``tmp_path``),
``tests/e2e`` (the CLI in a subprocess, the preview server, Chromium, git, nginx). Run the fast
tier alone with ``pytest tests/unit``, or select by marker: ``pytest -m "not e2e"``.
"""

from __future__ import annotations

from pathlib import Path
import os
from typing import Any, Mapping

import pytest

from support.serving import ServeProcess
from support.sites import DEFAULT_SITE_YAML, copy_repo_site, write_files

TIERS = ("unit", "site", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier, from the folder it lives in (tests/unit/... -> ``unit``)."""
    tests = Path(__file__).parent
    for item in items:
        try:
            tier = item.path.relative_to(tests).parts[0]
        except ValueError:
            continue
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def make_site(tmp_path: Path):
    """Factory fixture: ``make_site({path: text}, name="site", site_yaml=...) -> Path``.

    Each call writes a new site folder under ``tmp_path`` (``site``, ``site-2``...
    unless ``name`` is given) with :func:`write_files` and returns it.
    """
    count = 0

    def factory(files: Mapping[str, str | bytes] | str | None = None, name: str | None = None,
                site_yaml: str | None = DEFAULT_SITE_YAML) -> Path:
        nonlocal count
        count += 1
        folder = tmp_path / (name or ("site" if count == 1 else f"site-{count}"))
        return write_files(folder, files, site_yaml)

    return factory


@pytest.fixture
def repo_site(tmp_path: Path) -> Path:
    """A copy of this repository's own site in ``tmp_path/repo-site`` (the real public/ is never touched)."""
    return copy_repo_site(tmp_path / "repo-site")


@pytest.fixture
def chalk_serve():
    """Factory fixture: ``chalk_serve(site, *args, port=None) -> ServeProcess`` already serving; killed at the end."""
    started: list[ServeProcess] = []

    def start(site: Path, *args: str | os.PathLike, port: int | None = None) -> ServeProcess:
        server = ServeProcess(site, *args, port=port)
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        server.kill()


@pytest.fixture(scope="module")
def renderer() -> Any:
    """One MarkdownRenderer per test module (building one costs milliseconds)."""
    from chalk.markdown import MarkdownRenderer

    return MarkdownRenderer()




@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for one test module: skipped without one, a failure under CHALK_REQUIRE_BROWSER=1."""
    from support.browser import launch_chromium

    with launch_chromium() as launched:
        yield launched
