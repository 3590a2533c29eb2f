"""Bad input through the real CLI: exit code 1, ``path:line: field: expected ...`` on stderr,
and a previously built public/ left exactly as it was (bytes and mtimes)."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.run import run_chalk
from support.sites import build, post, snapshot_tree, write_files

DATE_EXPECTED = "expected a date like 2024-05-14 or 2024-05-14T09:30:00+02:00"

GOOD = {
    "content/posts/x.md": post("X", "2024-05-14", "Intro.\n\n## One\n\nText.\n\n## Two\n\nText.\n", tags=["a"]),
    "content/posts/y.md": post("Y", "2024-05-15", "Another post.\n"),
    "content/about.md": "---\ntitle: About\n---\nAbout us.\n",
}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """A good site, built once (in-process); tests copy it, mtimes included."""
    root = write_files(tmp_path_factory.mktemp("good") / "site", GOOD)
    build(root)
    return root


@pytest.fixture
def site(good_site, tmp_path) -> Path:
    """A fresh copy of the built good site (copytree keeps the files' mtimes)."""
    copy = tmp_path / "site"
    shutil.copytree(good_site, copy, symlinks=True)
    return copy


def fm(*lines: str, body: str = "Text.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


SLOT = "```diagram\n{}\n```\n"

# (id, files to write over the good site, substrings stderr must contain)
CASES = [
    ("no-closing-fence", {"content/posts/x.md": "---\ntitle: X\ndate: 2024-05-14\n\nText.\n"},
     ["content/posts/x.md:1: front matter: the '---' on line 1 is never closed"]),
    ("no-front-matter", {"content/posts/x.md": "Just some text.\n"},
     ["content/posts/x.md:1: front matter: expected a '---' line at the top of the file"]),
    ("yaml-syntax-error", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "summary: a: b")},
     ["content/posts/x.md:4: front matter: invalid YAML: mapping values are not allowed"]),
    ("yaml-unclosed-quote", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "tags: [a, b", "author: Z")},
     ["content/posts/x.md:", "front matter: invalid YAML"]),
    ("missing-title", {"content/posts/x.md": fm("date: 2024-05-14")},
     ["content/posts/x.md:2: title: required, expected text"]),
    ("missing-date", {"content/posts/x.md": fm("title: X")},
     [f"content/posts/x.md:2: date: required for posts, {DATE_EXPECTED}"]),
    ("bad-date", {"content/posts/x.md": fm("title: X", "date: yesterday")},
     [f"content/posts/x.md:3: date: {DATE_EXPECTED}, got 'yesterday'"]),
    ("bad-updated", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "updated: 2024-13-45")},
     [f"content/posts/x.md:4: updated: {DATE_EXPECTED}, got '2024-13-45'"]),
    ("tags-mapping", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "tags: {gan: 1}")},
     ["content/posts/x.md:4: tags: expected a list of tags like [gan, vae], got {'gan': 1}"]),
    ("draft-yes", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", 'draft: "yes"')},
     ["content/posts/x.md:4: draft: expected true or false, got 'yes'"]),
    ("toc-number", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "toc: 3")},
     ["content/posts/x.md:4: toc: expected true or false, got 3"]),
    ("bad-slug", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "slug: '../..'")},
     ["content/posts/x.md:4: slug: expected a single URL segment like my-article, got '../..'"]),
    ("non-utf8", {"content/posts/x.md": b"---\ntitle: caf\xe9\ndate: 2024-05-14\n---\nText.\n"},
     ["content/posts/x.md:2: not UTF-8 text: undecodable byte at offset 14"]),
    ("slot-without-id", {"content/posts/x.md": fm("title: X", "date: 2024-05-14",
                                                  body="Text.\n\n" + SLOT.format("caption: C\nalt: A thing."))},
     ["content/posts/x.md:7: diagram: id: expected a name like gan-architecture, got nothing"]),
    ("slot-without-alt", {"content/posts/x.md": fm("title: X", "date: 2024-05-14",
                                                   body="Text.\n\n" + SLOT.format("id: d1\ncaption: C"))},
     ["content/posts/x.md:7: diagram: alt: expected a sentence describing what the diagram shows"]),
    ("duplicate-diagram-id", {"content/posts/x.md": fm(
        "title: X", "date: 2024-05-14",
        body="Text.\n\n" + SLOT.format("id: d1\nalt: A.") + "\nMore.\n\n" + SLOT.format("id: d1\nalt: B."))},
     ["content/posts/x.md:14: diagram: id 'd1' is used twice in this article"]),
    ("unclosed-code-fence", {"content/posts/x.md": fm("title: X", "date: 2024-05-14",
                                                      body="Text.\n\n```python\nprint(1)\n")},
     ["content/posts/x.md:7: code block: this ``` fence is never closed"]),
    ("same-slug", {"content/posts/z.md": fm("title: Z", "date: 2024-05-16", "slug: x")},
     ["content/posts/x.md", "content/posts/z.md", "both want the URL /blog/posts/x/"]),
    ("template-syntax-error", {"templates/post.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                      "{% if %}\n{% endblock %}\n"},
     ["templates/post.html:3: template: Expected an expression"]),
    ("template-undefined", {"templates/post.html": "{% extends 'base.html' %}\n{% block content %}\n<p>\n"
                                                   "{{ page.nonexistent_thing }}\n</p>\n{% endblock %}\n"},
     ["templates/post.html:4: template: UndefinedError:", "nonexistent_thing"]),
    ("template-missing-include", {"templates/post.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                         "{% include 'partials/nope.html' %}\n{% endblock %}\n"},
     ["templates/post.html:3: template: partials/nope.html not found"]),
    ("unknown-template", {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "template: fancy.html")},
     ["content/posts/x.md:4: template: fancy.html not found in templates/"]),
    ("site-yaml-missing-title", {"site.yaml": "base_url: https://example.org/blog/\n"},
     ["site.yaml:1: title: required, expected text"]),
    ("site-yaml-bad-base-url", {"site.yaml": "title: T\nbase_url: example.org/blog\n"},
     ["site.yaml:2: base_url: expected an absolute http(s) URL like https://example.org/blog/, "
      "got 'example.org/blog'"]),
    ("site-yaml-bad-yaml", {"site.yaml": "title: T\nbase_url: https://example.org/blog/\nmenu: [\n"},
     ["site.yaml:", "invalid YAML"]),
    ("site-yaml-bad-type", {"site.yaml": "title: T\nbase_url: https://example.org/blog/\nposts_per_page: many\n"},
     ["site.yaml:3: posts_per_page: expected a whole number, got 'many'"]),
]


@dataclass
class CaseRun:
    """One bad-input case, run through the CLI: public/ before and after, and what chalk said."""

    before: dict[str, tuple[bytes, int]]
    after: dict[str, tuple[bytes, int]]
    code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def case_runs(good_site, tmp_path_factory) -> dict[str, CaseRun]:
    """Every case in CASES, each in its own copy of the good site, run concurrently (one per CPU core)."""
    base = tmp_path_factory.mktemp("cases")

    def run(case: tuple[str, dict, list[str]]) -> tuple[str, CaseRun]:
        name, files, _ = case
        copy = base / name
        shutil.copytree(good_site, copy, symlinks=True)
        before = snapshot_tree(copy / "public")
        write_files(copy, files, site_yaml=None)
        code, stdout, stderr = run_chalk("build", cwd=copy)
        return name, CaseRun(before, snapshot_tree(copy / "public"), code, stdout, stderr)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        return dict(pool.map(run, CASES))


@pytest.mark.parametrize("name, expected", [pytest.param(i, e, id=i) for i, _, e in CASES])
def test_bad_input_fails_with_location_and_leaves_public_untouched(case_runs, name, expected):
    run = case_runs[name]
    assert "index.html" in run.before and "posts/x/index.html" in run.before
    assert run.code == 1, (run.stdout, run.stderr)
    for text in expected:
        assert text in run.stderr, f"{text!r} not in stderr:\n{run.stderr}"
    assert "Traceback" not in run.stderr
    assert "nothing was written" in run.stderr
    assert run.after == run.before  # byte for byte, mtimes included


def test_there_are_enough_bad_input_cases():
    assert len(CASES) >= 15
    assert len({name for name, _, _ in CASES}) == len(CASES)


def test_every_error_line_starts_with_a_location(site):
    write_files(site, {"content/posts/x.md": fm("title: X", "date: yesterday")}, site_yaml=None)
    code, _, stderr = run_chalk("build", cwd=site)
    assert code == 1
    lines = stderr.strip().splitlines()
    assert lines[-1] == "Build failed: 1 error; nothing was written."
    assert lines[:-1] == [f"content/posts/x.md:3: date: {DATE_EXPECTED}, got 'yesterday'"]


def test_errors_in_several_files_are_all_reported_in_one_run(site):
    before = snapshot_tree(site / "public")
    write_files(site, {
        "content/posts/x.md": fm("title: X", "date: yesterday"),
        "content/posts/y.md": fm("date: 2024-05-14"),
        "content/about.md": "No front matter here.\n",
        "content/posts/w.md": fm("title: W", "date: 2024-05-14", "draft: maybe"),
        "content/posts/v.md": fm("title: V", "date: 2024-05-14", body="```python\nunclosed\n"),
    }, site_yaml=None)
    code, _, stderr = run_chalk("build", cwd=site)
    assert code == 1
    for expected in (
        "content/posts/x.md:3: date:",
        "content/posts/y.md:2: title: required",
        "content/about.md:1: front matter:",
        "content/posts/w.md:4: draft: expected true or false",
        "content/posts/v.md:5: code block:",
    ):
        assert expected in stderr, stderr
    assert "Build failed: 5 errors; nothing was written." in stderr
    assert snapshot_tree(site / "public") == before


def test_warnings_do_not_fail_the_build(site):
    write_files(site, {"content/posts/x.md": fm("title: X", "date: 2024-05-14", "mood: fine",
                                                body="```klingon\nQapla'\n```\n")}, site_yaml=None)
    code, stdout, stderr = run_chalk("build", cwd=site)
    assert code == 0, stderr
    assert "content/posts/x.md:4: warning: unknown front matter field 'mood'" in stderr
    assert "content/posts/x.md:6: warning: code block: unknown language 'klingon'" in stderr
    assert "2 warnings" in stdout
    code, _, stderr = run_chalk("build", "--strict", cwd=site)
    assert code == 1 and "content/posts/x.md:4:" in stderr


def test_crlf_and_bom_files_build_like_unix_ones(make_site):
    unix = {
        "site.yaml": "title: T\nbase_url: https://example.org/blog/\n",
        "content/posts/x.md": "---\ntitle: Über X\ndate: 2024-05-14\ntags: [a]\n---\nIntro.\n\n## One\n\n"
                              "```python\nx = 1\n```\n\n## Two\n\nText.\n",
        "content/about.md": "---\ntitle: About\n---\nAbout.\n",
    }
    windows = {rel: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode() for rel, text in unix.items()}
    a, b = make_site(unix, site_yaml=None), make_site(windows, site_yaml=None)
    code, stdout, stderr = run_chalk("build", cwd=b)
    assert code == 0, stderr
    assert "0 warnings" in stdout
    build(a)
    pages = ["posts/x/index.html", "about/index.html", "index.html", "feed.xml", "tags/a/index.html"]
    for rel in pages:
        assert (b / "public" / rel).read_bytes() == (a / "public" / rel).read_bytes(), rel
    assert "\r" not in (b / "public/posts/x/index.html").read_text()


def test_bad_date_in_crlf_file_names_the_right_line(make_site):
    root = make_site({"content/posts/x.md": b"---\r\ntitle: X\r\ndate: yesterday\r\n---\r\nText.\r\n"})
    code, _, stderr = run_chalk("build", cwd=root)
    assert code == 1
    assert f"content/posts/x.md:3: date: {DATE_EXPECTED}, got 'yesterday'" in stderr


def test_no_site_yaml_is_a_clear_error(tmp_path):
    code, _, stderr = run_chalk("build", cwd=tmp_path)
    assert code == 1
    assert "site.yaml: no site.yaml here" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "public").exists()


def test_unsafe_output_is_refused_without_traceback(site):
    before = snapshot_tree(site / "content")
    code, _, stderr = run_chalk("build", "--output", ".", cwd=site)
    assert code == 1
    assert stderr.startswith("chalk: refusing to write")
    assert "Traceback" not in stderr
    assert snapshot_tree(site / "content") == before
