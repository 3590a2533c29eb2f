"""URLs of the site: every page's path under ``base_url``, and its full address."""

from __future__ import annotations

from urllib.parse import quote

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
