"""Math on real posts: formulas in the source vs ``<math>`` elements chalk renders, and every math problem.

``python bench/mathtrial.py FOLDER [--glob '*.md*'] [--show N]`` renders the body of every
Markdown file under FOLDER (front matter cut off, nothing else converted: Liquid or
shortcodes stay as they are) through chalk's Markdown renderer, and prints per file and
in total: formulas found in the source by an independent count (``$$…$$``, ``$…$`` by
Pandoc's rule, ``\\(…\\)``, ``\\[…\\]``, outside code), ``<math>`` elements in the output,
math errors and warnings, and the most frequent messages. Use it on a clone of a public
Jekyll or Hugo blog to see what would not render.
"""

from __future__ import annotations

import argparse
import collections
import re
import time
from pathlib import Path

FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1", re.S | re.M)
LIQUID_HIGHLIGHT = re.compile(r"{%\s*highlight.*?{%\s*endhighlight\s*%}", re.S)
CODE_SPAN = re.compile(r"`[^`\n]+`")
COUNTERS = [
    re.compile(r"(?<!\\)\$\$.+?\$\$", re.S),
    re.compile(r"(?<![\\$])\$(?![\s$])(?:\\.|[^\\$])+?(?<!\s)\$(?![\d$])"),
    re.compile(r"\\\\?\((.+?)\\\\?\)", re.S),
    re.compile(r"\\\\?\[(.+?)\\\\?\]", re.S),
]


def source_formulas(body: str) -> int:
    """An independent count of the formulas a MathJax page would show (outside code)."""
    text = CODE_SPAN.sub("", FENCE.sub("", LIQUID_HIGHLIGHT.sub("", body)))
    total = 0
    for counter in COUNTERS:
        text, found = counter.subn(" ", text)
        total += found
    return total


def split_front_matter(text: str) -> tuple[str, int]:
    """The body and the file line it starts on (YAML ``---`` or TOML ``+++`` front matter)."""
    for fence in ("---", "+++"):
        if text.startswith(fence):
            parts = text.split(fence, 2)
            if len(parts) == 3:
                return parts[2], parts[1].count("\n") + 1
    return text, 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--glob", default="*.md*")
    parser.add_argument("--show", type=int, default=20, help="messages to print in full")
    parser.add_argument("--macro", action="append", default=[], metavar="NAME=TEX",
                        help="a site-wide macro, as site.yaml's math_macros (repeatable)")
    args = parser.parse_args()

    from chalk.markdown import MarkdownRenderer

    renderer = MarkdownRenderer(math_macros=dict(item.split("=", 1) for item in args.macro))
    files = sorted(p for p in args.folder.rglob(args.glob) if p.is_file())
    totals = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    shown: list[str] = []
    start = time.perf_counter()
    for path in files:
        body, line = split_front_matter(path.read_text(encoding="utf-8", errors="replace"))
        rendered = renderer.render(body, str(path), line)
        found = [d for d in rendered.diagnostics if "math" in d.message or d.message.startswith("reference \\")]
        errors = [d for d in found if d.is_error]
        source, maths = source_formulas(body), rendered.html.count("<math")
        totals.update(files=1, source=source, maths=maths, errors=len(errors), warnings=len(found) - len(errors))
        for item in found:
            reasons[re.sub(r"cannot convert .*?: ", "cannot convert …: ", item.message, flags=re.S)[:120]] += 1
            if len(shown) < args.show:
                shown.append(item.format()[:400])
        print(f"{path.name[:64]:64} source {source:5}  <math> {maths:5}  errors {len(errors):3}  "
              f"warnings {len(found) - len(errors):3}")
    seconds = time.perf_counter() - start
    print(f"\n{totals['files']} files: {totals['source']} formulas in the source, {totals['maths']} <math> in "
          f"the output, {totals['errors']} math errors, {totals['warnings']} math warnings ({seconds:.1f} s)")
    for reason, count in reasons.most_common(25):
        print(f"  {count:5}  {reason}")
    for line in shown:
        print("  " + line)


if __name__ == "__main__":
    main()
