"""Stages 2-3: finding content files, splitting and validating their front matter."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chalk.content import (
    FrontMatter, decode, discover, kind_of, read_source, slugify, split_front_matter, validate_front_matter,
)
from chalk.errors import Diagnostics

UTC = timezone.utc
DATE_EXPECTED = "expected a date like 2024-05-14 or 2024-05-14T09:30:00+02:00"


def meta_of(text: str, kind: str = "post", stem: str = "x", tz=UTC) -> tuple[FrontMatter | None, list[str]]:
    """Split and validate ``text`` as content/posts/x.md; returns (meta, formatted diagnostics)."""
    diagnostics = Diagnostics()
    rel = f"content/posts/{stem}.md" if kind == "post" else f"content/{stem}.md"
    split = split_front_matter(decode(text.encode()), rel, diagnostics)
    if split is None:
        return None, [d.format() for d in diagnostics.items]
    meta = validate_front_matter(split[0], kind, stem, rel, tz, diagnostics)
    return meta, [d.format() for d in diagnostics.items]


def fm(*lines: str, body: str = "Body.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


# --------------------------------------------------------------------------- splitting

def test_split_front_matter_returns_mapping_body_and_body_line():
    diagnostics = Diagnostics()
    mapping, body, body_line = split_front_matter("---\ntitle: X\ndate: 2024-05-14\n---\nHello\nWorld", "x.md",
                                                  diagnostics)
    assert mapping.data == {"title": "X", "date": "2024-05-14"}
    assert mapping.lines == {"title": 2, "date": 3}
    assert body == "Hello\nWorld"
    assert body_line == 5
    assert diagnostics.items == []


def test_yaml_document_end_marker_closes_front_matter():
    diagnostics = Diagnostics()
    mapping, body, body_line = split_front_matter("---\ntitle: X\n...\nText", "x.md", diagnostics)
    assert mapping.data == {"title": "X"} and body == "Text" and body_line == 4


def test_missing_front_matter():
    meta, problems = meta_of("Just text\n")
    assert meta is None
    assert problems == ["content/posts/x.md:1: front matter: expected a '---' line at the top of the file "
                        "(did you forget to add ---, title: ..., --- before the text?)"]


def test_unclosed_front_matter():
    meta, problems = meta_of("---\ntitle: X\ndate: 2024-05-14\n\nText\n")
    assert meta is None
    assert problems[0].startswith("content/posts/x.md:1: front matter: the '---' on line 1 is never closed")


def test_yaml_syntax_error_names_the_line():
    meta, problems = meta_of(fm("title: X", "date: 2024-05-14", "summary: a: b"))
    assert meta is None
    assert problems[0].startswith("content/posts/x.md:4: front matter: invalid YAML: mapping values are not allowed")


def test_front_matter_must_be_a_mapping():
    meta, problems = meta_of(fm("- a", "- b"))
    assert meta is None
    assert problems[0].startswith("content/posts/x.md:2: front matter: expected 'key: value' lines, got a YAML list")


def test_empty_front_matter_reports_missing_title():
    meta, problems = meta_of("---\n---\nText\n", kind="page")
    assert meta is None
    assert problems[0].startswith("content/x.md:2: title: required, expected text")


# --------------------------------------------------------------------------- fields

def test_full_valid_front_matter():
    meta, problems = meta_of(fm(
        "title: Über Diffusion", "date: 2024-05-14", "updated: 2024-06-01T10:30:00+02:00",
        "summary: Short.", "tags: [gan, VAE]", "draft: true", "slug: custom-slug", "author: Ada",
        "toc: false", "template: wide.html"))
    assert problems == []
    assert meta.title == "Über Diffusion"
    assert meta.date == datetime(2024, 5, 14, tzinfo=UTC)
    assert meta.updated == datetime(2024, 6, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    assert meta.summary == "Short."
    assert meta.tags == ("gan", "VAE")
    assert meta.draft is True
    assert meta.slug == "custom-slug"
    assert meta.author == "Ada"
    assert meta.toc is False
    assert meta.template == "wide.html"
    assert meta.extra == {}
    assert meta.lines["tags"] == 6


def test_defaults():
    meta, problems = meta_of(fm("title: T", "date: 2024-05-14"), stem="my-post")
    assert problems == []
    assert (meta.updated, meta.summary, meta.tags, meta.draft, meta.author, meta.template) == (
        None, None, (), False, None, None)
    assert meta.slug == "my-post"
    assert meta.toc is True  # posts get a table of contents by default...
    page_meta, _ = meta_of(fm("title: T"), kind="page")
    assert page_meta.toc is False  # ...pages do not
    assert page_meta.date is None


def test_numeric_title_is_text():
    meta, problems = meta_of(fm("title: 1984", "date: 2024-05-14"))
    assert problems == [] and meta.title == "1984"


@pytest.mark.parametrize("value, expected", [
    ("2024-05-14", datetime(2024, 5, 14, tzinfo=ZoneInfo("Europe/Berlin"))),
    ("'2024-05-14'", datetime(2024, 5, 14, tzinfo=ZoneInfo("Europe/Berlin"))),
    ("2024-05-14T09:30:00", datetime(2024, 5, 14, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))),
    ("2024-05-14 09:30", datetime(2024, 5, 14, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))),
    ("2024-05-14T09:30:00+02:00", datetime(2024, 5, 14, 7, 30, tzinfo=UTC)),
    ("2024-05-14T09:30:00Z", datetime(2024, 5, 14, 9, 30, tzinfo=UTC)),
])
def test_date_formats_and_site_time_zone(value, expected):
    meta, problems = meta_of(fm("title: T", f"date: {value}"), tz=ZoneInfo("Europe/Berlin"))
    assert problems == []
    assert meta.date == expected
    assert meta.date.tzinfo is not None


def test_bad_date_message_is_exact():
    meta, problems = meta_of(fm("title: X", "date: yesterday"))
    assert meta is None
    assert problems == [f"content/posts/x.md:3: date: {DATE_EXPECTED}, got 'yesterday'"]


@pytest.mark.parametrize("lines, expected", [
    (["date: 2024-05-14"], "content/posts/x.md:2: title: required, expected text"),
    (["title:", "date: 2024-05-14"], "content/posts/x.md:2: title: required, expected text"),
    (["title: '  '", "date: 2024-05-14"], "content/posts/x.md:2: title: required, expected text"),
    (["title: [a]", "date: 2024-05-14"], "content/posts/x.md:2: title: expected text, got ['a']"),
    (["title: {a: 1}", "date: 2024-05-14"], "content/posts/x.md:2: title: expected text, got {'a': 1}"),
    (["title: X"], f"content/posts/x.md:2: date: required for posts, {DATE_EXPECTED}"),
    (["title: X", "date:"], f"content/posts/x.md:3: date: required for posts, {DATE_EXPECTED}"),
    (["title: X", "date: 2024-02-30"], f"content/posts/x.md:3: date: {DATE_EXPECTED}, got '2024-02-30'"),
    (["title: X", "date: 14.05.2024"], f"content/posts/x.md:3: date: {DATE_EXPECTED}, got '14.05.2024'"),
    (["title: X", "date: [2024]"], f"content/posts/x.md:3: date: {DATE_EXPECTED}, got [2024]"),
    (["title: X", "date: 2024-05-14", "updated: soon"], f"content/posts/x.md:4: updated: {DATE_EXPECTED}, got 'soon'"),
    (["title: X", "date: 2024-05-14", "updated: 2024-13-45"],
     f"content/posts/x.md:4: updated: {DATE_EXPECTED}, got '2024-13-45'"),
    (["title: X", "date: 2024-05-14", "summary: [a]"], "content/posts/x.md:4: summary: expected text, got ['a']"),
    (["title: X", "date: 2024-05-14", "tags: {a: 1}"],
     "content/posts/x.md:4: tags: expected a list of tags like [gan, vae], got {'a': 1}"),
    (["title: X", "date: 2024-05-14", "tags: [a, '']"],
     "content/posts/x.md:4: tags: expected a list of tags like [gan, vae], got ['a', '']"),
    (["title: X", "date: 2024-05-14", "tags: [[a]]"],
     "content/posts/x.md:4: tags: expected a list of tags like [gan, vae], got [['a']]"),
    (["title: X", "date: 2024-05-14", 'draft: "yes"'], "content/posts/x.md:4: draft: expected true or false, got 'yes'"),
    (["title: X", "date: 2024-05-14", "draft: 1"], "content/posts/x.md:4: draft: expected true or false, got 1"),
    (["title: X", "date: 2024-05-14", "toc: 3"], "content/posts/x.md:4: toc: expected true or false, got 3"),
    (["title: X", "date: 2024-05-14", "author: [a, b]"], "content/posts/x.md:4: author: expected text, got ['a', 'b']"),
    (["title: X", "date: 2024-05-14", "slug: '../..'"],
     "content/posts/x.md:4: slug: expected a single URL segment like my-article, got '../..' (it contains a /)"),
    (["title: X", "date: 2024-05-14", "template: ../secret.html"],
     "content/posts/x.md:4: template: expected a template file name like post.html, got '../secret.html'"),
    (["title: X", "date: 2024-05-14", "template: /etc/passwd"],
     "content/posts/x.md:4: template: expected a template file name like post.html, got '/etc/passwd'"),
])
def test_each_field_is_validated_with_line_and_expectation(lines, expected):
    meta, problems = meta_of(fm(*lines))
    assert meta is None
    assert any(p.startswith(expected) for p in problems), problems


def test_all_field_errors_of_one_file_are_reported_together():
    meta, problems = meta_of(fm("date: nope", "tags: {a: 1}", "draft: maybe", "toc: 3"))
    assert meta is None
    joined = "\n".join(problems)
    for expected in ("x.md:2: title: required", "x.md:2: date:", "x.md:3: tags:", "x.md:4: draft:", "x.md:5: toc:"):
        assert expected in joined


def test_page_needs_no_date():
    meta, problems = meta_of(fm("title: About"), kind="page", stem="about")
    assert problems == [] and meta.date is None and meta.slug == "about"


def test_single_string_tag_becomes_a_list():
    meta, problems = meta_of(fm("title: X", "date: 2024-05-14", "tags: gan"))
    assert problems == [] and meta.tags == ("gan",)


def test_numeric_tags_are_text():
    meta, problems = meta_of(fm("title: X", "date: 2024-05-14", "tags: [2024, ' ml ']"))
    assert problems == [] and meta.tags == ("2024", "ml")


def test_slug_field_is_slugified():
    meta, problems = meta_of(fm("title: X", "date: 2024-05-14", "slug: Hello World x!"))
    assert problems == []
    assert meta.slug == "hello-world-x"  # a slug that is a path is an error: tests/test_hardening_content.py


def test_file_name_without_letters_is_reported():
    meta, problems = meta_of(fm("title: X", "date: 2024-05-14"), stem="...")
    assert meta is None
    assert "file name: expected letters or digits to make a URL from" in problems[0]


def test_unknown_fields_warn_with_their_line_and_go_to_extra():
    meta, problems = meta_of(fm("title: X", "date: 2024-05-14", "mood: curious", "sponsor: {name: GANs, part: 2}"))
    assert meta is not None
    assert meta.extra == {"mood": "curious", "sponsor": {"name": "GANs", "part": 2}}
    assert problems == [
        "content/posts/x.md:4: warning: unknown front matter field 'mood' (available to templates as page.extra.mood)",
        "content/posts/x.md:5: warning: unknown front matter field 'sponsor' "
        "(available to templates as page.extra.sponsor)",
    ]


# --------------------------------------------------------------------------- slugs

@pytest.mark.parametrize("text, slug", [
    ("Hello World", "hello-world"),
    ("  spaced   out\ttabs ", "spaced-out-tabs"),
    ("Über Diffusion: Teil 1", "über-diffusion-teil-1"),
    ("日本語 タイトル", "日本語-タイトル"),
    ("Ça va? Très bien!", "ça-va-très-bien"),
    ("C++ & Rust", "c-rust"),
    ("snake_case--and---dashes", "snake-case-and-dashes"),
    ("ﬁle", "file"),  # NFKC folds ligatures
    ("../../etc/passwd", "etcpasswd"),
    ("a/../../x", "ax"),
    ("..\\..\\windows", "windows"),
    ("/absolute/path", "absolutepath"),
    ("...", ""),
    ("", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["../x", "/etc/passwd", "a/../../x", "..", "x\0y", "a\\b", "%2e%2e/x"])
def test_slugs_never_contain_path_separators_or_dot_segments(text):
    slug = slugify(text)
    assert "/" not in slug and "\\" not in slug and "\0" not in slug and "." not in slug and "%" not in slug


# --------------------------------------------------------------------------- decoding and reading files

def test_decode_handles_bom_crlf_and_cr():
    assert decode(b"\xef\xbb\xbf---\r\ntitle: X\r\n---\r\nA\rB") == "---\ntitle: X\n---\nA\nB"


def write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read(root: Path, path: Path):
    diagnostics = Diagnostics()
    source = read_source(path, root, root / "content", UTC, diagnostics)
    return source, [d.format() for d in diagnostics.items]


def test_crlf_and_bom_file_reads_like_a_unix_one(tmp_path):
    unix = b"---\ntitle: X\ndate: 2024-05-14\ntags: [a]\n---\nLine one\nLine two\n"
    crlf = b"\xef\xbb\xbf" + unix.replace(b"\n", b"\r\n")
    a, problems_a = read(tmp_path, write(tmp_path, "content/posts/a.md", unix))
    b, problems_b = read(tmp_path, write(tmp_path, "content/posts/b.md", crlf))
    assert problems_a == problems_b == []
    assert (a.meta.title, a.meta.date, a.meta.tags, a.body, a.body_line) == (
        b.meta.title, b.meta.date, b.meta.tags, b.body, b.body_line)
    assert "\r" not in b.body
    assert b.body_line == 6


def test_crlf_file_reports_right_line(tmp_path):
    data = b"\xef\xbb\xbf---\r\ntitle: X\r\ndate: yesterday\r\n---\r\nText\r\n"
    source, problems = read(tmp_path, write(tmp_path, "content/posts/x.md", data))
    assert source is None
    assert problems == [f"content/posts/x.md:3: date: {DATE_EXPECTED}, got 'yesterday'"]


def test_non_utf8_file_reports_byte_offset_and_line(tmp_path):
    data = b"---\ntitle: caf\xe9\ndate: 2024-05-14\n---\n"
    source, problems = read(tmp_path, write(tmp_path, "content/posts/x.md", data))
    assert source is None
    assert len(problems) == 1
    assert problems[0].startswith("content/posts/x.md:2: not UTF-8 text: undecodable byte at offset 14")


def test_non_utf8_offset_counts_the_bom(tmp_path):
    data = b"\xef\xbb\xbf---\ntitle: caf\xe9\n---\n"
    source, problems = read(tmp_path, write(tmp_path, "content/x.md", data))
    assert source is None
    assert "offset 17" in problems[0]  # the byte's position in the file, BOM included


def test_post_and_page_kinds(tmp_path):
    content = tmp_path / "content"
    assert kind_of(content / "posts" / "x.md", content) == "post"
    assert kind_of(content / "posts" / "2024" / "x.md", content) == "post"
    assert kind_of(content / "about.md", content) == "page"
    assert kind_of(content / "docs" / "x.md", content) == "page"
    assert kind_of(content / "posts.md", content) == "page"


def test_discover_skips_hidden_and_underscore_files(tmp_path):
    content = tmp_path / "content"
    for rel in ["posts/a.md", "posts/2024/b.md", "about.md", "posts/.hidden.md", "_drafts/c.md",
                ".git/d.md", "posts/notes.txt", "posts/_partial.md", "backup~/e.md"]:
        write(content, rel, b"x")
    found = [p.relative_to(content).as_posix() for p in discover(content)]
    assert found == ["about.md", "posts/2024/b.md", "posts/a.md"]


def test_discover_without_content_folder(tmp_path):
    assert discover(tmp_path / "content") == []


def test_files_are_found_in_path_order_however_their_names_sort_as_text(tmp_path: Path) -> None:
    """walk_files hands back its depth-first finds unsorted: that must already be Path order
    ('a/x.md' before 'a-b.md', though '-' sorts before '/' as text)."""
    from chalk.walk import walk_files

    names = ["a-b.md", "a/x.md", "a/b/c.md", "a.md", "B.md", "a b/z.md", "a/b-c/d.md", "a/b.md", "é.md", "z/a.md"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", "utf-8")
    found = walk_files(tmp_path, tmp_path)
    assert found == sorted(tmp_path / name for name in names)
    assert [p.relative_to(tmp_path).as_posix() for p in found][:6] == \
        ["B.md", "a/b/c.md", "a/b-c/d.md", "a/b.md", "a/x.md", "a b/z.md"]
