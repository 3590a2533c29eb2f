"""Jekyll's Liquid in a post body -> Markdown chalk renders.

Jekyll runs Liquid over the whole text before Markdown, so this pass does too
(except inside ``{% raw %}``). Highlight blocks become fences and are protected,
so their code is never read as Markdown; links through ``site.baseurl``,
``relative_url``, ``post_url`` and ``link`` become plain paths the link pass
resolves; anything else is kept as an HTML comment and reported.
"""

from __future__ import annotations

import re
from typing import Protocol

from .document import Document, comment, markdown_fence

_RAW = re.compile(r"{%-?\s*raw\s*-?%}(.*?){%-?\s*endraw\s*-?%}", re.S)
_HIGHLIGHT = re.compile(r"(?P<indent>^[ \t]*)?{%-?\s*highlight\s+(?P<lang>[^\s%]+)(?P<opts>[^%]*?)-?%}\n?"
                        r"(?P<code>.*?)\n?[ \t]*{%-?\s*endhighlight\s*-?%}", re.S | re.M)
_COMMENT = re.compile(r"{%-?\s*comment\s*-?%}(.*?){%-?\s*endcomment\s*-?%}", re.S)
_TAG = re.compile(r"{%-?\s*(\w+)(.*?)-?%}", re.S)
_OUTPUT = re.compile(r"{{-?(.*?)-?}}", re.S)
_LIQUID_EXPRESSION = re.compile(r"""^\s*[\w'"][^\\{}]*$""")  # no backslash or brace: TeX is not Liquid
_SITE_ROOT = re.compile(r"^(site\.(baseurl|url|github\.url)\s*(\|\s*append:\s*site\.baseurl\s*)?)$")
_FILTERED_PATH = re.compile(r"""^\s*(['"])(?P<path>[^'"]*)\1\s*\|\s*(relative_url|absolute_url|prepend:\s*site\.baseurl)\s*$""")
_KEPT_BLOCKS = ("if", "unless", "for", "case", "capture", "else", "elsif", "when", "endif", "endunless",
                "endfor", "endcase", "endcapture", "assign", "increment", "decrement", "cycle", "tablerow",
                "endtablerow", "break", "continue")


class LinkTargets(Protocol):
    def post_url(self, name: str, doc: Document) -> str | None: ...
    def file_link(self, path: str, doc: Document) -> str | None: ...


def convert_liquid(text: str, doc: Document, links: LinkTargets) -> str:
    raws: list[str] = []

    def hide_raw(match: re.Match[str]) -> str:
        raws.append(match.group(1))
        return f"\x02R{len(raws) - 1}\x03"

    text = _RAW.sub(hide_raw, text)
    text = _HIGHLIGHT.sub(lambda m: _fence(m, doc, raws), text)
    text = _COMMENT.sub(lambda m: comment(m.group(1).strip()), text)
    text = _TAG.sub(lambda m: _tag(m, doc, links), text)
    text = _OUTPUT.sub(lambda m: _output(m, doc), text)
    return _unhide(text, raws)


def _unhide(text: str, raws: list[str]) -> str:
    return re.sub("\x02R(\\d+)\x03", lambda m: raws[int(m.group(1))], text)


def _fence(match: re.Match[str], doc: Document, raws: list[str]) -> str:
    """``{% highlight python linenos %}`` -> a protected ```` ```python linenums="1" ```` fence."""
    indent = match.group("indent") or ""
    code = _unhide(match.group("code"), raws)
    lines = code.split("\n")
    if indent and all(line.startswith(indent) or not line.strip() for line in lines):
        code = "\n".join(line[len(indent):] for line in lines)
    info = match.group("lang")
    options = match.group("opts")
    if re.search(r"\blinenos\b", options):
        info += ' linenums="1"'
    marked = re.search(r"""mark_lines=["']([\d\s]+)["']""", options)
    if marked:
        info += f' hl_lines="{" ".join(marked.group(1).split())}"'
    return indent + doc.protect(markdown_fence(code, info, indent)[len(indent):])


def _tag(match: re.Match[str], doc: Document, links: LinkTargets) -> str:
    name, args = match.group(1), match.group(2).strip()
    whole = match.group(0)
    if name == "post_url":
        target = links.post_url(args, doc)
        if target is not None:
            return target
        return doc.note(whole, "post_url names no post in _posts/")
    if name == "link":
        target = links.file_link(args, doc)
        if target is not None:
            return target
        return doc.note(whole, "link names no file in the site")
    if name == "include":
        return doc.note(whole, "Liquid include: chalk has no includes; paste in what it produced")
    if name in _KEPT_BLOCKS:
        return doc.note(whole, "Liquid logic: chalk bodies are plain Markdown; keep what applies")
    return doc.note(whole, f"Liquid tag '{name}' has no chalk equivalent")


def _output(match: re.Match[str], doc: Document) -> str:
    expression = match.group(1)
    if not _LIQUID_EXPRESSION.match(expression):
        return match.group(0)  # e.g. {{n \choose k}} in a formula: TeX, not Liquid
    expression = expression.strip()
    if _SITE_ROOT.match(expression):
        return ""  # the site root: the link pass makes what follows relative
    path = _FILTERED_PATH.match(expression)
    if path:
        return path.group("path")
    return doc.note(match.group(0), "Liquid value: chalk bodies are plain Markdown; write the value in")
