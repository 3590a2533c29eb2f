"""Hugo shortcodes in a body -> Markdown chalk renders.

``highlight`` becomes a protected fence, ``figure`` a captioned image, ``ref``/``relref`` a
relative link to the ``.md`` file, ``youtube``/``vimeo`` an embedded player, ``gist`` and
``tweet`` links, ``details`` a ``<details>`` block. Any other shortcode is kept as an HTML
comment (the text between a paired one's tags stays) and reported. ``{{</* x */>}}``,
Hugo's escape, is the literal text ``{{< x >}}``.
"""

from __future__ import annotations

import html
import re
from typing import Protocol

from .document import Document, markdown_fence

_OPEN = re.compile(r"\{\{(?P<d>[<%])\s*(?P<name>/?\w[\w./-]*)(?P<args>(?:[^>%\"'`]|\"(?:\\.|[^\"\\])*\"|'[^']*'|`[^`]*`)*?)"
                   r"\s*(?P<self>/)?\s*[>%]\}\}", re.S)
_ESCAPED = re.compile(r"\{\{([<%])/\*([^\n]*?)\*/([>%])\}\}")
_VALUE = r"""(?:"(?:\\.|[^"\\])*"|`[^`]*`|'[^']*'|[^\s"'`]+)"""
_ARG = re.compile(rf"(?:(\w+)=({_VALUE}))|({_VALUE})")


class RefTargets(Protocol):
    def ref(self, path: str, doc: Document) -> str | None: ...


def convert_shortcodes(text: str, doc: Document, links: RefTargets) -> str:
    escaped: list[str] = []

    def hide(match: re.Match[str]) -> str:
        escaped.append("{{" + match.group(1) + match.group(2) + match.group(3) + "}}")
        return doc.protect(escaped[-1])

    text = _ESCAPED.sub(hide, text)
    out, position = [], 0
    while (match := _OPEN.search(text, position)) is not None:
        out.append(text[position:match.start()])
        name, delim = match.group("name"), match.group("d")
        closing = None if match.group("self") else re.compile(
            r"\{\{" + re.escape(delim) + r"\s*/" + re.escape(name) + r"\s*[>%]\}\}")
        end = closing.search(text, match.end()) if closing else None
        inner = text[match.end():end.start()] if end else None
        args, named = parse_args(match.group("args"))
        out.append(_convert(name, args, named, inner, match.group(0), doc, links))
        position = end.end() if end else match.end()
    out.append(text[position:])
    return "".join(out)


def parse_args(text: str) -> tuple[list[str], dict[str, str]]:
    """Hugo's arguments: positional ("a" b) or named (key="value")."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ARG.finditer(text):
        if match.group(1):
            named[match.group(1)] = _unquote(match.group(2))
        else:
            positional.append(_unquote(match.group(3)))
    return positional, named


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        value = value[1:-1]
        return value if value.startswith("`") else value.replace('\\"', '"')
    return value


def _convert(name: str, args: list[str], named: dict[str, str], inner: str | None, whole: str,
             doc: Document, links: RefTargets) -> str:
    if name == "highlight" and inner is not None:
        return _highlight(args, inner, doc)
    if name in ("ref", "relref"):
        path = named.get("path") or (args[0] if args else "")
        target = links.ref(path, doc)
        return target if target is not None else doc.note(whole, f"{name}: no imported page is {path!r}")
    if name == "figure":
        return _figure(named, whole, doc)
    if name in ("youtube", "vimeo"):
        return _video(name, named.get("id") or (args[0] if args else ""), named.get("title", ""), whole, doc)
    if name == "gist" and len(args) >= 2:
        url = f"https://gist.github.com/{args[0]}/{args[1]}"
        return doc.drop(whole, "an embedded gist: now a link to it") + f"[Gist {args[0]}/{args[1]}]({url})"
    if name in ("tweet", "x") and (named.get("id") or args):
        user, ident = named.get("user", "i"), named.get("id") or args[-1]
        url = f"https://twitter.com/{user}/status/{ident}"
        return doc.drop(whole, "an embedded post: now a link to it") + f"[A post on X]({url})"
    if name in CALLOUTS and inner is not None:
        return _callout(args, named, inner)
    if name == "details" and inner is not None:
        summary = html.escape(named.get("summary", "Details"))
        return f'<details markdown="1">\n<summary>{summary}</summary>\n\n{inner.strip()}\n\n</details>'
    if inner is not None:  # an unknown paired shortcode: its content stays, its tags become comments
        return (doc.note(whole, f"shortcode '{name}' has no chalk equivalent (its content is kept)") + inner
                + doc.note("{{< /" + name + " >}}", f"end of shortcode '{name}'"))
    return doc.note(whole, f"shortcode '{name}' has no chalk equivalent")


#: Theme shortcodes for callouts (LoveIt/DoIt admonition, Book hint, Docsy alert, notice...) -> chalk's ``!!!``.
CALLOUTS = ("admonition", "notice", "hint", "alert", "callout", "note", "box")
_KINDS = {"note": "note", "info": "info", "tip": "tip", "warning": "warning", "caution": "caution",
          "important": "important", "danger": "danger", "abstract": "note", "summary": "note", "success": "tip",
          "question": "info", "failure": "danger", "bug": "danger", "example": "note", "quote": "note",
          "error": "danger", "warn": "warning", "primary": "note", "secondary": "note"}


def _callout(args: list[str], named: dict[str, str], inner: str) -> str:
    """``{{< admonition tip "Title" >}}text{{< /admonition >}}`` -> ``!!! tip "Title"`` + the text, indented."""
    kind = (named.get("type") or named.get("kind") or (args[0] if args else "note")).lower()
    title = named.get("title") or (args[1] if len(args) > 1 and args[1] not in ("true", "false") else "")
    head = f'!!! {_KINDS.get(kind, "note")}' + (f' "{title.replace(chr(34), chr(39))}"' if title else "")
    body = "\n".join("    " + line if line.strip() else "" for line in inner.strip("\n").split("\n"))
    return f"\n\n{head}\n{body}\n\n"


def _highlight(args: list[str], inner: str, doc: Document) -> str:
    language = args[0] if args else "text"
    options = dict(part.split("=", 1) for part in re.split(r"\s*,\s*", args[1]) if "=" in part) if len(args) > 1 else {}
    info = language
    if options.get("linenos", "false") not in ("false", ""):
        info += f' linenums="{options.get("linenostart", "1")}"'
    if options.get("hl_lines"):
        info += f' hl_lines="{options["hl_lines"].strip()}"'
    return doc.protect(markdown_fence(inner.strip("\n"), info))


def _figure(named: dict[str, str], whole: str, doc: Document) -> str:
    src = named.get("src", "")
    if not src:
        return doc.note(whole, "figure without src")
    caption = named.get("caption") or named.get("title") or ""
    alt = named.get("alt") or caption or ""
    note = "" if alt else doc.note(whole, "figure without alt or caption: describe the image in ![…]")
    title = f' "{caption}"' if caption and '"' not in caption else (f" '{caption}'" if caption else "")
    attrs = " ".join(f'{key}="{named[key]}"' for key in ("width", "height", "class") if named.get(key))
    image = f"![{_md_text(alt)}]({src}{title})" + (f"{{: {attrs} }}" if attrs else "")
    if named.get("link"):
        image = f"[{image}]({named['link']})"
    return f"\n\n{note}{image}\n\n"


def _video(kind: str, ident: str, title: str, whole: str, doc: Document) -> str:
    if not re.fullmatch(r"[\w-]+", ident):
        return doc.note(whole, f"{kind} shortcode without a video id")
    src = (f"https://www.youtube-nocookie.com/embed/{ident}" if kind == "youtube"
           else f"https://player.vimeo.com/video/{ident}")
    label = html.escape(title or ("YouTube video" if kind == "youtube" else "Vimeo video"))
    return (f'\n\n<div class="video"><iframe src="{src}" title="{label}" width="560" height="315" loading="lazy" '
            f'allow="encrypted-media; picture-in-picture" allowfullscreen></iframe></div>\n\n')


def _md_text(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")
