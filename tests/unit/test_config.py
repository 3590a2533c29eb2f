"""Stage 1: site.yaml -> Config, with every problem reported as site.yaml:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalk.config import OPTIONS, Config, load_config, with_base_url
from chalk.errors import Diagnostics
from chalk.sections import Deploy


def load(tmp_path: Path, text: str | bytes) -> tuple[Config | None, Diagnostics]:
    path = tmp_path / "site.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    diagnostics = Diagnostics()
    return load_config(tmp_path, diagnostics), diagnostics


def messages(diagnostics: Diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.items]


def test_minimal_config_has_documented_defaults(tmp_path):
    config, diagnostics = load(tmp_path, "title: My blog\nbase_url: https://example.org/blog\n")
    assert diagnostics.items == []
    assert config is not None
    assert config.title == "My blog"
    assert config.base_url == "https://example.org/blog/"  # a trailing slash is added
    assert config.base_path == "/blog/"
    assert (config.language, config.timezone, config.posts_per_page, config.output_dir) == ("en", "UTC", 10, "public")
    assert config.root == tmp_path.resolve()
    assert config.output_path == (tmp_path / "public").resolve()
    assert config.content_dir == tmp_path.resolve() / "content"
    assert config.menu == ()


def test_root_base_url_has_slash_base_path(tmp_path):
    config, _ = load(tmp_path, "title: T\nbase_url: https://example.org\n")
    assert config.base_url == "https://example.org/"
    assert config.base_path == "/"


def test_menu_urls_get_the_base_path_but_external_ones_do_not(tmp_path):
    config, diagnostics = load(tmp_path, (
        "title: T\nbase_url: https://example.org/blog/\nmenu:\n"
        "  - {title: About, url: /about/}\n  - {title: Talks, url: talks/}\n"
        "  - {title: GitHub, url: 'https://github.com/x'}\n"))
    assert not diagnostics.errors
    assert [(m.title, m.url) for m in config.menu] == [
        ("About", "/blog/about/"), ("Talks", "/blog/talks/"), ("GitHub", "https://github.com/x")]


def test_all_options_are_accepted(tmp_path):
    config, diagnostics = load(tmp_path, """\
title: T
base_url: https://example.org/
description: D
author: A
language: de
timezone: Europe/Berlin
posts_per_page: 3
output_dir: out
params: {date_format: "%d.%m.%Y"}
pygments_style: monokai
pygments_style_dark: github-dark
deploy: {branch: gh-pages}
""")
    assert messages(diagnostics) == []
    assert config.language == "de" and config.tz.key == "Europe/Berlin" and config.posts_per_page == 3
    assert config.output_path == (tmp_path / "out").resolve()
    assert config.params == {"date_format": "%d.%m.%Y"}
    assert config.deploy == Deploy(branch="gh-pages")


def test_every_option_is_documented():
    for option in OPTIONS:
        assert option.doc.strip(), option.name
    assert {o.name for o in OPTIONS if o.required} == {"title", "base_url"}


def test_unknown_key_is_a_warning_with_its_line(tmp_path):
    config, diagnostics = load(tmp_path, "title: T\nbase_url: https://example.org/\ncolour: blue\n")
    assert config is not None
    assert not diagnostics.errors
    [warning] = diagnostics.warnings
    assert warning.format().startswith("site.yaml:3: warning: unknown key 'colour'")


@pytest.mark.parametrize("text, expected", [
    ("base_url: https://example.org/\n", "site.yaml:1: title: required, expected text"),
    ("title: T\n", "site.yaml:1: base_url: required"),
    ("title: T\nbase_url: example.org\n",
     "site.yaml:2: base_url: expected an absolute http(s) URL like https://example.org/blog/, got 'example.org'"),
    ("title: T\nbase_url: ftp://example.org/\n", "site.yaml:2: base_url: expected an absolute http(s) URL"),
    ("title: [a, b]\nbase_url: https://example.org/\n", "site.yaml:1: title: expected text, got ['a', 'b']"),
    ("title: T\nbase_url: https://example.org/\nposts_per_page: ten\n",
     "site.yaml:3: posts_per_page: expected a whole number, got 'ten'"),
    ("title: T\nbase_url: https://example.org/\nposts_per_page: 0\n",
     "site.yaml:3: posts_per_page: expected a whole number of at least 1, got 0"),
    ("title: T\nbase_url: https://example.org/\nposts_per_page: true\n",
     "site.yaml:3: posts_per_page: expected a whole number, got True"),
    ("title: T\nbase_url: https://example.org/\ntimezone: Mars/Olympus\n",
     "site.yaml:3: timezone: expected a time zone name like UTC or Europe/Berlin, got 'Mars/Olympus'"),
    ("title: T\nbase_url: https://example.org/\npygments_style: nope\n",
     "site.yaml:3: pygments_style: expected a Pygments style name"),
    ("title: T\nbase_url: https://example.org/\nmenu: [about]\n",
     "site.yaml:3: menu: expected a list of entries like {title: About, url: /about/}"),
    ("title: T\nbase_url: https://example.org/\nmenu: about\n", "site.yaml:3: menu: expected a list, got 'about'"),
    ("title: T\nbase_url: https://example.org/\nparams: [1]\n", "site.yaml:3: params: expected a mapping"),
    ("title: T\nbase_url: https://example.org/\noutput_dir: ' '\n", "site.yaml:3: output_dir: expected a folder name"),
    ("title: T\nbase_url: [https://example.org/\n", "site.yaml:3: invalid YAML:"),
    ("title: T\n  base_url: x: y\n", "site.yaml:2: invalid YAML:"),
    ("- title\n- base_url\n", "site.yaml:1: expected 'key: value' lines, got a YAML list"),
])
def test_bad_config_is_reported_with_line_and_expectation(tmp_path, text, expected):
    config, diagnostics = load(tmp_path, text)
    assert config is None
    assert any(line.startswith(expected) for line in messages(diagnostics)), messages(diagnostics)


def test_several_config_errors_are_all_reported(tmp_path):
    config, diagnostics = load(tmp_path, "base_url: nope\ntimezone: Nowhere/Atall\nposts_per_page: -1\n")
    assert config is None
    found = " | ".join(messages(diagnostics))
    for field in ("title:", "base_url:", "timezone:", "posts_per_page:"):
        assert field in found


def test_missing_site_yaml(tmp_path):
    diagnostics = Diagnostics()
    assert load_config(tmp_path, diagnostics) is None
    assert messages(diagnostics)[0].startswith("site.yaml: no site.yaml here")


def test_non_utf8_site_yaml(tmp_path):
    config, diagnostics = load(tmp_path, b"title: caf\xe9\nbase_url: https://example.org/\n")
    assert config is None
    assert "not UTF-8" in messages(diagnostics)[0]
    assert messages(diagnostics)[0].startswith("site.yaml:")


def test_bom_and_crlf_site_yaml(tmp_path):
    config, diagnostics = load(tmp_path, b"\xef\xbb\xbftitle: T\r\nbase_url: https://example.org/x/\r\n")
    assert diagnostics.items == []
    assert config.title == "T" and config.base_path == "/x/"


def test_dates_in_yaml_are_not_special(tmp_path):
    # a title that looks like a date stays text
    config, diagnostics = load(tmp_path, "title: 2024-05-14\nbase_url: https://example.org/\n")
    assert config is not None and config.title == "2024-05-14"


def test_with_base_url_moves_menu_urls(tmp_path):
    config, _ = load(tmp_path, "title: T\nbase_url: https://example.org/blog/\nmenu: [{title: A, url: /about/}]\n")
    local = with_base_url(config, "http://127.0.0.1:8000")
    assert local.base_url == "http://127.0.0.1:8000/"
    assert local.base_path == "/"
    assert local.menu[0].url == "/about/"
