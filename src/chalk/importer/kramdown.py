"""kramdown's extensions in a Jekyll body -> Python-Markdown's (attr_list, md_in_html).

Block IALs (``{: .class}`` on the line after a block) become attribute lists where
Python-Markdown has them (paragraphs, headings, images and links inside a line); on
lists, tables and code they are dropped with a note. ``* TOC`` + ``{:toc}`` is dropped
(chalk makes its own table of contents), ``{::options}`` too, ``{::comment}`` becomes an
HTML comment and ``parse_block_html`` becomes ``markdown="1"`` on HTML blocks.
"""

from __future__ import annotations

import re

from .document import Document

_IAL_LINE = re.compile(r"^[ \t]*\{:(?!:)\s*(?P<attrs>[^}]*)\}[ \t]*$")
_TOC_LINE = re.compile(r"^[ \t]*\{:\s*toc\s*\}[ \t]*$")
_TOC_ITEM = re.compile(r"^[ \t]*([*+-]|1\.)[ \t]+TOC[ \t]*$")
_OPTIONS = re.compile(r"\{::options\b(?P<opts>[^}]*)/\}")
_EXTENSION = re.compile(r"\{::(comment|nomarkdown)\}(.*?)\{:/(?:\1)?\}", re.S)
_EOB = re.compile(r"^\^[ \t]*$")
_HTML_BLOCK = re.compile(r"^(<(?:div|section|article|aside|details|figure|blockquote|td|th|li)\b)(?![^>]*\bmarkdown=)",
                         re.I)
_LIST_OR_TABLE = re.compile(r"^[ \t]*([*+-]|\d+\.)[ \t]|^[ \t]*\||.*\|[ \t]*$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*$")


def convert_extensions(text: str, doc: Document) -> str:
    """The text-wide kramdown extensions (they may span lines)."""
    def extension(match: re.Match[str]) -> str:
        if match.group(1) == "comment":
            return "<!--" + match.group(2).replace("--", "- -") + "-->"
        return doc.drop("{::nomarkdown}", "kramdown's raw-HTML marker: the HTML is kept as it is") + match.group(2)

    return _EXTENSION.sub(extension, text)


def parse_block_html(text: str) -> bool:
    return bool(re.search(r"parse_block_html\s*=\s*['\"]?true", text))


def convert_block_ials(lines: list[str], doc: Document, block_html: bool) -> list[str]:
    """Line by line (outside code): IALs, the TOC marker, options, end-of-block markers."""
    out: list[str] = []
    lines = _drop_toc_markers(lines, doc)
    index = 0
    while index < len(lines):
        line = lines[index]
        options = _OPTIONS.search(line)
        if options:
            line = _OPTIONS.sub(lambda m: doc.drop(m.group(0), "kramdown option: Python-Markdown has none"), line)
        if _EOB.match(line):
            out.append("")
        elif _IAL_LINE.match(line):
            out.extend(_block_ial(out, lines, index, doc))
        else:
            out.append(_HTML_BLOCK.sub(r'\1 markdown="1"', line) if block_html else line)
        index += 1
    return out


def _drop_toc_markers(lines: list[str], doc: Document) -> list[str]:
    """``* TOC`` + ``{:toc}`` (and an IAL before them): chalk makes its own table of contents."""
    out: list[str] = []
    for line in lines:
        if _TOC_LINE.match(line):
            while out and (_TOC_ITEM.match(out[-1]) or _IAL_LINE.match(out[-1])):
                out.pop()
            out.append(doc.drop("* TOC {:toc}", "chalk shows its own table of contents (front matter toc:)"))
        else:
            out.append(line)
    return out


def _block_ial(out: list[str], lines: list[str], index: int, doc: Document) -> list[str]:
    """One ``{: ...}`` line: attached to the block before it where Python-Markdown can."""
    line = lines[index]
    attrs = _IAL_LINE.match(line).group("attrs").strip()  # type: ignore[union-attr]
    previous = out[-1] if out else ""
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if not previous.strip():  # an IAL before its block: Python-Markdown only has them after
        return [doc.drop(line.strip(), "attributes before a block: Python-Markdown only reads them after one")]
    if re.match(r"^#{1,6}[ \t]", previous):
        out[-1] = previous.rstrip() + " {: " + attrs + " }"
        return []
    if _LIST_OR_TABLE.match(previous) or _FENCE_CLOSE.match(previous) or previous.lstrip().startswith("<"):
        return [doc.drop(line.strip(), "attributes on a list, table, code block or HTML: Python-Markdown has none")]
    result = ["{: " + attrs + " }"]
    if following.strip():  # kramdown ends the paragraph at an IAL; Python-Markdown needs a blank line
        result.append("")
    return result
