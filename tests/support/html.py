"""Reading what a build wrote: html5lib parsing into ElementTree, finders, feeds and URLs."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit

import html5lib

from .sites import BASE_PATH

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_html(source: str | bytes | os.PathLike) -> ET.Element:
    """Parse an HTML file (a Path) or HTML text with html5lib; returns the ElementTree root (<html>).

    Elements are not namespaced, so ``root.iter("a")`` works.
    """
    if isinstance(source, os.PathLike):
        source = Path(source).read_bytes()
    return html5lib.parse(source, treebuilder="etree", namespaceHTMLElements=False)


def classes(element: ET.Element) -> list[str]:
    """The element's class names."""
    return (element.get("class") or "").split()


def has_class(element: ET.Element, name: str) -> bool:
    """Whether ``name`` is one of the element's classes."""
    return name in classes(element)


def find_all(root: ET.Element, tag: str | None = None, cls: str | None = None, id: str | None = None,
             **attrs: str) -> list[ET.Element]:
    """All elements under ``root`` (itself included) matching tag, class, id and attribute values.

    Attribute names use ``_`` for ``-`` (``aria_label="x"`` matches ``aria-label="x"``).
    """
    wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
    found = []
    for element in root.iter(tag) if tag else root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        if cls is not None and not has_class(element, cls):
            continue
        if id is not None and element.get("id") != id:
            continue
        if any(element.get(name) != value for name, value in wanted.items()):
            continue
        found.append(element)
    return found


def find_one(root: ET.Element, tag: str | None = None, cls: str | None = None, id: str | None = None,
             **attrs: str) -> ET.Element:
    """The single element matching (see :func:`find_all`); fails the test if there are 0 or several."""
    found = find_all(root, tag, cls, id, **attrs)
    assert len(found) == 1, f"expected exactly one <{tag or '*'} class={cls} id={id} {attrs}>, found {len(found)}"
    return found[0]


def find_by_id(root: ET.Element, id: str) -> ET.Element | None:
    """The element with this id, or None."""
    found = find_all(root, id=id)
    return found[0] if found else None


def text_of(element: ET.Element) -> str:
    """All text inside the element, whitespace folded."""
    return " ".join("".join(element.itertext()).split())


def meta_content(root: ET.Element, name: str) -> str | None:
    """The content of ``<meta name=NAME>`` or ``<meta property=NAME>``, or None."""
    for meta in root.iter("meta"):
        if meta.get("name") == name or meta.get("property") == name:
            return meta.get("content")
    return None


def parse_xml(path: Path) -> ET.Element:
    """Parse an XML file (feed, sitemap) with xml.etree; fails the test on malformed XML."""
    return ET.fromstring(path.read_bytes())


def output_file_for(output: Path, url: str, base_path: str = BASE_PATH) -> Path | None:
    """The output file a site-absolute URL (``/blog/posts/x/#frag``) or full URL is served from.

    Directory URLs map to their ``index.html``; returns None if the URL is not under ``base_path``.
    """
    path = unquote(urlsplit(url).path)
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return output / rel


def iter_links(root: ET.Element) -> Iterable[tuple[str, str, str]]:
    """(tag, attribute, url) for every href/src in a parsed HTML page."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                yield element.tag, attribute, value
