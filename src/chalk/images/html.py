"""Rewrite a page's ``<img>`` tags: ``<picture>`` with AVIF/WebP sources, ``srcset`` and ``sizes``,
``width``/``height`` (no layout shift), lazy loading except for the page's first image, and a
link to the full image around it (the zoom: a plain link without JavaScript, a lightbox with it).

Works on the HTML chalk renders (Python-Markdown's and the author's raw ``<img>``); images
already inside a link or a ``<picture>`` keep their markup apart from size and loading.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Callable

_TOKEN = re.compile(r"<a\b[^>]*>|</a\s*>|<picture\b[^>]*>|</picture\s*>|<img\b[^>]*>", re.I)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ORDER = ("type", "src", "alt", "title", "id", "class", "width", "height", "srcset", "sizes", "loading", "decoding",
          "fetchpriority")


@dataclass(frozen=True)
class Responsive:
    """A raster image published as variants."""

    width: int
    height: int
    full_url: str  # the original file, for the zoom link
    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset) of the modern formats, best first
    srcset: str  # the original format's variants
    sizes: str


@dataclass(frozen=True)
class Plain:
    """An image published as it is (SVG, GIF, or any image when resizing is off)."""

    width: int | None
    height: int | None
    full_url: str


Lookup = Callable[[str], "Responsive | Plain | None"]


@dataclass
class Rewrite:
    html: str
    images: list[str] = field(default_factory=list)  # src of every image rewritten, in order


def parse_attributes(tag: str) -> dict[str, str]:
    """The attributes of one start tag, entities decoded (the tag name itself is left out)."""
    inner = re.sub(r"^<\w+|/?>$", "", tag)
    attributes: dict[str, str] = {}
    for match in _ATTR.finditer(inner):
        name = match.group(1).lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        attributes.setdefault(name, htmllib.unescape(value))
    return attributes


def render_tag(name: str, attributes: dict[str, str]) -> str:
    keys = [k for k in _ORDER if k in attributes] + [k for k in attributes if k not in _ORDER]
    parts = [f'{k}="{htmllib.escape(attributes[k], quote=True)}"' for k in keys]
    return f"<{name} {' '.join(parts)}>"


_ANY_IMG = re.compile(r"<img", re.I)

def rewrite_images(html: str, lookup: Lookup) -> Rewrite:
    """Every ``<img>`` of ``html`` rewritten as its lookup says; unknown images only get lazy loading."""
    if not _ANY_IMG.search(html):
        return Rewrite(html)
    out: list[str] = []
    done: list[str] = []
    position = links = pictures = 0
    first = True
    for match in _TOKEN.finditer(html):
        out.append(html[position:match.start()])
        position = match.end()
        token = match.group(0)
        lower = token[:8].lower()
        if lower.startswith("<a ") or lower == "<a>":
            links += 1
        elif lower.startswith("</a"):
            links = max(0, links - 1)
        elif lower.startswith("<picture"):
            pictures += 1
        elif lower.startswith("</pictur"):
            pictures = max(0, pictures - 1)
        elif lower.startswith("<img"):
            attributes = parse_attributes(token)
            found = lookup(attributes.get("src", ""))
            out.append(_image(attributes, found, first, linked=links > 0, pictured=pictures > 0))
            done.append(attributes.get("src", ""))
            first = False
            continue
        out.append(token)
    out.append(html[position:])
    return Rewrite("".join(out), done)


def _image(attributes: dict[str, str], found: Responsive | Plain | None, first: bool, linked: bool,
           pictured: bool) -> str:
    attributes = dict(attributes)
    if first:  # the first image is likely the largest thing above the fold: load it at once
        attributes.pop("loading", None)
        attributes["fetchpriority"] = "high"
    else:
        attributes["loading"] = "lazy"
    attributes["decoding"] = "async"
    if found is None:
        return render_tag("img", attributes)
    if found.width and found.height:
        attributes["width"], attributes["height"] = str(found.width), str(found.height)
    if isinstance(found, Plain) or pictured:
        tag = render_tag("img", attributes)
    else:
        attributes["srcset"], attributes["sizes"] = found.srcset, found.sizes
        sources = "".join(render_tag("source", {"type": kind, "srcset": srcset, "sizes": found.sizes})
                          for kind, srcset in found.sources)
        tag = f"<picture>{sources}{render_tag('img', attributes)}</picture>"
    if linked or pictured:
        return tag
    return f'<a class="zoom" href="{htmllib.escape(found.full_url, quote=True)}" data-zoom>{tag}</a>'
