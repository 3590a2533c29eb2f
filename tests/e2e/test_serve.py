"""``chalk serve`` over real HTTP on a loopback port (issue 3).

Most tests run the real CLI, ``python -m chalk serve -s SITE --port PORT``, as a
subprocess (watcher included) and stop it with Ctrl-C (SIGINT), expecting exit
code 0 and no traceback. Where a test needs finer control (holding a rebuild
half-way, listing the served snapshot) it uses the in-process API,
``chalk.serve.make_server``. Paths are sent over raw sockets so that no client
normalises ``..`` or percent-escapes away. Every site lives in ``tmp_path``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from support.html import find_all, meta_content, parse_html, text_of
from support.run import run_chalk
from support.serving import EventStream, http_request, strip_reload_script
from support.sites import all_files, page, post, REPO, write_files

import chalk.serve.preview
import chalk.serve.server
from chalk.cli import main as cli_main
from chalk.builder import Builder
from chalk.serve import make_server
from chalk.serve.watch import Watcher

pytestmark = pytest.mark.server

ROOT_SITE_YAML = "title: Serve test\nbase_url: https://example.org/\n"
BLOG_SITE_YAML = "title: Serve test\nbase_url: https://example.org/blog/\n"
QUIET = 0.6  # after a rebuild, how long to watch for a second (unwanted) one; the debounce is ~80 ms


def site_files() -> dict[str, str]:
    """A small site: three posts (one a draft) with tags, a page, a folder of static files without index.html."""
    return {
        "content/posts/alpha.md": post("Alpha", "2024-01-10", body="Alpha body text.\n\nSecond alpha paragraph.\n",
                                       tags=["one"]),
        "content/posts/beta.md": post("Beta", "2024-02-10", body="Beta body text.\n", tags=["one", "two"]),
        "content/posts/gamma.md": post("Gamma", "2024-03-10", body="Gamma draft text.\n", draft=True),
        "content/about.md": page("About", body="About this site.\n"),
        "static/css/extra.css": "p { color: black }\n",
        "static/docs/readme.txt": "a static folder with no index.html\n",
    }


@pytest.fixture
def blog_site(tmp_path: Path) -> Path:
    """The site, with base_url path /blog/."""
    return write_files(tmp_path / "blog-site", site_files(), site_yaml=BLOG_SITE_YAML)


@pytest.fixture
def root_site(tmp_path: Path) -> Path:
    """The site, served from / (so traversal attempts start right at the top)."""
    return write_files(tmp_path / "root-site", site_files(), site_yaml=ROOT_SITE_YAML)


def get(port: int, target: str, method: str = "GET"):
    return http_request(port, target, method)


def clean_build(site: Path, out: Path, base_url: str, subprocess: bool = True) -> Path:
    """A clean ``chalk build --drafts --base-url URL -o OUT`` of the site as it is now.

    Run as the real CLI in a subprocess, or (``subprocess=False``, quicker) through the same
    ``chalk.cli.main`` in this process, with a fresh Builder all the same.
    """
    if out.exists():
        shutil.rmtree(out)
    args = ["build", "-s", str(site), "--drafts", "--base-url", base_url, "-o", str(out), *no_cache_flags()]
    if subprocess:
        code, stdout, stderr = run_chalk(*args, cwd=site.parent, timeout=60)
        assert code == 0, stdout + stderr
    else:
        assert cli_main(args) == 0
    return out


@functools.cache
def no_cache_flags() -> tuple[str, ...]:
    """``--no-cache`` when this chalk has a persistent render cache, so the reference build is really clean."""
    from chalk.cli import make_parser

    try:
        make_parser().parse_args(["build", "--no-cache"])
    except SystemExit:
        return ()
    return ("--no-cache",)


class InProcessServer:
    """``make_server`` + first build + ``serve_forever`` in a thread (+ the real watchdog Watcher if asked)."""

    def __init__(self, root: Path, drafts: bool = True, watch: bool = False):
        self.log: list[str] = []
        self.server, self.preview = make_server(root, "127.0.0.1", 0, drafts=drafts, log=self.log.append)
        self.port = self.preview.port
        self.preview.rebuild()
        self.watcher = Watcher(root, self.preview.rebuild) if watch else None
        if self.watcher:
            self.watcher.start()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        if self.watcher:
            self.watcher.stop()
        self.server.shutdown()
        self.preview.events.send(None)
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self) -> "InProcessServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def eventually(check, timeout: float = 15.0) -> bool:
    """Poll ``check()`` until it is true (True) or ``timeout`` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return bool(check())


# --------------------------------------------------------------------------- pages, script, base_url, drafts

def test_serves_pages_with_reload_script_that_build_output_lacks(blog_site: Path, tmp_path: Path, chalk_serve):
    server = chalk_serve(blog_site)
    port = server.port
    assert server.url == f"http://127.0.0.1:{port}/blog/"

    home = get(port, "/blog/")
    assert home.status == 200
    assert home.headers["content-type"].startswith("text/html")
    strip_reload_script(home.body)  # present exactly once
    assert b"Alpha" in home.body and b"Beta" in home.body

    article = get(port, "/blog/posts/alpha/")
    assert article.status == 200 and article.headers["content-type"].startswith("text/html")
    assert b"Alpha body text." in article.body
    strip_reload_script(article.body)
    assert article.body.index(b"/__chalk__/reload.js") > article.body.index(b"Alpha body text.")  # before </body>

    script = get(port, "/__chalk__/reload.js")
    assert script.status == 200 and "javascript" in script.headers["content-type"]
    assert b"EventSource" in script.body and b"chalk-error-overlay" in script.body

    css = get(port, "/blog/css/extra.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert css.body == b"p { color: black }\n"  # non-HTML files are served untouched

    # the root of a /blog/ site redirects there; the same pages outside /blog/ do not exist
    root = get(port, "/")
    assert root.status == 301 and root.headers["location"] == "/blog/"
    assert get(port, "/posts/alpha/").status == 404
    assert get(port, "/blog/posts/alpha").status == 301  # directory URL without its slash

    server.assert_clean_stop()
    assert not (blog_site / "public").exists(), "chalk serve must never build into public/"

    out = tmp_path / "built"
    code, stdout, stderr = run_chalk("build", "-s", blog_site, "--drafts", "-o", out, cwd=tmp_path)
    assert code == 0, stdout + stderr
    for rel in all_files(out):
        data = (out / rel).read_bytes()
        assert b"__chalk__" not in data and b"reload.js" not in data, f"{rel} of chalk build has the reload script"
    assert b"Alpha body text." in (out / "posts/alpha/index.html").read_bytes()


def test_base_url_is_rewritten_to_the_local_address(blog_site: Path, root_site: Path, chalk_serve):
    for site, base in ((blog_site, "/blog/"), (root_site, "/")):
        server = chalk_serve(site)
        local = f"http://127.0.0.1:{server.port}{base}"
        response = get(server.port, base + "posts/beta/")
        assert response.status == 200, (site, response.status)
        html = parse_html(response.body)
        canonical = [link.get("href") for link in find_all(html, "link", rel="canonical")]
        assert canonical == [local + "posts/beta/"]
        assert meta_content(html, "og:url") == local + "posts/beta/"
        assert b"https://example.org" not in response.body
        feed = get(server.port, base + "feed.xml")
        assert feed.status == 200 and local.encode() in feed.body and b"https://example.org" not in feed.body
        server.assert_clean_stop()


def test_drafts_shown_with_banner_or_hidden_with_no_drafts(blog_site: Path, chalk_serve):
    shown = chalk_serve(blog_site)
    draft = get(shown.port, "/blog/posts/gamma/")
    assert draft.status == 200
    banners = find_all(parse_html(draft.body), cls="draft-banner")
    assert len(banners) == 1 and "draft" in text_of(banners[0]).lower()
    assert b"Gamma draft text." in draft.body
    assert "drafts shown" in shown.wait_for("^Serving")
    normal = get(shown.port, "/blog/posts/alpha/")
    assert not find_all(parse_html(normal.body), cls="draft-banner")
    shown.assert_clean_stop()

    hidden = chalk_serve(blog_site, "--no-drafts")
    assert "drafts hidden" in hidden.wait_for("^Serving")
    assert get(hidden.port, "/blog/posts/gamma/").status == 404
    assert b"Gamma" not in get(hidden.port, "/blog/").body
    assert get(hidden.port, "/blog/posts/alpha/").status == 200
    hidden.assert_clean_stop()


# --------------------------------------------------------------------------- security

SECRET = "TOP-SECRET-8f1c2e"

TRAVERSALS = [
    "/../site.yaml",
    "/%2e%2e/site.yaml",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/..%2fsite.yaml",
    "/..%5csite.yaml",
    "/%5c..%5csite.yaml",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/posts/../../site.yaml",
    "/.%2e/site.yaml",
    "/%2e./site.yaml",
    "/static/../../site.yaml",
    "/%252e%252e/site.yaml",
    "/posts/alpha/../../../secret.txt",
    "/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/..",
    "/./../site.yaml",
    "/site.yaml",
    "/content/posts/alpha.md",
    "/%00/../site.yaml",
    "/posts/alpha/index.html%00.txt",
    "/leak.txt",
    "/outside/secret.txt",
    "/css/%2e%2e/%2e%2e/secret.txt",
]


def add_escaping_symlinks(site: Path) -> Path:
    """A secret file next to the site, and symlinks inside static/ pointing at it (and at its folder)."""
    secret = site.parent / "secret.txt"
    secret.write_text(SECRET + "\n")
    (site.parent / "outside").mkdir(exist_ok=True)
    (site.parent / "outside" / "secret.txt").write_text(SECRET + "\n")
    os.symlink(secret, site / "static" / "leak.txt")
    os.symlink(site.parent / "outside", site / "static" / "outside")
    os.symlink("css/extra.css", site / "static" / "alias.css")  # stays inside static/: still published
    return secret


@pytest.mark.parametrize("base", ["/", "/blog/"])
def test_traversal_attempts_answer_404(base: str, root_site: Path, blog_site: Path, tmp_path: Path, chalk_serve):
    site = root_site if base == "/" else blog_site
    add_escaping_symlinks(site)
    server = chalk_serve(site)
    port = server.port
    # the server does serve real files, so the 404s below are not an accident
    assert get(port, base + "posts/alpha/").status == 200
    assert get(port, base + "favicon.svg").status == 200
    assert get(port, base + "alias.css").body == b"p { color: black }\n"

    targets = TRAVERSALS + [base.rstrip("/") + t for t in TRAVERSALS if base != "/"]
    assert len(targets) >= 10
    for target in targets:
        response = get(port, target)
        assert response.status == 404, f"{target} -> {response.status}"
        for leak in (SECRET.encode(), b"base_url:", b"root:x:0:0", b"Alpha body text.\n\nSecond"):
            assert leak not in response.raw, f"{target} leaked {leak!r}"
    # also through http.client, which sends the path as given too
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    for target in ("/../site.yaml", "/%2e%2e/%2e%2e/secret.txt", base + "leak.txt"):
        connection.request("GET", target)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 404 and SECRET.encode() not in body, target
    connection.close()
    assert server.alive()
    server.assert_clean_stop()

    # chalk build does not copy what the symlinks point at either
    out = tmp_path / f"built{base.replace('/', '-')}"
    code, stdout, stderr = run_chalk("build", "-s", site, "-o", out, cwd=tmp_path)
    assert code == 0, stdout + stderr
    assert not (out / "leak.txt").exists() and not (out / "outside").exists()
    assert (out / "alias.css").read_bytes() == b"p { color: black }\n"
    for rel in all_files(out):
        assert SECRET.encode() not in (out / rel).read_bytes(), rel
    assert "static/leak.txt" in stdout + stderr, "skipping the escaping symlink should be reported"


def test_only_get_and_head_and_no_directory_listing(blog_site: Path, chalk_serve):
    server = chalk_serve(blog_site)
    port = server.port
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        response = http_request(port, "/blog/", method, body=b"x=1" if method in ("POST", "PUT") else b"")
        assert response.status == 405, method
        assert set(re.split(r"\s*,\s*", response.headers.get("allow", ""))) == {"GET", "HEAD"}, method

    # a body sent with a refused method is never taken for a second request on the same connection
    smuggled = b"GET /blog/robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = b""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(b"POST /blog/ HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(smuggled), smuggled))
        sock.settimeout(3)
        try:
            while chunk := sock.recv(65536):
                raw += chunk
        except socket.timeout:
            pass
    assert raw.count(b"HTTP/1.1 ") == 1 and raw.startswith(b"HTTP/1.1 405"), raw[:300]

    full = get(port, "/blog/posts/alpha/")
    head = get(port, "/blog/posts/alpha/", "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-type"] == full.headers["content-type"]
    assert int(head.headers["content-length"]) == len(full.body)
    head_css = get(port, "/blog/css/extra.css", "HEAD")
    assert head_css.status == 200 and head_css.body == b"" and head_css.headers["content-length"] == "19"

    for folder in ("/blog/docs/", "/blog/docs", "/blog/css/", "/blog/css", "/blog/posts/alpha/../../docs/"):
        response = get(port, folder)
        assert response.status == 404, folder
        assert b"readme.txt" not in response.body and b"extra.css" not in response.body, folder
    assert get(port, "/blog/docs/readme.txt").status == 200
    server.assert_clean_stop()


def test_busy_port_gives_one_line_naming_it(blog_site: Path, tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, stdout, stderr = run_chalk("serve", "-s", blog_site, "--port", port, cwd=tmp_path, timeout=30)
    assert code == 1, stdout + stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert str(port) in lines[0] and "--port" in lines[0]
    assert "Traceback" not in stdout + stderr


# --------------------------------------------------------------------------- rebuilds and requests

class SlowRender:
    """Once armed, every render stops half-way (``started`` is set) until ``gate`` is set."""

    def __init__(self) -> None:
        self.armed = False
        self.started, self.gate = threading.Event(), threading.Event()


@pytest.fixture
def slow_render(monkeypatch) -> SlowRender:
    slow = SlowRender()
    real = Builder.outputs

    def outputs(self, loaded, output=None):
        if slow.armed:
            slow.started.set()
            assert slow.gate.wait(15), "the test never let the build go on"
        return real(self, loaded, output)

    monkeypatch.setattr(Builder, "outputs", outputs)
    yield slow
    slow.gate.set()


def test_request_during_rebuild_waits_for_the_new_content(blog_site: Path, slow_render, monkeypatch):
    arrived = threading.Event()
    real_wait = chalk.serve.server.Preview.wait_until_idle

    def wait_until_idle(self):
        arrived.set()  # the request reached the server and is about to wait
        return real_wait(self)

    monkeypatch.setattr(chalk.serve.server.Preview, "wait_until_idle", wait_until_idle)
    with InProcessServer(blog_site) as served:
        port, preview = served.port, served.preview
        assert b"Alpha body text." in get(port, "/blog/posts/alpha/").body
        slow_render.armed = True
        started, gate = slow_render.started, slow_render.gate
        path = blog_site / "content/posts/alpha.md"
        path.write_text(path.read_text().replace("Alpha body text.", "Rewritten alpha text."))
        rebuild = threading.Thread(target=preview.rebuild)
        rebuild.start()
        assert started.wait(15)
        answers: list = []
        request = threading.Thread(target=lambda: answers.append(get(port, "/blog/posts/alpha/")))
        request.start()
        assert arrived.wait(15)
        request.join(0.5)
        assert request.is_alive(), "a request during a rebuild must wait for it"
        gate.set()
        request.join(15)
        rebuild.join(15)
        assert answers and answers[0].status == 200
        assert b"Rewritten alpha text." in answers[0].body
        assert b"Alpha body text." not in answers[0].body


def test_request_wait_during_a_rebuild_is_bounded(blog_site: Path, slow_render, monkeypatch):
    monkeypatch.setattr(chalk.serve.preview, "REQUEST_WAIT_SECONDS", 0.3)
    with InProcessServer(blog_site) as served:
        slow_render.armed = True
        started, gate = slow_render.started, slow_render.gate
        rebuild = threading.Thread(target=served.preview.rebuild)
        rebuild.start()
        try:
            assert started.wait(15)
            begin = time.monotonic()
            response = get(served.port, "/blog/posts/alpha/")
            assert response.status == 200 and b"Alpha body text." in response.body  # the last good site
            assert time.monotonic() - begin < 10
        finally:
            gate.set()
            rebuild.join(15)


# --------------------------------------------------------------------------- build errors

TEMPLATE_OK = '{% extends "base.html" %}\n{% block content %}<p class="tpl">Template says {{ page.title }}</p>{% endblock %}\n'
BREAKAGES = {
    # name: (file, broken text, fixed text, text the fixed page shows, expected message part)
    "front-matter": ("content/posts/x.md", '---\ntitle: [Broken\ndate: 2024-04-01\n---\n\nBroken body.\n',
                     post("Fixed X", "2024-04-01", body="Fixed body.\n"), "Fixed body.", "front matter"),
    "template": ("templates/post.html", '{% extends "base.html" %}\n{% block content %}\n{% if %}\n{% endblock %}\n',
                 TEMPLATE_OK, "Template says X", "template"),
    "site.yaml": ("site.yaml", "title: [Broken\nbase_url: https://example.org/blog/\n",
                  "title: Fixed title\nbase_url: https://example.org/blog/\n", "Fixed title", "invalid YAML"),
    "unclosed-fence": ("content/posts/x.md", post("X", "2024-04-01", body="Intro.\n\n```python\nx = 1\n"),
                       post("X", "2024-04-01", body="Intro fixed.\n\n```python\nx = 1\n```\n"), "Intro fixed.",
                       "never closed"),
}


def error_lines_of_build(site: Path, out: Path) -> list[str]:
    """The ``path:line: message`` error lines a ``chalk build`` of the site prints (what the terminal shows)."""
    code, stdout, stderr = run_chalk("build", "-s", site, "--drafts", "-o", out, cwd=site.parent, timeout=60)
    assert code == 1, stdout + stderr
    return [line for line in stderr.splitlines()
            if line.strip() and "warning:" not in line and not line.startswith("Build failed")]


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_build_error_overlay_appears_and_clears_and_server_survives(breakage: str, blog_site: Path,
                                                                    tmp_path: Path, chalk_serve):
    rel, broken, fixed, fixed_text, message_part = BREAKAGES[breakage]
    write_files(blog_site, {"content/posts/x.md": post("X", "2024-04-01", body="Old x text.\n")}, site_yaml=None)
    if rel.startswith("templates/"):
        write_files(blog_site, {rel: TEMPLATE_OK.replace("Template says", "Old template says")}, site_yaml=None)
        old_text = b"Old template says X"
    else:
        old_text = b"Old x text."
    server = chalk_serve(blog_site)
    port = server.port
    assert old_text in get(port, "/blog/posts/x/").body
    with EventStream(port) as events:
        assert events.next(type="hello")["version"] >= 1
        assert events.status == 200
        failures = server.count("^Build failed")

        (blog_site / rel).write_text(broken)
        message = events.next(type="error")
        errors = message["errors"]
        assert errors, message
        location = re.escape(rel) + r":\d+: "
        assert any(re.match(location, line) and message_part in line for line in errors), errors
        # the overlay shows the same text as the terminal (and as chalk build)
        server.wait_for("^Build failed", count=failures + 1)
        for line in errors:
            assert server.count("^" + re.escape(line) + "$") >= 1, (line, server.output)
        assert errors == error_lines_of_build(blog_site, tmp_path / "broken-build")

        # the last good site is still served; a page opened now learns of the error at once
        still = get(port, "/blog/posts/x/")
        assert still.status == 200 and old_text in still.body
        assert get(port, "/blog/").status == 200
        with EventStream(port) as late:
            assert late.next(type="error")["errors"] == errors

        (blog_site / rel).write_text(fixed)
        change = events.next(type="change")
        assert "/blog/posts/x/" in change["pages"]
        assert [m for m in events.pending(quiet=QUIET) if m["type"] == "error"] == []
        with EventStream(port) as late:
            assert late.next(type="hello")  # no error any more
        fresh = get(port, "/blog/posts/x/")
        assert fresh.status == 200 and fixed_text.encode() in fresh.body
        assert server.alive()
    server.assert_clean_stop()


def test_first_build_failing_serves_an_error_page_until_fixed(blog_site: Path, chalk_serve):
    broken = '---\ntitle: "X"\ndate: not-a-date\n---\n\nText.\n'
    write_files(blog_site, {"content/posts/x.md": broken}, site_yaml=None)
    server = chalk_serve(blog_site)  # it serves even though nothing built
    assert server.count("^Build failed") == 1
    response = get(server.port, "/blog/posts/x/")
    assert response.status == 503
    assert b"content/posts/x.md:" in response.body
    strip_reload_script(response.body)  # so the page can reload itself once the site builds
    with EventStream(server.port) as events:
        errors = events.next(type="error")["errors"]
        assert any(line.startswith("content/posts/x.md:3: ") for line in errors), errors
        (blog_site / "content/posts/x.md").write_text(broken.replace("not-a-date", "2024-04-01"))
        events.next(type="change")
    assert get(server.port, "/blog/posts/x/").status == 200
    server.assert_clean_stop()


# --------------------------------------------------------------------------- the watcher

def rebuild_count(server) -> int:
    return server.count(r"^(Rebuilt in|Build failed)")


def save_in_place(site: Path, text: str) -> None:
    (site / "content/posts/alpha.md").write_text(text)


def save_via_rename(site: Path, text: str) -> None:
    """VS Code / atomic-write style: write a temporary file beside the target, then rename it over."""
    target = site / "content/posts/alpha.md"
    temp = target.with_name("alpha.md.tmp")
    temp.write_text(text)
    os.replace(temp, target)


def save_like_vim(site: Path, text: str) -> None:
    """vim with backupcopy=no: probe file 4913, rename the original to a backup, write anew, drop the backup."""
    target = site / "content/posts/alpha.md"
    probe = target.with_name("4913")
    probe.write_text("")
    probe.unlink()
    backup = target.with_name("alpha.md~")
    os.rename(target, backup)
    target.write_text(text)
    backup.unlink()


def save_delete_recreate(site: Path, text: str) -> None:
    target = site / "content/posts/alpha.md"
    target.unlink()
    target.write_text(text)


def save_several(site: Path, text: str) -> None:
    """Save all: several files written one after the other."""
    (site / "content/posts/alpha.md").write_text(text)
    beta = site / "content/posts/beta.md"
    beta.write_text(beta.read_text() + "\nMore beta.\n")
    css = site / "static/css/extra.css"
    css.write_text(css.read_text() + "a { color: red }\n")
    about = site / "content/about.md"
    about.write_text(about.read_text() + "\nMore about.\n")


SAVES = [save_in_place, save_via_rename, save_like_vim, save_delete_recreate, save_several]


def test_each_editor_save_pattern_gives_exactly_one_rebuild(blog_site: Path, chalk_serve):
    server = chalk_serve(blog_site)
    port = server.port
    with EventStream(port) as events:
        events.next(type="hello")
        for number, save in enumerate(SAVES * 2):  # each pattern twice
            before = rebuild_count(server)
            marker = f"Saved by {save.__name__} number {number}."
            save(blog_site, post("Alpha", "2024-01-10", body=marker + "\n", tags=["one"]))
            server.wait_for(r"^(Rebuilt in|Build failed)", count=before + 1)
            change = events.next(type="change")
            assert "/blog/posts/alpha/" in change["pages"], (save.__name__, change)
            late = events.pending(quiet=QUIET)
            assert late == [], f"{save.__name__}: more than one rebuild: {late}"
            assert rebuild_count(server) == before + 1, f"{save.__name__}\n{server.output}"
            assert not server.count("^Build failed"), server.output
            assert marker.encode() in get(port, "/blog/posts/alpha/").body, save.__name__
        server.assert_clean_stop()  # Ctrl-C with a browser still listening: exit 0, no traceback


def test_a_save_that_changes_nothing_is_no_news_to_the_browsers(blog_site: Path, chalk_serve):
    """The same bytes saved again (or the rest of a "save all" the last build already read): the
    terminal says so, no browser is told, and the served version stays, so none reloads on reconnecting."""
    server = chalk_serve(blog_site)
    port = server.port
    alpha = blog_site / "content/posts/alpha.md"
    with EventStream(port) as events:
        version = events.next(type="hello")["version"]
        alpha.write_bytes(alpha.read_bytes())
        server.wait_for(r"^Checked in \d+ ms: nothing changed")
        assert events.pending(quiet=QUIET) == []
        alpha.write_text(alpha.read_text() + "\nOne more line.\n")
        change = events.next(type="change")
        assert change["version"] == version + 1 and "/blog/posts/alpha/" in change["pages"], change
    with EventStream(port) as events:
        assert events.next(type="hello")["version"] == version + 1
    assert server.count(r"^Rebuilt in") == 2, server.output  # the first build and the real edit
    server.assert_clean_stop()


def test_each_warning_is_printed_once_and_counted_after_that(blog_site: Path, chalk_serve):
    """A save prints the warnings its build did not have before; the others are counted on the
    summary line, so a new one is not lost among the old. A warning gone and back is new again."""
    alpha, beta = blog_site / "content/posts/alpha.md", blog_site / "content/posts/beta.md"
    write_files(blog_site, {"content/posts/alpha.md": post("Alpha", "2024-01-10", body="See [a](/blog/gone-a/).\n"),
                            "content/posts/beta.md": post("Beta", "2024-01-11", body="Plain.\n")}, site_yaml=None)
    server = chalk_serve(blog_site)
    gone_a, gone_b = r"^content/posts/alpha\.md:\d+: warning: link to /blog/gone-a/", \
        r"^content/posts/beta\.md:\d+: warning: link to /blog/gone-b/"

    def save(path: Path, body: str, builds: int) -> str:
        title = "Alpha" if path == alpha else "Beta"
        path.write_text(post(title, "2024-01-1" + ("0" if path == alpha else "1"), body=body))
        return server.wait_for(r"^Rebuilt in", count=builds)

    assert server.count(gone_a) == 1, server.output
    summary = save(alpha, "See [a](/blog/gone-a/), now longer.\n", 2)
    assert summary.endswith("; 1 warning as before"), summary
    assert server.count(gone_a) == 1, server.output
    summary = save(beta, "See [b](/blog/gone-b/).\n", 3)
    assert server.count(gone_b) == 1 and summary.endswith("; 1 warning as before"), server.output
    summary = save(alpha, "No link now.\n", 4)
    assert summary.endswith("; 1 warning as before") and server.count(gone_a) == 1, server.output
    save(alpha, "See [a](/blog/gone-a/) again.\n", 5)
    assert server.count(gone_a) == 2, server.output  # gone, then back: shown again
    summary = save(beta, "Plain again.\n", 6)
    assert summary.endswith("; 1 warning as before") and server.count(gone_b) == 1, server.output
    summary = save(alpha, "No link at all.\n", 7)
    assert "as before" not in summary, summary
    server.assert_clean_stop()


def test_the_watcher_reports_each_save_once_and_never_a_bare_folder(blog_site: Path):
    """Linux reports a folder as modified after every entry made, renamed or removed in it; that event
    adds nothing to the file's own, and arriving after the save settled it used to start a second rebuild."""
    batches: list[set[Path]] = []
    arrived = threading.Event()

    def record(paths: set[Path]) -> None:
        batches.append(paths)
        arrived.set()

    watcher = Watcher(blog_site, record)
    watcher.start()
    try:
        for save in SAVES:
            batches.clear()
            arrived.clear()
            save(blog_site, post("Alpha", "2024-01-10", body=f"By {save.__name__}.\n", tags=["one"]))
            assert arrived.wait(5), save.__name__
            time.sleep(QUIET)
            assert len(batches) == 1, (save.__name__, batches)
            assert all(path.is_file() for path in batches[0]), (save.__name__, batches)
            assert blog_site.resolve() / "content/posts/alpha.md" in batches[0], (save.__name__, batches)
    finally:
        watcher.stop()


def test_folders_created_after_the_start_are_watched(tmp_path: Path, chalk_serve):
    site = write_files(tmp_path / "bare", {"content/posts/alpha.md": post("Alpha", body="Alpha text.\n")},
                       site_yaml=ROOT_SITE_YAML)
    server = chalk_serve(site)
    port = server.port
    with EventStream(port) as events:
        events.next(type="hello")
        for round in range(2):  # made, then deleted and made again
            checked = server.count(r"^Checked in .*: nothing changed")
            (site / "templates").mkdir()
            server.wait_for(r"^Checked in .*: nothing changed", count=checked + 1)  # noticed; empty, so no news
            for version in ("one", "two"):
                (site / "templates/post.html").write_text(TEMPLATE_OK.replace("Template says", f"Version {version}"))
                expected = f"Version {version} Alpha".encode()
                assert eventually(lambda: expected in get(port, "/posts/alpha/").body), (round, version)
            shutil.rmtree(site / "templates")
            assert eventually(lambda: b"Version" not in get(port, "/posts/alpha/").body), round
            events.pending(quiet=QUIET)
    server.assert_clean_stop()


def test_navigate_names_the_saved_articles_page_only_when_asked(blog_site: Path, chalk_serve):
    """``serve --navigate`` (Hugo's --navigateToChanged): a saved source's change event names its page's URL."""
    navigating = chalk_serve(blog_site, "--navigate")
    with EventStream(navigating.port) as events:
        events.next(type="hello")
        (blog_site / "content/about.md").write_text(page("About", body="About, edited.\n"))
        assert events.next(type="change").get("navigate") == "/blog/about/"
        events.pending(quiet=QUIET)
        (blog_site / "content/posts/beta.md").write_text(post("Beta", "2024-02-10", body="Beta, edited.\n"))
        assert events.next(type="change").get("navigate") == "/blog/posts/beta/"
        events.pending(quiet=QUIET)
        (blog_site / "static/css/extra.css").write_text("p { color: navy }\n")  # not a page's source
        assert "navigate" not in events.next(type="change")
    navigating.assert_clean_stop()
    plain = chalk_serve(blog_site)
    with EventStream(plain.port) as events:
        events.next(type="hello")
        (blog_site / "content/posts/beta.md").write_text(post("Beta", "2024-02-10", body="Beta, again.\n"))
        change = events.next(type="change")
        assert "/blog/posts/beta/" in change["pages"] and "navigate" not in change, change
    plain.assert_clean_stop()


# --------------------------------------------------------------------------- incremental == clean

def wait_for_rebuild(events: EventStream, what: str) -> dict:
    message = events.next()
    assert message["type"] == "change", f"{what}: {message}"
    late = events.pending(quiet=QUIET)
    assert all(m["type"] == "change" for m in late), f"{what}: {late}"
    return late[-1] if late else message


def assert_served_equals_clean_build(served: InProcessServer, site: Path, out: Path, what: str,
                                     ever_built: set[str], subprocess: bool = False) -> None:
    base_path = served.preview.state.base_path
    clean = clean_build(site, out, f"http://127.0.0.1:{served.port}{base_path}", subprocess)
    expected = set(all_files(clean))
    snapshot = served.preview.state.snapshot
    assert snapshot is not None
    assert set(snapshot.files) == expected, f"{what}: served files differ from a clean build: " \
        f"missing {sorted(expected - set(snapshot.files))}, extra {sorted(set(snapshot.files) - expected)}"
    for rel in sorted(expected):
        response = get(served.port, base_path + quote(rel))
        assert response.status == 200, f"{what}: {rel} -> {response.status}"
        body = strip_reload_script(response.body) if rel.endswith(".html") else response.body
        assert body == (clean / rel).read_bytes(), f"{what}: {rel} differs from a clean build"
    ever_built |= expected
    for rel in sorted(ever_built - expected):  # files of earlier states are gone
        assert get(served.port, base_path + quote(rel)).status == 404, f"{what}: {rel} is still served"


def test_incremental_rebuilds_equal_a_clean_build_after_every_edit(blog_site: Path, tmp_path: Path):
    site = blog_site
    write_files(site, {
        "templates/partials/footer.html": (REPO / "templates/partials/footer.html").read_text(),
        "static/css/chalk.css": (REPO / "static/css/chalk.css").read_text(),
        "content/posts/delta.md": post("Delta", "2024-02-20", body="Delta text.\n", tags=["two"]),
    }, site_yaml=None)
    posts = site / "content/posts"

    def edit(rel: str, old: str, new: str) -> None:
        path = site / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new))

    steps = [
        ("content edit", lambda: edit("content/posts/alpha.md", "Alpha body text.", "Alpha body, edited.")),
        ("title edit (neighbours and listings)", lambda: edit("content/posts/beta.md", '"Beta"', '"Beta renamed"')),
        ("template edit", lambda: edit("templates/partials/footer.html", "Atom feed", "Atom feed (edited)")),
        ("page template added", lambda: write_files(site, {"templates/post.html": TEMPLATE_OK}, site_yaml=None)),
        ("page template removed", lambda: (site / "templates/post.html").unlink()),
        ("static edit", lambda: edit("static/css/chalk.css", "/* == tokens */", "/* == tokens (edited) */")),
        ("static file added", lambda: write_files(site, {"static/img/dot.svg": "<svg/>\n"}, site_yaml=None)),
        ("post added", lambda: write_files(site, {"content/posts/epsilon.md": post(
            "Epsilon", "2024-02-25", body="Epsilon text.\n", tags=["three"])}, site_yaml=None)),
        ("post renamed", lambda: os.rename(posts / "beta.md", posts / "beta-moved.md")),
        ("post deleted", lambda: (posts / "alpha.md").unlink()),
        ("date change (reorders neighbours)", lambda: edit("content/posts/delta.md", "2024-02-20", "2023-12-01")),
        ("draft published", lambda: edit("content/posts/gamma.md", "draft: true", "draft: false")),
        ("site.yaml title change", lambda: edit("site.yaml", "title: Serve test", "title: Serve test, edited")),
        ("tag change", lambda: edit("content/posts/delta.md", '["two"]', '["three", "four"]')),
        ("site.yaml base_url path change", lambda: edit("site.yaml", "example.org/blog/", "example.org/docs/")),
        ("static file deleted", lambda: (site / "static/docs/readme.txt").unlink()),
    ]
    ever_built: set[str] = set()
    with InProcessServer(site, watch=True) as served, EventStream(served.port) as events:
        events.next(type="hello")
        assert_served_equals_clean_build(served, site, tmp_path / "clean-0", "initial build", ever_built, True)
        for number, (what, step) in enumerate(steps, 1):
            step()
            change = wait_for_rebuild(events, what)
            if what == "content edit":
                assert "/blog/posts/alpha/" in change["pages"] and "/blog/about/" not in change["pages"], change
            if what == "static edit":
                assert change["css"] == ["/blog/css/chalk.css"] and change["pages"] == [], change
            last = number == len(steps)  # the real CLI at both ends, the same code in-process between
            assert_served_equals_clean_build(served, site, tmp_path / f"clean-{number}", what, ever_built, last)
        assert not [line for line in served.log if line.startswith("Build failed")], served.log
    assert not (site / "public").exists()
