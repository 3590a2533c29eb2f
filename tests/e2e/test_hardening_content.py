"""Issue 16, items 1-4 and 6: nothing under content/ is lost or published without a word.

Unreadable files and folders are errors naming them (checked with real permissions: the
build runs without the capabilities that let root read anything); control characters
never reach HTML or XML; symbolic links out of the site are skipped with a warning;
a slug is one URL segment; OS errors are ``path: message`` lines, never tracebacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support.html import parse_html, text_of
from support.run import chalk_env
from support.sites import REPO, build, build_errors, post, write_files


def run_unprivileged(*args: str, cwd: Path) -> tuple[int, str, str]:
    """``chalk ARGS`` without the power to read files whatever their permissions say.

    As root, the capabilities are dropped (``setpriv``), so mode 000 means what it says.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            reason = "setpriv (util-linux) is needed to drop root's capabilities"
            if os.environ.get("CHALK_REQUIRE_FAULTS") == "1":
                pytest.fail(f"{reason} (CHALK_REQUIRE_FAULTS=1, so this is required)")
            pytest.skip(reason)
        prefix = [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--"]
    proc = subprocess.run([*prefix, sys.executable, "-m", "chalk", *args], cwd=cwd, env=chalk_env(),
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def site_with_posts(root: Path) -> Path:
    return write_files(root, {
        "content/posts/one.md": post("One"),
        "content/posts/deep/two.md": post("Two"),
        "content/about.md": "---\ntitle: About\n---\nHi\n",
    })


# --------------------------------------------------------------------------- 1. unreadable files and folders

def test_unreadable_content_folder_is_an_error_naming_it(tmp_path):
    root = site_with_posts(tmp_path / "site")
    folder = root / "content" / "posts" / "deep"
    folder.chmod(0)
    try:
        code, out, err = run_unprivileged("build", "--no-cache", cwd=root)
    finally:
        folder.chmod(0o755)
    assert code == 1, out + err
    assert "content/posts/deep: cannot read this folder: Permission denied" in err
    assert "Traceback" not in err
    assert not (root / "public").exists()  # nothing published without its posts


def test_unreadable_content_file_is_an_error_naming_it(tmp_path):
    root = site_with_posts(tmp_path / "site")
    (root / "content" / "posts" / "one.md").chmod(0)
    code, out, err = run_unprivileged("build", "--no-cache", cwd=root)
    assert code == 1, out + err
    assert "content/posts/one.md: cannot read this file: Permission denied" in err
    assert "Traceback" not in err


def test_check_does_not_call_a_site_with_unreadable_folders_fine(tmp_path):
    root = site_with_posts(tmp_path / "site")
    folder = root / "content" / "posts" / "deep"
    folder.chmod(0)
    try:
        code, out, err = run_unprivileged("check", "--no-cache", cwd=root)
    finally:
        folder.chmod(0o755)
    assert code == 1 and "content/posts/deep: cannot read this folder" in err, out + err


@pytest.mark.parametrize("rel, message", [
    ("site.yaml", "site.yaml: cannot read"),
    ("static/css/own.css", "static/css/own.css: cannot read"),
    ("content/glossary.yaml", "content/glossary.yaml: cannot read"),
    ("templates/base.html", "templates/base.html: cannot read"),
])
def test_unreadable_site_files_are_path_message_lines(tmp_path, rel, message):
    root = site_with_posts(tmp_path / "site")
    write_files(root, {"static/css/own.css": "p{}", "content/glossary.yaml": "GAN: A network.\n",
                       "templates/base.html": (REPO / "templates/base.html").read_text()},
                site_yaml=None)
    (root / rel).chmod(0)
    code, out, err = run_unprivileged("build", "--no-cache", cwd=root)
    assert code == 1, out + err
    assert message in err and "Permission denied" in err, err
    assert "Traceback" not in err, err


# --------------------------------------------------------------------------- 2. control characters

CONTROL = "".join(chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20)])


def test_control_characters_in_a_body_are_removed_with_a_warning_at_their_line(make_site):
    body = f"First paragraph.\n\nBad {CONTROL} text here.\n"
    root = make_site({"content/posts/x.md": post("X", body=body)})
    result = build(root)
    warnings = [d.format() for d in result.diagnostics.warnings]
    assert any(w.startswith("content/posts/x.md:8: warning: removed control characters U+0000") for w in warnings), \
        warnings
    feed = (root / "public" / "feed.xml").read_bytes()
    ET.fromstring(feed)  # parses
    page = (root / "public/posts/x/index.html").read_bytes()
    assert not any(chr(c).encode() in page for c in range(0, 9)), "control character left in the page"
    assert "Bad text here." in text_of(parse_html(page).find(".//article"))


def test_escaped_control_characters_in_front_matter_are_removed_with_a_warning(make_site):
    text = '---\ntitle: "Bad \\x01 title\\x1b"\ndate: 2024-05-14\nsummary: "nul \\0 here"\n---\nText.\n'
    root = make_site({"content/posts/x.md": text})
    result = build(root)
    warnings = [d.format() for d in result.diagnostics.warnings]
    assert "content/posts/x.md:2: warning: title: removed control characters U+0001, U+001B" in \
        " ".join(warnings), warnings
    assert any(w.startswith("content/posts/x.md:4: warning: summary: removed control character U+0000")
               for w in warnings), warnings
    root_el = ET.fromstring((root / "public" / "feed.xml").read_bytes())
    titles = [el.text for el in root_el.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Bad  title" in titles
    ET.fromstring((root / "public" / "sitemap.xml").read_bytes())


def test_control_characters_from_site_yaml_never_reach_the_feed(make_site):
    root = make_site({"content/posts/x.md": post("X")},
                     site_yaml='title: "My \\x07 site"\nbase_url: https://example.org/blog/\n')
    result = build(root)
    assert any("feed.xml" in d.format() and "control characters" in d.message for d in result.diagnostics.warnings)
    ET.fromstring((root / "public" / "feed.xml").read_bytes())


# --------------------------------------------------------------------------- 3. symbolic links out of the site

def test_symlinked_file_outside_the_site_is_skipped_with_a_warning(make_site, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(post("Secret", body="private notes\n"))
    root = make_site({"content/posts/x.md": post("X")})
    (root / "content" / "posts" / "leak.md").symlink_to(secret)
    result = build(root)
    warnings = [d.format() for d in result.diagnostics.warnings]
    assert any(w.startswith("content/posts/leak.md: warning: skipped: a symbolic link to") and "outside" in w
               for w in warnings), warnings
    assert not (root / "public" / "posts" / "leak").exists() and not (root / "public" / "posts" / "secret").exists()
    assert b"private notes" not in b"".join(p.read_bytes() for p in (root / "public").rglob("*") if p.is_file())


def test_symlinked_folder_outside_the_site_is_skipped_with_a_warning(make_site, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "s.md").write_text(post("Outside"))
    root = make_site({"content/posts/x.md": post("X")})
    (root / "content" / "posts" / "more").symlink_to(outside, target_is_directory=True)
    result = build(root)
    assert any(d.path == "content/posts/more" and "outside" in d.message for d in result.diagnostics.warnings)
    assert not (root / "public" / "posts" / "s").exists()


def test_symlinks_inside_the_site_still_work_and_loops_are_skipped(make_site):
    root = make_site({"content/posts/x.md": post("X"), "drafts/y.md": post("Y")})
    (root / "content" / "posts" / "y.md").symlink_to(root / "drafts" / "y.md")
    (root / "content" / "posts" / "loop").symlink_to(root / "content", target_is_directory=True)
    result = build(root)
    assert (root / "public" / "posts" / "y" / "index.html").is_file()
    assert any(d.path == "content/posts/loop" and "loops" in d.message for d in result.diagnostics.warnings)


# --------------------------------------------------------------------------- 4. slugs are one URL segment

@pytest.mark.parametrize("slug", ["../escape", "a/b", "/root", "%2e%2e%2fx", "..", "a%2Fb", "x\\\\y"])
def test_slug_that_is_a_path_is_an_error_at_its_line(make_site, slug):
    root = make_site({"content/posts/x.md": f'---\ntitle: X\ndate: 2024-05-14\nslug: "{slug}"\n---\nText.\n'})
    errors = build_errors(root)
    assert len(errors) == 1 and errors[0].startswith("content/posts/x.md:4: slug: expected a single URL segment"), \
        errors


def test_ordinary_slugs_stay_fine(make_site):
    root = make_site({"content/posts/x.md": post("X", slug="My Slug 100%"),
                      "content/posts/y.md": post("Y", slug="über-cool")})
    build(root)
    assert (root / "public/posts/my-slug-100/index.html").is_file()
    assert (root / "public/posts/über-cool/index.html").is_file()


# --------------------------------------------------------------------------- 6. names too long for the disk

def test_300_character_slug_is_an_error_not_a_traceback(make_site):
    root = make_site({"content/posts/x.md": post("X", slug="a" * 300)})
    errors = build_errors(root)
    assert errors and errors[0].startswith("content/posts/x.md:4: slug: expected a single URL segment"), errors
    assert "longer than 200 bytes" in errors[0]


def test_300_character_tag_is_a_path_message_line(tmp_path):
    root = write_files(tmp_path / "site", {"content/posts/x.md": post("X", tags=["t" * 300])})
    proc = subprocess.run([sys.executable, "-m", "chalk", "build", "--no-cache"], cwd=root, env=chalk_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "File name too long" in proc.stderr and "tags/ttt" in proc.stderr, proc.stderr


def test_chalk_new_with_a_300_character_title_makes_a_usable_file(tmp_path):
    root = write_files(tmp_path / "site", {"content/posts/x.md": post("X")})
    title = "word " * 60
    proc = subprocess.run([sys.executable, "-m", "chalk", "new", title], cwd=root, env=chalk_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    created = [p for p in (root / "content" / "posts").iterdir() if p.name != "x.md"]
    assert len(created) == 1 and len(created[0].name.encode()) <= 200
    build(root, drafts=True)
