"""chalk check reports everything in one pass: the content errors, and the link problems of
every page that did load."""

from __future__ import annotations

from support.run import run_chalk
from support.sites import page, post


def test_check_reports_content_errors_and_link_problems_together(make_site):
    site = make_site({
        "content/posts/broken.md": "---\ntitle: Broken\ndate: yesterday\n---\n\nText.\n",
        "content/posts/fence.md": post("Fence", body="Intro [gone](#nowhere).\n\n```python\nx = 1\n"),
        "content/posts/good.md": post("Good", body="See [missing](/blog/nope/) and [broken](broken.md).\n"),
        "content/about.md": page("About", body="![](cat.png)\n"),
    })
    code, out, err = run_chalk("check", cwd=site)
    assert code == 1
    lines = [line.split(". ", 1)[1] for line in (out + err).splitlines() if line[:1].isdigit()]
    assert "content/posts/broken.md:3: date: expected a date like 2024-05-14 or 2024-05-14T09:30:00+02:00, " \
           "got 'yesterday'" in lines
    assert any(l.startswith("content/posts/fence.md:8: code block: this ``` fence is never closed") for l in lines)
    assert any(l.startswith("content/posts/fence.md:6: link to #nowhere: no anchor #nowhere") for l in lines)
    assert any(l.startswith("content/posts/good.md:6: link to /blog/nope/: no such page") for l in lines)
    assert any(l.startswith("content/posts/good.md:6: link to broken.md: content/posts/broken.md is not part of "
                            "this build") for l in lines)
    assert any(l.startswith("content/about.md:5: image cat.png has no alt text") for l in lines)
    assert any(l.startswith("content/about.md:5: image to cat.png: no such page or file") for l in lines)
    assert len([l for l in lines if "broken.md" in l and "good.md" in l.split(":")[0]]) == 1  # once, not twice
    assert len(lines) == 7
    assert "Checked 3 pages:" in out


def test_build_still_stops_at_content_errors_and_writes_nothing(make_site):
    site = make_site({"content/posts/broken.md": "---\ntitle: Broken\ndate: yesterday\n---\n\nText.\n",
                      "content/posts/good.md": post("Good")})
    code, out, err = run_chalk("build", cwd=site)
    assert code == 1 and "nothing was written" in err and not (site / "public").exists()
