"""Sidenotes (chalk.sidenotes): each footnote is copied into the margin beside its reference.

Here in whole sites; the renderer alone is tested in tests/unit/test_sidenotes_markdown.py.
"""

from __future__ import annotations

from collections import Counter

from support.html import find_all, find_by_id, parse_html, text_of
from support.sites import build, copy_repo_site


def ids(root) -> list[str]:
    return [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]


def test_seed_article_has_a_sidenote_per_footnote(tmp_path):
    root = copy_repo_site(tmp_path / "site")
    build(root, cache=False)
    page = parse_html(root / "public/posts/demystifying-generative-ai/index.html")
    notes = find_all(page, "span", cls="sidenote")
    assert [n.get("id") for n in notes] == ["sn:analogy", "sn:kl-closed-form", "sn:markov"]
    for note in notes:
        key = note.get("id")[3:]
        assert find_by_id(page, f"fn:{key}") is not None and find_by_id(page, f"fnref:{key}") is not None
    assert text_of(notes[0]).startswith("1 The analogy has a limit")
    assert [k for k, v in Counter(ids(page)).items() if v > 1] == []


def test_feeds_get_the_footnotes_without_the_margin_copies(make_site):
    from support.html import ATOM, parse_xml
    from support.sites import post

    root = make_site({"content/posts/a.md": post("A", body="Claim.[^n] More.\n\n[^n]: The source.\n")})
    out = build(root, cache=False).output
    [entry] = parse_xml(out / "feed.xml").iter(ATOM + "entry")
    content = entry.find(ATOM + "content").text
    assert "sidenote" not in content and content.count("The source.") == 1 and 'id="fn:n"' in content

