"""Pages rendered in forked children are the very bytes one process renders (``-j 2`` = ``-j 1``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import chalk.render.pages
from support.sites import all_files, build, post, write_files

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="needs the fork start method")


def many_posts(root: Path, count: int = 160) -> Path:
    files = {f"content/posts/p{n:03d}.md": post(f"Post {n}", f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                                                body=f"Post {n} says *this* about `{n}` and [the first](/posts/p000/).\n",
                                                tags=[f"tag{n % 7}", f"group{n % 3}"])
             for n in range(count)}
    return write_files(root, files, site_yaml="title: Many\nbase_url: https://example.org/\n")


def test_pages_rendered_in_forks_equal_one_process(tmp_path: Path, monkeypatch):
    site = many_posts(tmp_path / "site")
    shared: list[int] = []
    real = chalk.render.pages.in_forks

    def spy(work, items, jobs):  # type: ignore[no-untyped-def]
        shared.append(len(items))
        return real(work, items, jobs)

    monkeypatch.setattr(chalk.render.pages, "in_forks", spy)
    monkeypatch.setattr(chalk.render.pages, "forking_possible", lambda: True)  # pytest may run other threads
    build(site, jobs=2, output=tmp_path / "two", cache=False)
    assert shared and shared[0] > 160, "the pages were not shared out"
    build(site, jobs=1, output=tmp_path / "one", cache=False)
    assert len(shared) == 1
    two, one = all_files(tmp_path / "two"), all_files(tmp_path / "one")
    assert two == one and len(two) > 160
    assert all((tmp_path / "two" / rel).read_bytes() == (tmp_path / "one" / rel).read_bytes() for rel in one)
