"""Links between sources: ``[GANs](gans.md#training)`` becomes the URL of that page."""

from __future__ import annotations

import html as htmllib
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from markupsafe import Markup

from ..content import Source
from ..errors import Diagnostics, error
from ..digest import text_digest
from .site import Page


_SOURCE_LINK = re.compile(r'(<a\b[^>]*?\bhref=")([^":#?]+\.(?:md|ipynb))((?:#[^"]*)?")')  # notebooks are articles


def resolve_source_links(pages: list[Page], sources: dict[str, Source], diagnostics: Diagnostics,
                         root: Path | None = None) -> None:
    """Turn links to Markdown files (``[GANs](gans.md#training)``) into the URLs of those pages."""
    by_source = {page.source: page for page in pages}
    for page in pages:
        if not page.has_source_links:
            continue
        folder = posixpath.dirname(page.source)

        def replace(match: re.Match[str], page: Page = page, folder: str = folder) -> str:
            href = htmllib.unescape(match.group(2))
            wanted = posixpath.normpath(posixpath.join(folder, unquote(href)))
            if href.startswith("/"):
                wanted = posixpath.normpath("content" + unquote(href))
            target = by_source.get(wanted)
            if target is None:
                source = sources[page.source]
                line = next((source.body_line + i for i, text in enumerate(source.body.split("\n")) if href in text),
                            1)
                if root is not None and (root / wanted).is_file():  # a draft, or a file with errors
                    diagnostics.add(error(f"link to {href}: {wanted} is not part of this build (a draft, or a "
                                          "file with errors)", page.source, line))
                else:
                    diagnostics.add(error(f"link to {href}: no such content file ({wanted})", page.source, line,
                                          hint="link to a .md file under content/, relative to this file"))
                return match.group(0)
            return match.group(1) + target.url + match.group(3)

        page.content = Markup(_SOURCE_LINK.sub(replace, page.content))
        page.content_digest = text_digest(page.content)
