"""Links in imported bodies: old URLs of imported pages become relative links to their
``.md`` files (chalk turns those into the new URLs), and site-absolute links to assets
become relative to the page, so the site works under any base path."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .document import Document

_MD_LINK = re.compile(r"(\]\(\s*<?)([^)\s>]+)(>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\))")
_REF_DEF = re.compile(r"^([ \t]{0,3}\[[^\]]+\]:[ \t]*<?)(\S+?)(>?(?:[ \t].*)?)$", re.M)
_ATTR = re.compile(r"""(\b(?:href|src)\s*=\s*)(["'])(.*?)\2""", re.I)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)


@dataclass
class Links:
    """Everything the old site could be linked by: its pages' URLs and files, and its assets."""

    site_url: str = ""  # https://example.github.io (no trailing slash)
    base_path: str = ""  # /blog (no trailing slash), the old baseurl
    by_url: dict[str, Document] = field(default_factory=dict)
    by_src: dict[str, Document] = field(default_factory=dict)
    by_post_name: dict[str, Document] = field(default_factory=dict)
    assets: set[str] = field(default_factory=set)  # site paths of copied files: /assets/x.png

    def add(self, doc: Document, post_name: str = "") -> None:
        self.by_src[doc.src] = doc
        if doc.old_url:
            self.by_url[_key(doc.old_url)] = doc
        if post_name:
            self.by_post_name[post_name] = doc

    def post_url(self, name: str, doc: Document) -> str | None:
        """Jekyll ``{% post_url 2019-04-25-title %}`` (optionally with a folder before it)."""
        name = name.strip().strip("'\"")
        target = self.by_post_name.get(name) or self.by_post_name.get(posixpath.basename(name))
        return doc.link_to(target) if target else None

    def file_link(self, path: str, doc: Document) -> str | None:
        """Jekyll ``{% link _posts/x.md %}``: a document or an asset, by its path in SRC."""
        path = path.strip().strip("'\"").lstrip("/")
        target = self.by_src.get(path)
        if target is not None:
            return doc.link_to(target)
        return self._asset("/" + path, doc, "")

    def ref(self, path: str, doc: Document) -> str | None:
        """Hugo ``ref``/``relref``: a content path (from content/ or the page's folder) or a unique name."""
        path, _, fragment = path.strip().strip("'\"").partition("#")
        if not path:
            return "#" + fragment if fragment else None
        folder = posixpath.dirname(doc.src)
        candidates = [posixpath.normpath(posixpath.join("content", path.lstrip("/"))),
                      posixpath.normpath(posixpath.join(folder, path))]
        for candidate in [*candidates, *(c + ".md" for c in candidates), *(c + "/index.md" for c in candidates)]:
            if candidate in self.by_src:
                return doc.link_to(self.by_src[candidate], fragment)
        named = [d for src, d in self.by_src.items() if posixpath.basename(src) == posixpath.basename(path)
                 or posixpath.basename(posixpath.dirname(src)) == path.rstrip("/")]
        return doc.link_to(named[0], fragment) if len(named) == 1 else None

    def rewrite(self, url: str, doc: Document) -> str:
        """The link chalk should see for ``url`` written in ``doc``."""
        path = self._site_path(url)
        if path is None:
            return url
        bare, _, fragment = path.partition("#")
        bare = bare.split("?", 1)[0]
        target = self.by_url.get(_key(bare))
        if target is not None:
            return doc.link_to(target, fragment)
        return self._asset(bare, doc, fragment) or url

    def _site_path(self, url: str) -> str | None:
        """The path inside the old site a link points at, or None for links elsewhere or relative ones."""
        if self.site_url and url.startswith(self.site_url + "/"):
            url = url[len(self.site_url):]
        elif url.startswith(("http://", "https://")) and self.site_url:
            parts = urlsplit(url)
            if parts.netloc != urlsplit(self.site_url).netloc:
                return None
            url = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
        if not url.startswith("/") or url.startswith("//"):
            return None
        if self.base_path and (url == self.base_path or url.startswith(self.base_path + "/")):
            url = url[len(self.base_path):] or "/"
        return url

    def _asset(self, path: str, doc: Document, fragment: str) -> str | None:
        if unquote(path) not in self.assets:
            return None
        return posixpath.relpath(path, doc.url_folder) + (f"#{fragment}" if fragment else "")


def _key(url: str) -> str:
    """Old URLs compare without index.html and without the trailing slash."""
    url = unquote(url)
    if url.endswith("/index.html"):
        url = url[: -len("index.html")]
    return url.rstrip("/") or "/"


def rewrite_links(text: str, doc: Document, links: Links) -> str:
    """Rewrite every Markdown link, reference definition and href/src in ``text`` (not code spans)."""
    spans: list[str] = []

    def hide(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\x02C{len(spans) - 1}\x03"

    text = _CODE_SPAN.sub(hide, text)
    text = _MD_LINK.sub(lambda m: m.group(1) + links.rewrite(m.group(2), doc) + m.group(3), text)
    text = _REF_DEF.sub(lambda m: m.group(1) + links.rewrite(m.group(2), doc) + m.group(3), text)
    text = _ATTR.sub(lambda m: m.group(1) + m.group(2) + links.rewrite(m.group(3), doc) + m.group(2), text)
    return re.sub("\x02C(\\d+)\x03", lambda m: spans[int(m.group(1))], text)
