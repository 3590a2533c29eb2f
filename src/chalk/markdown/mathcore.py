"""What MathML Core browsers (Chromium) need that KaTeX's MathML leaves to KaTeX's CSS.

* ``mathvariant`` as Unicode letters: ``<mi mathvariant="bold">x</mi>`` -> ``<mi>𝐱</mi>``.
* ``columnalign`` (not in MathML Core) as a class on each cell (``math-left``/``math-right``)
  that chalk.css aligns, so ``aligned``, ``cases`` and arrays line up as written.

KaTeX writes ``\\mathbf``, ``\\mathbb``, ``\\mathcal``, ``\\mathfrak``… as ``mathvariant``
attributes, but MathML Core (what Chromium implements) only honours
``mathvariant="normal"``: a bold vector would be drawn plain and ``\\mathbb{R}`` as an
italic R. The Mathematical Alphanumeric Symbols block of Unicode has every one of these
letters, so chalk swaps them in (as Temml and MathJax do), and every browser shows them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

_BASES = {  # variant -> (first capital A, first small a, first digit 0 or None)
    "bold": (0x1D400, 0x1D41A, 0x1D7CE),
    "italic": (0x1D434, 0x1D44E, None),
    "bold-italic": (0x1D468, 0x1D482, None),
    "script": (0x1D49C, 0x1D4B6, None),
    "bold-script": (0x1D4D0, 0x1D4EA, None),
    "fraktur": (0x1D504, 0x1D51E, None),
    "double-struck": (0x1D538, 0x1D552, 0x1D7D8),
    "bold-fraktur": (0x1D56C, 0x1D586, None),
    "sans-serif": (0x1D5A0, 0x1D5BA, 0x1D7E2),
    "bold-sans-serif": (0x1D5D4, 0x1D5EE, 0x1D7EC),
    "sans-serif-italic": (0x1D608, 0x1D622, None),
    "sans-serif-bold-italic": (0x1D63C, 0x1D656, None),
    "monospace": (0x1D670, 0x1D68A, 0x1D7F6),
}
_HOLES = {  # letters Unicode had before the block: their slot in the block is empty
    ("italic", "h"): "\u210e",
    **{("script", c): u for c, u in zip("BEFHILMRego", "ℬℰℱℋℐℒℳℛℯℊℴ")},
    **{("fraktur", c): u for c, u in zip("CHIRZ", "ℭℌℑℜℨ")},
    **{("double-struck", c): u for c, u in zip("CHNPQRZ", "ℂℍℕℙℚℝℤ")},
}
_GREEK = {  # variant -> first capital Alpha, first small alpha
    "bold": (0x1D6A8, 0x1D6C2), "italic": (0x1D6E2, 0x1D6FC), "bold-italic": (0x1D71C, 0x1D736),
}
_ELEMENT = re.compile(r'<(mi|mn|mo|mtext)( mathvariant="([a-z-]+)")([^>]*)>([^<]*)</\1>')


def styled(text: str, variant: str) -> str | None:
    """``text`` in ``variant``'s letters, or None if a character has none (left to ``mathvariant``)."""
    base = _BASES.get(variant)
    if base is None:
        return None
    out = []
    for char in text:
        if (variant, char) in _HOLES:
            out.append(_HOLES[(variant, char)])
        elif "A" <= char <= "Z":
            out.append(chr(base[0] + ord(char) - ord("A")))
        elif "a" <= char <= "z":
            out.append(chr(base[1] + ord(char) - ord("a")))
        elif "0" <= char <= "9" and base[2] is not None:
            out.append(chr(base[2] + ord(char) - ord("0")))
        elif variant in _GREEK and "\u0391" <= char <= "\u03a9":
            out.append(chr(_GREEK[variant][0] + ord(char) - 0x391))
        elif variant in _GREEK and "\u03b1" <= char <= "\u03c9":
            out.append(chr(_GREEK[variant][1] + ord(char) - 0x3B1))
        else:
            return None
    return "".join(out)


def unicode_variants(mathml: str) -> str:
    """Every ``mathvariant`` element whose text has Unicode letters for it, rewritten with them."""
    if "mathvariant" not in mathml:
        return mathml

    def replace(match: re.Match[str]) -> str:
        tag, _, variant, rest, text = match.groups()
        swapped = styled(text, variant) if text else None
        if swapped is None:
            return match.group(0)
        if tag == "mi" and len(text) == 1 and variant != "italic":
            rest += ' mathvariant="normal"'  # one styled letter: no automatic italic on top
        return f"<{tag}{rest}>{swapped}</{tag}>"

    return _ELEMENT.sub(replace, mathml)


def aligned_cells(mathml: str) -> str:
    """Each cell of a table with ``columnalign`` gets that alignment as a class (``math-left``,
    ``math-right``) that the theme's CSS turns into ``text-align``."""
    if "columnalign" not in mathml:
        return mathml
    root = etree.fromstring(mathml)
    for table in root.iter("mtable"):
        aligns = (table.get("columnalign") or "").split()
        if not aligns:
            continue
        for row in table.findall("mtr"):
            cells = [c for c in row.findall("mtd") if not {"mtr-glue", "mml-eqn-num"} & set((c.get("class") or "").split())]
            for index, cell in enumerate(cells):  # KaTeX's columnalign counts these, not its glue cells
                align = cell.get("columnalign") or aligns[min(index, len(aligns) - 1)]
                if align in ("left", "right"):  # chalk.css: text-align, and -webkit-… for Chromium
                    cell.set("class", " ".join(filter(None, [cell.get("class"), f"math-{align}"])))
    return etree.tostring(root, encoding="unicode", short_empty_elements=False)
