"""Subpath hosting for real: a site built for ``http://127.0.0.1:<port>/blog/`` served by nginx.

nginx (Debian's) runs on a free loopback port with a config written into
tmp_path (``location /blog/ { alias public/; }``, ``error_page 404``), and a
crawler follows every internal href and src from ``/blog/`` — plus every link in
feed.xml (including the post HTML inside it), sitemap.xml and robots.txt —
asserting no 404s, no links that leave ``/blog/``, every page text/html 200,
and that every page in public/ is reachable.

Skipped when nginx is missing; fails instead when CHALK_REQUIRE_SERVER=1 (CI).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from support.html import ATOM, iter_links, meta_content, parse_html, SITEMAP
from support.sites import build, page, post, write_files
from support.tools import free_port, require_nginx

pytestmark = pytest.mark.server

BASE = "/blog/"
# A 1x1 transparent PNG.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
                    "890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")  # a valid 1x1 PNG: images are decoded and resized
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20"/></svg>\n'


def site_files(base_url: str) -> dict[str, str | bytes]:
    """Five tagged posts (three home pages at two per page), an about page, a drawing and an image."""
    files: dict[str, str | bytes] = {
        "site.yaml": (f"title: Subpath blog\nbase_url: {base_url}\ndescription: Served from a subfolder.\n"
                      "author: Tester\nposts_per_page: 2\nmenu:\n  - title: About\n    url: /about/\n"),
        "content/about.md": page("About", "A blog served under /blog/.\n"),
        "static/images/photo.png": PNG,
        "static/diagrams/flow.svg": SVG,
    }
    tags = [["gan", "vision"], ["gan"], ["diffusion", "vision"], ["rl"], ["diffusion", "Tips & Tricks"]]
    for n, names in enumerate(tags, start=1):
        body = (f"Post number {n}.\n\n## First part\n\nText.\n\n## Second part\n\nMore text.\n\n"
                "![A photo](../../images/photo.png)\n")
        if n == 1:
            body += "\n```diagram\nid: flow\ncaption: The flow\nalt: Boxes and arrows.\n```\n"
        files[f"content/posts/post-{n}.md"] = post(f"Post {n}", f"2024-0{n}-01", body, tags=names)
    return files


# --------------------------------------------------------------------------- nginx


def nginx_supports_error_log_flag(nginx: str) -> bool:
    """``-e file`` (nginx >= 1.19.5) keeps nginx from opening /var/log/nginx/error.log before reading the config."""
    proc = subprocess.run([nginx, "-h"], capture_output=True, text=True)
    return "-e filename" in proc.stdout + proc.stderr


def nginx_conf(prefix: Path, public: Path, port: int) -> str:
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""  # workers must read tmp_path
    (prefix / "root").mkdir(exist_ok=True)  # an empty document root for everything outside /blog/
    return f"""\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{
        text/html html;
        text/css css;
        application/javascript js;
        application/xml xml;
        text/plain txt;
        image/svg+xml svg;
        image/png png;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/css application/javascript application/xml text/plain image/svg+xml;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {prefix}/root;
        location {BASE} {{
            alias {public}/;
        }}
        error_page 404 {BASE}404.html;
    }}
}}
"""


def wait_for_port(proc: subprocess.Popen, port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class Server:
    root: Path  # the site's folder
    public: Path
    origin: str  # http://127.0.0.1:PORT

    @property
    def base_url(self) -> str:
        return self.origin + BASE


@pytest.fixture
def served_site(tmp_path: Path) -> Iterator[Server]:
    """The site built for its real address and served by nginx; nginx is always stopped afterwards."""
    nginx = require_nginx()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    flags = ["-e", str(prefix / "error.log")] if nginx_supports_error_log_flag(nginx) else []
    problems = []
    for _attempt in range(3):  # the free port may be taken between asking and binding
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        root = write_files(tmp_path / f"site-{port}", site_files(origin + BASE), site_yaml=None)
        public = build(root).output
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_conf(prefix, public, port))
        proc = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), *flags, "-g", "daemon off;"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            if wait_for_port(proc, port):
                yield Server(root, public, origin)
                return
            stop(proc)
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            log = (prefix / "error.log").read_text(errors="replace") if (prefix / "error.log").exists() else ""
            problems.append(f"port {port}: {output.strip()} {log.strip()}")
        finally:
            stop(proc)
            if proc.stdout:
                proc.stdout.close()
    pytest.fail("nginx did not start: " + " | ".join(problems))


# --------------------------------------------------------------------------- crawling


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is reported, not followed
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) without following redirects or using any proxy."""
    try:
        with _OPENER.open(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def html_links(body: bytes, base: str) -> list[str]:
    root = parse_html(body)
    links = [urljoin(base, url) for _tag, _attribute, url in iter_links(root)]
    og = meta_content(root, "og:url")
    return links + ([og] if og else [])


def feed_links(body: bytes, base: str) -> list[str]:
    feed = ET.fromstring(body)
    links = [link.get("href", "") for link in feed.iter(f"{ATOM}link")]
    links += [el.text or "" for el in [*feed.iter(f"{ATOM}icon"), *feed.iter(f"{ATOM}uri")]]
    links += [el.get("scheme", "") for el in feed.iter(f"{ATOM}category")]
    for content in feed.iter(f"{ATOM}content"):  # the post HTML, relative to its xml:base
        xml_base = content.get("{http://www.w3.org/XML/1998/namespace}base", base)
        links += html_links((content.text or "").encode(), xml_base)
    return [urljoin(base, link) for link in links if link]


def sitemap_links(body: bytes, base: str) -> list[str]:
    return [urljoin(base, (loc.text or "").strip()) for loc in ET.fromstring(body).iter(f"{SITEMAP}loc")]


def robots_links(body: bytes, base: str) -> list[str]:
    return [urljoin(base, line.split(":", 1)[1].strip()) for line in body.decode().splitlines()
            if line.lower().startswith("sitemap:")]


@dataclass
class Crawl:
    fetched: dict[str, tuple[int, str]] = field(default_factory=dict)  # url -> (status, content type)
    referrers: dict[str, set[str]] = field(default_factory=dict)
    outside: list[tuple[str, str]] = field(default_factory=list)  # (referrer, link) leaving the base path

    def problems(self) -> list[str]:
        lines = []
        for url, (status, ctype) in sorted(self.fetched.items()):
            path = urlsplit(url).path
            wanted_html = path.endswith("/") or path.endswith(".html")
            if status != 200 or (wanted_html and not ctype.startswith("text/html")):
                lines.append(f"{status} {ctype or '-'} {url} (linked from {sorted(self.referrers.get(url, []))})")
        lines += [f"link leaves {BASE}: {link} (in {ref})" for ref, link in self.outside]
        return lines


def links_of(url: str, ctype: str, body: bytes) -> list[str]:
    path = urlsplit(url).path
    if ctype.startswith("text/html"):
        return html_links(body, url)
    if path.endswith("/feed.xml"):
        return feed_links(body, url)
    if path.endswith("/sitemap.xml"):
        return sitemap_links(body, url)
    if path.endswith("/robots.txt"):
        return robots_links(body, url)
    return []


def crawl(origin: str, seeds: dict[str, str]) -> Crawl:
    """Fetch every same-origin URL reachable from ``seeds`` (url -> referrer)."""
    result = Crawl()
    queue = deque()

    def see(link: str, referrer: str) -> None:
        link = urldefrag(link)[0]
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
            return  # not ours (mailto:, data:, external sites)
        if not parts.path.startswith(BASE):
            result.outside.append((referrer, link))
        result.referrers.setdefault(link, set()).add(referrer)
        if link not in result.fetched:
            result.fetched[link] = (0, "")
            queue.append(link)

    for url, referrer in seeds.items():
        see(url, referrer)
    while queue:
        url = queue.popleft()
        status, ctype, body = fetch(url)
        result.fetched[url] = (status, ctype)
        if status == 200:
            for link in links_of(url, ctype, body):
                see(link, url)
    return result


def page_urls(server: Server) -> set[str]:
    """The URL of every page in public/ (directory URLs for index.html files)."""
    urls = set()
    for path in server.public.rglob("*.html"):
        rel = path.relative_to(server.public).as_posix()
        if rel == "404.html":
            continue
        urls.add(server.base_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return urls


# --------------------------------------------------------------------------- tests


def test_every_link_works_when_served_from_a_subpath(served_site: Server) -> None:
    server = served_site
    start = server.base_url
    seeds = {start: "(start)", start + "feed.xml": "(start)", start + "sitemap.xml": "(start)",
             start + "robots.txt": "(start)"}
    result = crawl(server.origin, seeds)

    assert result.problems() == []
    crawled = set(result.fetched)
    assert page_urls(server) <= crawled, f"pages nobody links to: {sorted(page_urls(server) - crawled)}"
    for expected in ("page/2/", "page/3/", "about/", "tags/", "tags/gan/", "tags/tips-tricks/", "archive/",
                     "posts/post-1/", "images/photo.png", "diagrams/flow.svg", "feed.xml", "sitemap.xml"):
        assert start + expected in crawled, expected
    assert all(urlsplit(url).path.startswith(BASE) for url in crawled)


def test_unknown_urls_get_the_sites_404_page_with_working_links(served_site: Server) -> None:
    server = served_site
    for missing in ("no-such-page/", "posts/deleted/", "tags/nope/deeper/", "missing.css"):
        status, ctype, body = fetch(server.base_url + missing)
        assert status == 404, missing
        assert ctype.startswith("text/html")
        assert b"This page could not be found" in body
    missing = server.base_url + "tags/nope/deeper/"
    _, _, body = fetch(missing)
    links = {urldefrag(link)[0] for link in html_links(body, missing)} - {missing}  # minus "#content"
    result = crawl(server.origin, {link: "(the 404 page)" for link in links})
    assert result.problems() == []
    assert server.base_url in result.fetched and server.base_url + "archive/" in result.fetched


def test_the_pages_use_the_subpath_for_assets(served_site: Server) -> None:
    status, ctype, body = fetch(served_site.base_url + "posts/post-1/")
    assert (status, ctype.split(";")[0]) == (200, "text/html")
    root = parse_html(body)
    stylesheets = [link.get("href") for link in root.iter("link") if link.get("rel") == "stylesheet"]
    assert stylesheets and all(href.startswith(BASE) for href in stylesheets)
    images = [img.get("src") for img in root.iter("img")]
    assert f"{BASE}diagrams/flow.svg" in images and "../../images/photo.png" in images
    for href in stylesheets:
        status, ctype, _ = fetch(served_site.origin + href)
        assert (status, ctype.split(";")[0]) == (200, "text/css")
