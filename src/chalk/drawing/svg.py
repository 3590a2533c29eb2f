"""SVG from an engine, made fit for a page: cleaned once, then put inline with ids of its own.

:func:`clean` (once per drawing, cached) drops what a page must not carry or does not need:
the XML prolog, comments, scripts and event attributes, embedded fonts (the text takes the
site's font); it fixes the drawing's size in CSS pixels. :func:`inline` (per figure) makes
every id unique to the figure, and gives the root ``role="img"`` with the alt text as its
name and the caption as its description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from .palette import FONT, retheme

_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S | re.I)
_SCRIPT = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*/>", re.S | re.I)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title>", re.S)  # node names as tooltips; the figure has its own name
_EVENT_ATTR = re.compile(r"""\son[a-z]+\s*=\s*(?:"[^"]*"|'[^']*')""", re.I)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.S)
_D2_FONT = re.compile(r"font-family:\s*\"?d2-\d+-font-(?:regular|bold|italic|semibold|mono[\w-]*)\"?")
_FONT_ATTR = re.compile(r'\sfont-family="[^"]*"')
_ROOT = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'\sviewBox="\s*([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([\d.e]+)[\s,]+([\d.e]+)\s*"')
_LENGTH = {name: re.compile(rf'\s{name}="\s*([\d.]+)\s*(px|pt)?\s*"') for name in ("width", "height")}
_ID = re.compile(r'\sid="([^"]+)"')
_ROOT_ATTRS_DROPPED = re.compile(r'\s(?:width|height|style|role|aria-[\w-]+|class|preserveAspectRatio)="[^"]*"')


SCROLL_WIDTH = 560  # px: wider drawings keep at least this width on small screens, and scroll


@dataclass(frozen=True)
class CleanSvg:
    """A drawing ready to be put inline: its markup and its size in CSS pixels."""

    markup: str
    width: int
    height: int


def clean(svg: str) -> CleanSvg:
    """The engine's SVG without prolog, scripts or embedded fonts, in the theme's colours."""
    svg = _PROLOG.sub("", svg)
    svg = _TITLE.sub("", _SCRIPT.sub("", _EVENT_ATTR.sub("", svg)))
    svg = _FONT_FACE.sub("", svg)
    svg = _D2_FONT.sub(f"font-family:{FONT}", svg)
    svg = _FONT_ATTR.sub(' font-family="system-ui, sans-serif"', svg)  # figures.css sets the site's font
    svg = retheme(svg.strip())
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("the engine's output has no <svg> element")
    width, height = _size(root.group(0))
    tag = re.sub(r"\s+", " ", _ROOT_ATTRS_DROPPED.sub("", root.group(0)))
    tag = tag[:-1] + f' width="{width}" height="{height}">'
    return CleanSvg(svg[:root.start()] + tag + svg[root.end():], width, height)


def _size(tag: str) -> tuple[int, int]:
    """CSS pixels from width/height (pt are 4/3 px) or else the viewBox."""
    box = _VIEWBOX.search(tag)
    sizes = []
    for name in ("width", "height"):
        found = _LENGTH[name].search(tag)
        sizes.append(float(found.group(1)) * (4 / 3 if found.group(2) == "pt" else 1) if found else None)
    if sizes[0] and sizes[1]:
        return round(sizes[0]), round(sizes[1])
    if box is None:
        return 600, 400
    return round(float(box.group(3))), round(float(box.group(4)))


def inline(drawing: CleanSvg, prefix: str, alt: str, caption: str, feed_src: str = "") -> str:
    """The drawing for one figure: ids prefixed with ``prefix``, and its accessible name and description."""
    svg = _unique_ids(drawing.markup, prefix)
    described = f' aria-describedby="{escape(prefix)}desc"' if caption else ""
    feed = f' data-feed-src="{escape(feed_src)}"' if feed_src else ""
    root = _ROOT.search(svg)
    assert root is not None
    tag = (root.group(0)[:-1] + f' class="diagram-svg" role="img" aria-label="{escape(alt)}"{described}{feed}'
           ' focusable="false">')
    desc = f'<desc id="{escape(prefix)}desc">{escape(caption)}</desc>' if caption else ""
    if drawing.width > SCROLL_WIDTH:  # on a phone it scrolls sideways rather than shrink its text away
        tag = tag[:-1] + f' style="--diagram-width:{drawing.width}px">'
        return (f'<div class="diagram-frame" tabindex="0">{svg[:root.start()]}{tag}{desc}{svg[root.end():]}'
                '</div>')
    return svg[:root.start()] + tag + desc + svg[root.end():]


def standalone(drawing: CleanSvg, alt: str) -> bytes:
    """The drawing as a file of its own (for feeds): a title, and its light colours."""
    root = _ROOT.search(drawing.markup)
    assert root is not None
    tag = root.group(0)
    if "xmlns=" not in tag:
        tag = tag[:-1] + ' xmlns="http://www.w3.org/2000/svg">'
    text = (drawing.markup[:root.start()] + tag[:-1] + ' role="img">' + f"<title>{escape(alt)}</title>"
            + drawing.markup[root.end():])
    return text.encode()


def _unique_ids(svg: str, prefix: str) -> str:
    """Prefix every id, and every reference to one (``#id`` in url(), href and CSS selectors)."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    names = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'(\sid=")({names})"', lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', svg)
    return re.sub(rf"#({names})(?![\w-])", lambda m: f"#{prefix}{m.group(1)}", svg)


_FEED_SVG = re.compile(r'(?:<div class="diagram-frame"[^>]*>)?<svg\s[^>]*?class="diagram-svg"[^>]*?aria-label="([^"]*)"'
                       r'[^>]*?data-feed-src="([^"]*)"[^>]*>.*?</svg>(?:</div>)?(?=<figcaption|</figure>)', re.S)


def feed_html(html: str) -> str:
    """Inline diagrams -> same-origin images of them (feed readers drop the page's stylesheet)."""
    if 'class="diagram-svg"' not in html:
        return html
    return _FEED_SVG.sub(lambda m: f'<img src="{m.group(2)}" alt="{m.group(1)}">', html)
