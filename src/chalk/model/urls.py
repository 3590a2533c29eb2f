"""URLs of the site: every page's path under ``base_url``, and its full address."""

from __future__ import annotations

from urllib.parse import quote, unquote

from ..config import Config


def url_path(config: Config, *parts: str) -> str:
    """Site-absolute, percent-encoded directory URL: url_path(c, 'posts', 'gan') -> '/blog/posts/gan/'."""
    joined = "/".join(quote(part) for part in parts if part)
    return config.base_path + (joined + "/" if joined else "")


def absolute(config: Config, path: str) -> str:
    """Turn a site-absolute path into a full URL on base_url's origin."""
    origin = config.base_url[: len(config.base_url) - len(config.base_path)]
    return origin + path


def output_file(*parts: str) -> str:
    return "/".join([*(p for p in parts if p), "index.html"])


def own_url(config: Config, path: str) -> tuple[str, str]:
    """(URL, output file) of a path a page chose (``url:``, ``aliases:``): '2019/x/' or 'old/x.html'."""
    url = config.base_path + quote(path)
    return url, own_output(url, config.base_path)


def own_output(url: str, base_path: str) -> str:
    """The output file of a site-absolute URL chalk made: a folder's index.html, or the file itself."""
    rest = unquote(url[len(base_path):])
    return rest + "index.html" if rest.endswith("/") else rest
