"""Jupyter outputs -> HTML: what a cell printed, displayed, drew or raised.

One output, one element, choosing the richest form chalk can show, in this order:
SVG, PNG/JPEG, HTML (a pandas DataFrame becomes a plain, scrollable table), Markdown,
LaTeX (MathML through :mod:`chalk.markdown.math`), then plain text. Streams and
errors are preformatted text without terminal colours. Matplotlib's SVG drawn in
chalk's marker colour (see :mod:`chalk.execute.kernel`) is inlined with that colour
as ``currentColor``, so a plot follows the light or dark theme; its ids are made
unique per cell, so several plots on one page do not clash.
"""

from __future__ import annotations

import base64
import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any

import markdown as pymarkdown

from ..errors import Diagnostic, warning
from ..execute.ansi import strip_ansi
from ..execute.kernel import INK
from .math import MathError, tex_to_mathml

IMAGE_TYPES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")
SHOWN_TYPES = (*IMAGE_TYPES, "text/html", "text/markdown", "text/latex", "text/plain")
_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style>\s*", re.S | re.I)
_DATAFRAME = re.compile(r'<table\b[^>]*class="dataframe"[^>]*>', re.I)
_LATEX_DELIMS = re.compile(r"^\s*(\$\$|\$|\\\[|\\\()(.*?)(\$\$|\$|\\\]|\\\))\s*$", re.S)


@dataclass
class OutputContext:
    """Where the outputs are shown: for messages and for unique ids."""

    path: str
    line: int
    cell: int
    alt: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    missing_alt: bool = False  # an image was shown without alt text (reported once per article)


def is_image(output: dict[str, Any]) -> bool:
    """Whether the output is shown as an image (it belongs in the cell's figure)."""
    data = output.get("data") or {}
    return output.get("output_type") in ("display_data", "execute_result") and \
        next((kind for kind in SHOWN_TYPES if kind in data), None) in IMAGE_TYPES


def outputs_html(outputs: tuple[dict[str, Any], ...], context: OutputContext) -> str:
    return "".join(output_html(output, number, context) for number, output in enumerate(outputs, start=1))


def output_html(output: dict[str, Any], number: int, context: OutputContext) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return _pre(_text(output.get("text", "")), f"cell-output cell-output--{name}")
    if kind == "error":
        trace = strip_ansi("\n".join(output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"]))
        lines = "\n".join(line for line in trace.split("\n") if not (line.strip() and set(line.strip()) == {"-"}))
        return (f'<div class="cell-output cell-output--error" role="note"><p class="cell-output__label">'
                f'{htmllib.escape(str(output.get("ename", "Error")))}</p>{_pre(lines, "")}</div>')
    if kind in ("display_data", "execute_result"):
        return _rich(output.get("data") or {}, output.get("metadata") or {}, number, context)
    context.diagnostics.append(warning(f"cell {context.cell}: output of type {kind!r} cannot be shown",
                                       context.path, context.line))
    return ""


def _rich(data: dict[str, Any], metadata: dict[str, Any], number: int, context: OutputContext) -> str:
    mime = next((kind for kind in SHOWN_TYPES if kind in data), None)
    if mime is None:
        if data:
            context.diagnostics.append(warning(
                f"cell {context.cell}: cannot show an output of type {', '.join(sorted(data))}", context.path,
                context.line, hint="chalk shows images, HTML, Markdown, LaTeX and text"))
        return ""
    value = _text(data[mime])
    if mime == "image/svg+xml":
        return _svg(value, f"cell-{context.cell}-{number}", context)
    if mime in IMAGE_TYPES:
        return _image(mime, value, metadata.get(mime) or {}, context)
    if mime == "text/html":
        return _html(value)
    if mime == "text/markdown":
        return f'<div class="cell-output cell-output--markdown">{_markdown(value)}</div>'
    if mime == "text/latex":
        latex = _latex(value, context)
        if latex is not None:
            return latex
        value = _text(data.get("text/plain", value))
    return _pre(value, "cell-output cell-output--result")


def _svg(svg: str, prefix: str, context: OutputContext) -> str:
    svg = _METADATA.sub("", _XML_PROLOGUE.sub("", svg, count=1))
    ids = _SVG_ID.findall(svg)
    for ident in sorted(set(ids), key=len, reverse=True):
        new = f"{prefix}-{ident}"
        svg = svg.replace(f'id="{ident}"', f'id="{new}"').replace(f"#{ident})", f"#{new})")
        svg = svg.replace(f'href="#{ident}"', f'href="#{new}"')
    adaptive = INK in svg
    svg = svg.replace(INK, "currentColor")
    label = htmllib.escape(context.alt, quote=True)
    attrs = f' role="img" aria-label="{label}"' if label else ' role="img"'
    svg = re.sub(r"<svg\b", f"<svg{attrs}", svg, count=1)
    if not label:
        _no_alt(context)
    css = "cell-output cell-output--image" + (" cell-output--adaptive" if adaptive else "")
    return f'<div class="{css}">{svg.strip()}</div>'


def _image(mime: str, value: str, metadata: dict[str, Any], context: OutputContext) -> str:
    encoded = "".join(value.split())
    size = ""
    width, height = metadata.get("width"), metadata.get("height")
    if width is None and mime == "image/png":
        width, height = _png_size(encoded)
        if width and height and metadata.get("retina"):  # drawn at twice the size it is shown at
            width, height = width // 2, height // 2
    if isinstance(width, int) and isinstance(height, int):
        size = f' width="{width}" height="{height}"'
    if not context.alt:
        _no_alt(context)
    alt = htmllib.escape(context.alt or f"Image output of cell {context.cell}", quote=True)  # warned about above
    return (f'<div class="cell-output cell-output--image"><img src="data:{mime};base64,{encoded}" alt="{alt}"'
            f'{size} loading="lazy" decoding="async"></div>')


def _png_size(encoded: str) -> tuple[int | None, int | None]:
    try:
        head = base64.b64decode(encoded[:64] + "=" * (-len(encoded[:64]) % 4))
    except ValueError:
        return None, None
    if head[:8] != b"\x89PNG\r\n\x1a\n" or len(head) < 24:
        return None, None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _no_alt(context: OutputContext) -> None:
    context.missing_alt = True


def _html(value: str) -> str:
    if _DATAFRAME.search(value):  # pandas: its scoped <style> and border="1" make way for the theme's table
        value = _STYLE_BLOCK.sub("", value).replace(' border="1"', "")
        return f'<div class="cell-output cell-output--table" tabindex="0">{value.strip()}</div>'
    return f'<div class="cell-output cell-output--html">{value.strip()}</div>'


def _markdown(value: str) -> str:
    converter = pymarkdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return converter.convert(value)


def _latex(value: str, context: OutputContext) -> str | None:
    match = _LATEX_DELIMS.match(value)
    tex = match.group(2) if match else value
    tex = tex.replace("\\displaystyle", "").strip()
    try:
        mathml = tex_to_mathml(tex, display=True)  # an output stands on its own line
    except MathError as exc:
        context.diagnostics.append(warning(f"cell {context.cell}: cannot show LaTeX output: {exc}",
                                           context.path, context.line, hint="shown as text instead"))
        return None
    return f'<div class="cell-output cell-output--math math-display" tabindex="0">{mathml}</div>'


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _pre(text: str, css: str) -> str:
    klass = f' class="{css}"' if css else ""
    shown = htmllib.escape(strip_ansi(text).rstrip("\n"))
    return f"<pre{klass}><code>{shown}</code></pre>"
