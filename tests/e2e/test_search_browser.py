"""The search box in a real Chromium: highlighted excerpts, keyboard navigation, an accessible
name, a base path, headings weighing more than body text (search built by Pagefind).

Skipped without Pagefind or chromium unless ``CHALK_REQUIRE_SEARCH=1`` / ``CHALK_REQUIRE_BROWSER=1``
(CI sets both). The index itself is tested in tests/site/test_search.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support.browser import new_page, require_pagefind, SEED_URL, served_repo_site, StaticServer
from support.sites import build, post, write_files


@pytest.fixture
def pagefind() -> Path:
    return require_pagefind()



@pytest.fixture(scope="module")
def repo(tmp_path_factory, browser):
    require_pagefind()
    with served_repo_site(tmp_path_factory.mktemp("search-repo")) as served:
        yield served


def open_results(page, url: str, query: str) -> None:
    page.goto(url, wait_until="load")
    page.get_by_role("searchbox", name="Search this site").fill(query)
    page.locator(".site-search__link").first.wait_for(state="visible")


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_box_shows_highlighted_results_and_works_by_keyboard(repo, browser, scheme: str):
    server, _ = repo
    page = new_page(browser, 1280, 900, scheme)
    try:
        page.goto(server.url + SEED_URL, wait_until="load")
        box = page.get_by_role("searchbox", name="Search this site")
        assert box.is_visible()
        assert page.get_by_role("search").count() == 1
        # Tab reaches the box from the page top (skip link, site title, menu..., search box)
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "site-search-input":
                break
        else:
            pytest.fail("Tab never reached the search box")
        page.keyboard.type("diffusion")
        links = page.locator(".site-search__link")
        links.first.wait_for(state="visible")
        assert page.locator("#site-search-results").is_visible()
        marks = page.locator(".site-search__excerpt mark")
        assert marks.count() >= 1
        assert all("diffusion" in m.lower() for m in marks.all_inner_texts()), marks.all_inner_texts()
        status = page.locator("#site-search-status")
        assert re.fullmatch(r"\d+ results? for “diffusion”.*", status.inner_text()), status.inner_text()
        assert status.get_attribute("role") == "status"
        assert "Demystifying Generative AI" in links.first.inner_text()

        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.classList.contains('site-search__link')")
        first = page.evaluate("document.activeElement.href")
        if links.count() > 1:
            page.keyboard.press("ArrowDown")
            assert page.evaluate("document.activeElement.href") != first
            page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.href") == first
        page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.id") == "site-search-input"
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.id") == "site-search-input"
        assert page.locator("#site-search-results").is_hidden()

        page.keyboard.press("ArrowDown")  # reopens the list and enters it
        target = page.evaluate("document.activeElement.href")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == target
    finally:
        page.context.close()


@pytest.mark.browser
def test_enter_in_the_box_opens_the_first_result_and_no_results_is_said(repo, browser):
    server, _ = repo
    page = new_page(browser)
    try:
        open_results(page, server.url, "discriminator")
        first = page.locator(".site-search__link").first.get_attribute("href")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.split("#")[0] == (server.url.rstrip("/") + first).split("#")[0]

        box = page.get_by_role("searchbox", name="Search this site")
        box.fill("qwxzzyq")
        page.wait_for_function("document.querySelector('#site-search-status').textContent.startsWith('No results')")
        assert page.locator(".site-search__link").count() == 0
    finally:
        page.context.close()


@pytest.mark.browser
def test_headings_weigh_more_than_body_text_and_base_path_is_kept(pagefind, browser, tmp_path: Path):
    root = write_files(tmp_path / "site", {
        # "quasar" three times in body text here...
        "content/posts/body.md": post("Body mentions", "2024-05-02", body=(
            "A quasar is bright. Another quasar, far away. The third quasar in this text.\n")),
        # ...and once in a heading there
        "content/posts/heading.md": post("Heading mention", "2024-05-01", body=(
            "Some opening words.\n\n## The quasar\n\nAnd text about something else entirely.\n")),
    }, site_yaml="title: Weights\nbase_url: https://example.org/blog/\nsearch: true\n")
    out = tmp_path / "out"
    out.mkdir()
    with StaticServer(out, base_path="/blog/") as server:
        build(root, output=out, base_url=server.url, cache=False)
        page = new_page(browser)
        try:
            open_results(page, server.url, "quasar")
            titles = page.locator(".site-search__item > .site-search__link .site-search__title").all_inner_texts()
            assert titles[:2] == ["Heading mention", "Body mentions"], titles
            hrefs = page.locator(".site-search__item > .site-search__link").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))")
            assert hrefs and all(h.startswith("/blog/posts/") for h in hrefs), hrefs
        finally:
            page.context.close()


@pytest.mark.browser
def test_a_sharded_index_is_searched_whole(pagefind, browser, tmp_path: Path, monkeypatch):
    import chalk.search

    monkeypatch.setattr(chalk.search, "SHARD_PAGES", 2)  # 10 articles: 4 shards, merged by search.js
    root = write_files(tmp_path / "site", {
        f"content/posts/p{n}.md": post(f"Nebula article {n}", f"2024-04-{n + 1:02d}",
                                       body=f"The nebula seen from place {n}; its code word is vx{n}kq.\n")
        for n in range(10)
    }, site_yaml="title: Shards\nbase_url: https://example.org/blog/\nsearch: true\n")
    out = tmp_path / "out"
    out.mkdir()
    with StaticServer(out, base_path="/blog/") as server:
        files = build(root, output=out, base_url=server.url, cache=False).files
        assert len(json.loads(files["pagefind/chalk-shards.json"])["merge"]) == 3
        page = new_page(browser)
        try:
            open_results(page, server.url, "nebula")
            page.wait_for_function("document.querySelectorAll('.site-search__item').length >= 8")
            titles = page.locator(".site-search__item > .site-search__link .site-search__title").all_inner_texts()
            assert len(titles) == 8  # MAX_RESULTS of the 10, from every shard
            assert re.fullmatch(r"10 results? for “nebula”.*", page.locator("#site-search-status").inner_text())
            for n in (0, 7):  # a word only one article has, wherever its shard is
                page.get_by_role("searchbox", name="Search this site").fill(f"vx{n}kq")
                page.wait_for_function("n => [...document.querySelectorAll('.site-search__title')]"
                                       ".some(t => t.textContent.includes('article ' + n))", arg=n)
            hrefs = page.locator(".site-search__item > .site-search__link").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))")
            assert hrefs and all(h.startswith("/blog/posts/") for h in hrefs), hrefs
        finally:
            page.context.close()


@pytest.mark.browser
def test_a_missing_shard_list_says_search_is_unavailable_not_fewer_results(pagefind, browser, tmp_path: Path,
                                                                          monkeypatch):
    import chalk.search

    monkeypatch.setattr(chalk.search, "SHARD_PAGES", 2)
    root = write_files(tmp_path / "site", {
        f"content/posts/p{n}.md": post(f"Nebula article {n}", f"2024-04-{n + 1:02d}", body=f"The nebula {n}.\n")
        for n in range(10)
    }, site_yaml="title: Shards\nbase_url: https://example.org/blog/\nsearch: true\n")
    out = tmp_path / "out"
    out.mkdir()
    with StaticServer(out, base_path="/blog/") as server:
        build(root, output=out, base_url=server.url, cache=False)
        (out / "pagefind/chalk-shards.json").unlink()  # a deployment that lost it
        page = new_page(browser)
        try:
            page.goto(server.url, wait_until="load")
            page.get_by_role("searchbox", name="Search this site").fill("nebula")
            page.wait_for_function("document.querySelector('#site-search-status').textContent.length > 0")
            assert page.locator("#site-search-status").inner_text() == "Search is not available right now."
            assert page.locator(".site-search__item").count() == 0
        finally:
            page.context.close()
