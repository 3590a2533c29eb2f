"""chalk check: every kind of breakage is reported with its file and line; a clean site has none."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from support.run import run_chalk
from support.sites import page, post

BROKEN = post("Broken", "2024-05-01", """\
    Intro with [a missing page](/blog/nope/) and [a missing anchor](#nowhere).

    ## First section

    #### Skipped a level

    ![](/blog/img/exists.png)

    ![A chart](/blog/img/missing.png)

    See [the other post's section](other.md#second-part) and [its missing anchor](other.md#gone).

    ```diagram
    id: later
    caption: Drawn later
    alt: A box.
    ```
    """)
OTHER = post("Other", "2024-05-02", """\
    ## Second part

    Text.
    """)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
                    "890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")  # a valid 1x1 PNG: images are decoded and resized


@pytest.fixture
def broken_site(make_site) -> Path:
    return make_site({"content/posts/broken.md": BROKEN, "content/posts/other.md": OTHER,
                      "static/img/exists.png": PNG})


def test_each_kind_of_breakage_is_reported_with_file_and_line(broken_site: Path) -> None:
    code, out, err = run_chalk("check", cwd=broken_site)
    assert code == 1
    lines = (out + err).splitlines()
    expected = [
        "content/posts/broken.md:6: link to /blog/nope/: no such page or file in the site",
        "content/posts/broken.md:6: link to #nowhere: no anchor #nowhere on that page",
        "content/posts/broken.md:10: heading 'Skipped a level' is level 4 right after level 2",
        "content/posts/broken.md:12: image /blog/img/exists.png has no alt text",
        "content/posts/broken.md:14: image to /blog/img/missing.png: no such page or file in the site",
        "content/posts/broken.md:16: link to /blog/posts/other/#gone: no anchor #gone on that page",
        "content/posts/broken.md:18: warning: diagram 'later' awaits a drawing",
    ]
    for text in expected:
        assert any(text in line for line in lines), f"missing: {text}\n" + "\n".join(lines)
    numbered = [line for line in lines if line[:1].isdigit()]
    numbers = [int(line.split(".", 1)[0]) for line in numbered]  # errors go to stderr, warnings to stdout
    assert sorted(numbers) == list(range(1, len(numbered) + 1))
    errors = [line for line in err.splitlines() if line[:1].isdigit()]
    assert [int(line.split(":")[1]) for line in errors] == sorted(int(line.split(":")[1]) for line in errors)
    assert "#second-part" not in out + err  # the existing anchor is fine
    assert "Checked 2 pages: 6 errors, 1 warning." in out


def test_check_writes_nothing(broken_site: Path) -> None:
    run_chalk("check", cwd=broken_site)
    assert not (broken_site / "public").exists()


def test_a_clean_site_passes_and_only_lists_slots_to_draw(make_site) -> None:
    site = make_site({"content/posts/a.md": post("A", body="""\
        ## One

        Text with [a link](#one).

        ```diagram
        id: soon
        caption: Soon
        alt: Something to come.
        ```
        """), "content/about.md": page("About")})
    code, out, err = run_chalk("check", cwd=site)
    assert code == 0, out + err
    assert "0 errors, 1 warning" in out
    code, out, err = run_chalk("check", "--strict", cwd=site)
    assert code == 1
    assert "content/posts/a.md:10: diagram 'soon' awaits a drawing" in err


def test_build_reports_the_same_problems_as_warnings_and_strict_fails(broken_site: Path) -> None:
    code, out, err = run_chalk("build", cwd=broken_site)
    assert code == 0
    assert "content/posts/broken.md:6: warning: link to /blog/nope/" in err
    assert "6 warnings" in out
    code, out, err = run_chalk("build", "--strict", "-o", str(broken_site / "strict-out"), cwd=broken_site)
    assert code == 1
    assert not (broken_site / "strict-out").exists()


def test_links_to_markdown_files_become_page_urls(make_site) -> None:
    site = make_site({"content/posts/a.md": post("A", body="See [B](b.md#part) and [about](../about.md).\n"),
                      "content/posts/b.md": post("B", body="## Part\n"),
                      "content/about.md": page("About")})
    code, out, err = run_chalk("build", cwd=site)
    assert code == 0, err
    html = (site / "public/posts/a/index.html").read_text(encoding="utf-8")
    assert 'href="/blog/posts/b/#part"' in html
    assert 'href="/blog/about/"' in html
    (site / "content/posts/a.md").write_text(post("A", body="Intro.\n\nSee [C](c.md).\n"), encoding="utf-8")
    code, out, err = run_chalk("build", cwd=site)
    assert code == 1
    assert "content/posts/a.md:8: link to c.md: no such content file" in err


class _Answers(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(200 if self.path == "/ok" else 405 if self.path == "/get-only" else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200 if self.path in ("/ok", "/get-only") else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_external_links_are_checked_only_when_asked_and_cached(make_site) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        site = make_site({"content/posts/a.md": post("A", body=f"""\
            [fine]({base}/ok) and [head refused]({base}/get-only).

            [gone]({base}/missing)
            """)})
        code, out, err = run_chalk("check", cwd=site)
        assert code == 0 and "external" not in out + err  # no network without --external
        code, out, err = run_chalk("check", "--external", cwd=site)
        assert code == 1
        assert f"content/posts/a.md:8: external link {base}/missing: HTTP 404" in err
        assert "/ok" not in err and "get-only" not in err
        assert (site / ".chalk-cache/links.json").is_file()
    finally:
        server.shutdown()
    code, out, err = run_chalk("check", "--external", cwd=site)  # the server is gone: answers come from the cache
    assert f"external link {base}/missing: HTTP 404" in err
