"""What chalk does to TeX around KaTeX: ``\\label``, ``\\eqref``/``\\ref``, ``\\tag``, ``eqnarray``,
``multline``, ``flalign``, ``\\bordermatrix``,
equation numbers, and the hint that fits each KaTeX error.

KaTeX numbers the rows of ``equation``, ``align``, ``gather``… with empty cells
(``<mtd class="mml-eqn-num">``) that its own CSS fills; it knows no ``\\label`` or
``\\eqref``. chalk turns ``\\label{x}`` and ``\\eqref{x}`` into markers KaTeX passes
through as text, finds them in the MathML, and leaves number slots that
:mod:`chalk.markdown.xref` fills in document order, together with the ``{#eq:x}``
equations, so ``[@eq:x]``, ``\\eqref{x}`` and ``\\ref{x}`` all point at the same number.
A ``\\tag{t}`` keeps its text: references to its label read "(t)".
"""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

LABEL_NAME = re.compile(r"^[A-Za-z0-9][\w.:-]*$")
_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_REF = re.compile(r"\\(eqref|ref)\s*\{([^{}]*)\}")
_TAG = re.compile(r"\\tag(\*?)\s*\{([^{}]*)\}")
_NUMBERED_ENV = re.compile(r"\\begin\{(?:equation|align|alignat|gather|multline|flalign)\}")
_EQNARRAY = re.compile(r"\\(begin|end)\{eqnarray\*?\}")
#: amsmath environments KaTeX lacks, as the nearest ones it has (numbered as LaTeX numbers them).
_STAND_INS = {"multline": (r"\begin{equation}\begin{gathered}", r"\end{gathered}\end{equation}"),
              "multline*": (r"\begin{gathered}", r"\end{gathered}"),
              "flalign": (r"\begin{align}", r"\end{align}"), "flalign*": (r"\begin{align*}", r"\end{align*}")}
_STAND_IN = re.compile(r"\\(begin|end)\{(multline\*?|flalign\*?)\}")
_MARKER = re.compile("\u27ea([LERT])(\\d+)\u27eb")
_MARKER_TEXT = re.compile("<mtext>\u27ea([LER])(\\d+)\u27eb</mtext>")
_ONLY_REF = re.compile(r"^\s*\\(eqref|ref)\s*\{([^{}]*)\}\s*$")
_UNDEFINED = re.compile(r"Undefined control sequence: (\\\S+)")


def label_of(name: str) -> str:
    """``\\label{vae}`` and ``\\label{eq:vae}`` are both the equation ``eq:vae``."""
    name = name.strip()
    return name if name.startswith("eq:") else f"eq:{name}"


def equation_anchor(label: str) -> str:
    """The HTML id of a labelled equation: ``eq:vae-loss`` -> ``eq-vae-loss``."""
    return label.replace(":", "-", 1)


def only_reference(tex: str) -> tuple[str, str] | None:
    """``\\eqref{x}`` or ``\\ref{x}`` alone in a formula: (``eqref``/``ref``, label)."""
    found = _ONLY_REF.match(tex)
    return (found.group(1), label_of(found.group(2))) if found else None


@dataclass
class Prepared:
    """The TeX handed to KaTeX, and what chalk took out of it."""

    tex: str
    labels: list[str] = field(default_factory=list)  # eq:… in order of the markers L0, L1…
    refs: list[tuple[str, str]] = field(default_factory=list)  # (eqref|ref, eq:…) for E0/R0…
    tag: str | None = None
    row_tags: list[str] = field(default_factory=list)  # the shown text of \\tag markers T0, T1… in numbered rows
    bad_labels: list[str] = field(default_factory=list)


def prepare(tex: str) -> Prepared:
    """Swap ``\\label``/``\\eqref``/``\\ref`` for text markers and ``eqnarray`` for KaTeX's ``darray``."""
    prepared = Prepared(tex)

    def label(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if not LABEL_NAME.match(name.removeprefix("eq:")):
            prepared.bad_labels.append(name)
            return ""
        prepared.labels.append(label_of(name))
        return "\\text{\u27eaL%d\u27eb}" % (len(prepared.labels) - 1)

    def ref(match: re.Match[str]) -> str:
        prepared.refs.append((match.group(1), label_of(match.group(2))))
        return "\\text{\u27ea%s%d\u27eb}" % ("E" if match.group(1) == "eqref" else "R", len(prepared.refs) - 1)

    def row_tag(match: re.Match[str]) -> str:  # KaTeX's MathML drops \tag in numbered rows: chalk puts it in
        text = match.group(2).strip()
        prepared.row_tags.append(text if match.group(1) else f"({text})")
        return "\\text{\u27eaT%d\u27eb}" % (len(prepared.row_tags) - 1)

    text = _REF.sub(ref, _LABEL.sub(label, bordermatrix(tex)))
    text = _EQNARRAY.sub(lambda m: r"\begin{darray}{rcl}" if m.group(1) == "begin" else r"\end{darray}", text)
    text = _STAND_IN.sub(lambda m: _STAND_INS[m.group(2)][0 if m.group(1) == "begin" else 1], text)
    if _NUMBERED_ENV.search(text):
        text = _TAG.sub(row_tag, text)
    tag = _TAG.search(text)
    prepared.tag = tag.group(2).strip() if tag else None
    prepared.tex = text
    return prepared


def bordermatrix(tex: str) -> str:
    """Plain TeX's ``\\bordermatrix{&c_1&c_2\\cr r_1&a&b\\cr …}`` (MathJax has it, KaTeX not): the
    header row and column around a parenthesised matrix, built from KaTeX's ``matrix``/``pmatrix``."""
    while (start := tex.find("\\bordermatrix")) >= 0:
        brace = start + len("\\bordermatrix")
        while brace < len(tex) and tex[brace].isspace():
            brace += 1
        end = _closing_brace(tex, brace) if brace < len(tex) and tex[brace] == "{" else -1
        if end < 0:
            return tex  # malformed: KaTeX reports \bordermatrix as unknown
        rows = [_split_top(row, "&") for row in _split_top(tex[brace + 1:end], "\\cr") if row.strip()]
        header, body = rows[0], rows[1:]
        inner = r" \\ ".join(" & ".join(cells[1:]) for cells in body)
        built = (r"\begin{matrix} & \begin{matrix} " + " & ".join(header[1:]) + r" \end{matrix} \\ "
                 r"\begin{matrix} " + r" \\ ".join(cells[0] for cells in body) + r" \end{matrix} & "
                 r"\begin{pmatrix} " + inner + r" \end{pmatrix} \end{matrix}")
        tex = tex[:start] + built + tex[end + 1:]
    return tex


def _closing_brace(text: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        if text[index] == "\\":
            continue
        if text[index] == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif text[index] == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside braces."""
    parts, depth, current, index = [], 0, "", 0
    while index < len(text):
        if text.startswith(separator, index) and depth == 0:
            parts.append(current)
            current, index = "", index + len(separator)
            continue
        char = text[index]
        depth += {"{": 1, "}": -1}.get(char, 0) if index == 0 or text[index - 1] != "\\" else 0
        current += char
        index += 1
    return [*parts, current]


@dataclass
class Numbered:
    """MathML with its number slots, and the label the formula as a whole carries (if any)."""

    mathml: str
    whole_label: str | None  # a \label outside any numbered row: chalk numbers the whole display
    numbered_rows: bool  # KaTeX numbered (or tagged) rows itself


def number_rows(mathml: str, prepared: Prepared, outer: str | None = None) -> Numbered:
    """Put number slots into KaTeX's numbered rows and attach each ``\\label`` to its row; ``outer``
    (a ``{#eq:name}`` after the formula) labels the first numbered row without a label of its own."""
    has_rows = "mml-eqn-num" in mathml or (prepared.tag is not None and "<mtable" in mathml)
    if not prepared.labels and not prepared.refs and not has_rows:
        return Numbered(mathml, None, False)
    root = etree.fromstring(mathml)
    parents = {child: parent for parent in root.iter() for child in parent}
    whole: str | None = None
    for element in list(root.iter("mtext")):
        markers = list(_MARKER.finditer(element.text or ""))
        if not markers:
            continue
        cell = _number_cell(_row_of(element, parents))
        for found in markers:
            kind, index = found.group(1), int(found.group(2))
            if kind == "T" and cell is not None:
                cell.set("data-tagtext", prepared.row_tags[index])
            elif kind == "L" and cell is not None:
                cell.set("data-label", prepared.labels[index])
            elif kind == "L":
                whole = whole or prepared.labels[index]
        _split_markers(element, parents[element], prepared)
    _pad_rows(root)
    for row in root.iter("mtr"):
        cell = _number_cell(row)
        if cell is not None:
            if outer and "data-label" not in cell.attrib:
                cell.set("data-label", outer)
                outer = None
            _fill(cell)
    return Numbered(etree.tostring(root, encoding="unicode", short_empty_elements=False), whole, has_rows)


def _split_markers(element: etree.Element, parent: etree.Element, prepared: Prepared) -> None:
    """KaTeX merges neighbouring text: take the markers out of ``element``'s text; a reference
    marker becomes its own ``<mtext class="math-eqref">`` slot, label and tag markers vanish."""
    pieces: list[etree.Element] = []
    position, text = 0, element.text or ""
    for found in _MARKER.finditer(text):
        if text[position:found.start()]:
            pieces.append(_mtext(text[position:found.start()], element.attrib))
        if found.group(1) in "ER":
            style, label = prepared.refs[int(found.group(2))]
            pieces.append(etree.Element("mtext", {"class": "math-eqref", "data-eq": label, "data-style": style}))
        position = found.end()
    if text[position:]:
        pieces.append(_mtext(text[position:], element.attrib))
    index = list(parent).index(element)
    parent.remove(element)
    for offset, piece in enumerate(pieces):
        parent.insert(index + offset, piece)


def _mtext(text: str, attrib: dict[str, str]) -> etree.Element:
    piece = etree.Element("mtext", dict(attrib))
    piece.text = text
    return piece


def _pad_rows(root: etree.Element) -> None:
    """KaTeX gives a ``\\nonumber`` row no glue and no number cell, so its cells would sit one
    column to the left of the numbered rows' cells: give it empty ones; and count the glue
    column in ``columnalign``."""
    for table in root.iter("mtable"):
        rows = table.findall("mtr")
        if not any(_number_cell(row) is not None and "mtr-glue" in (row[0].get("class") or "") for row in rows):
            continue
        aligns = (table.get("columnalign") or "center").split()
        content = max(len(row) for row in rows) - 3
        if content > 0:  # KaTeX's columnalign counts the formula's columns only, not the glue before them
            table.set("columnalign", " ".join(["left", *(aligns[min(i, len(aligns) - 1)] for i in range(content)),
                                               "left", "left"]))
        for row in rows:
            if len(row) and "mtr-glue" in (row[0].get("class") or ""):
                continue
            row.insert(0, etree.Element("mtd", {"class": "mtr-glue"}))
            row.append(etree.Element("mtd", {"class": "mtr-glue"}))
            row.append(etree.Element("mtd", {"class": "mml-eqn-num math-eqno--none"}))


def _row_of(element: etree.Element, parents: dict[etree.Element, etree.Element]) -> etree.Element | None:
    """The nearest enclosing row that has a number cell (rows of an inner ``aligned`` have none)."""
    node = parents.get(element)
    while node is not None:
        if node.tag == "mtr" and _number_cell(node) is not None:
            return node
        node = parents.get(node)
    return None


def _number_cell(row: etree.Element | None) -> etree.Element | None:
    """The cell holding a row's number: KaTeX's ``mml-eqn-num`` cell, or the ``\\tag`` cell after the glue."""
    if row is None or len(row) < 2:
        return None
    last = row[-1]
    if "mml-eqn-num" in (last.get("class") or ""):
        return last
    glue = row[-2]
    if "mtr-glue" in (glue.get("class") or "") or glue.get("width") == "50%":
        return last
    return None


def _fill(cell: etree.Element) -> None:
    label = cell.attrib.pop("data-label", "")
    tagged = cell.attrib.pop("data-tagtext", None)
    if tagged is not None:
        etree.SubElement(cell, "mtext").text = tagged
    if "mml-eqn-num" in (cell.get("class") or "") and tagged is None and "math-eqno--none" not in cell.get("class", ""):
        if len(cell) == 0:  # KaTeX's empty automatic-number cell: a slot chalk numbers
            etree.SubElement(cell, "mtext", {"class": "math-eqno", "data-eq": label})
    elif label:  # a \tag cell: its text is the number
        tag = "".join(cell.itertext()).strip()
        cell.set("data-eq-tag", label)
        cell.set("data-tag", tag[1:-1] if tag.startswith("(") and tag.endswith(")") else tag)
    if label:
        cell.set("id", equation_anchor(label))


_REDEFINE = re.compile(r"\\newcommand\{(\\[A-Za-z]+)\} attempting to redefine")
_NO_ARGUMENTS = re.compile(r"Got function '(\\[A-Za-z]+)' with no arguments as (?:superscript|subscript)")
_TEXT_GROUP = re.compile(r"(\\(?:text|textrm|textit|textbf|textsf|texttt|mbox|hbox)\s*\{)([^{}]*)\}")
_TEXT_SPECIAL = re.compile(r"(?<!\\)([_&#%])")
_COLOR_ARGUMENT = re.compile(r"\\color\s*(\{[^{}]*\})\s*\{")


def mathjax_compatible(reason: str, tex: str) -> str | None:
    """TeX that MathJax accepts and KaTeX refuses, rewritten to what MathJax shows; None if nothing fits.

    ``\\newcommand`` of a command KaTeX already has redefines it (MathJax does); ``x_\\max`` and
    ``Q^\\vec{\\mu}`` get braces; ``_ & # %`` inside ``\\text{…}`` are literal; ``\\color{red}{x}``
    colours its argument (MathJax 2).
    """
    redefined = _REDEFINE.search(reason)
    if redefined:
        return tex.replace("\\newcommand{" + redefined.group(1) + "}", "\\renewcommand{" + redefined.group(1) + "}")
    bare = _NO_ARGUMENTS.search(reason)
    if bare:
        pattern = re.compile(r"([_^])\s*(" + re.escape(bare.group(1)) + r"(?![A-Za-z])(?:\s*\{[^{}]*\})*)")
        fixed = pattern.sub(r"\1{\2}", tex)
        return fixed if fixed != tex else None
    texts = _TEXT_GROUP.sub(lambda m: m.group(1) + _TEXT_SPECIAL.sub(r"\\\1", m.group(2)) + "}", tex)
    if texts != tex:
        return texts
    colored = _COLOR_ARGUMENT.sub(r"\\textcolor\1{", tex)
    return colored if colored != tex else None


def hint_for(reason: str, tex: str) -> str:
    """A hint that fits KaTeX's message."""
    undefined = _UNDEFINED.search(reason)
    if undefined:
        command = undefined.group(1)
        if command in ("\\begin", "\\end"):
            return "check the environment's name; KaTeX's environments: https://katex.org/docs/supported#environments"
        return (f"{command} is not a command KaTeX knows: check its spelling, define it with "
                "\\newcommand in an earlier formula of this page, or see https://katex.org/docs/support_table")
    if "'$'" in reason or "\\$" in reason:
        return "write \\$ for a literal dollar sign inside or outside math"
    if "only in display mode" in reason:
        return "put the environment in its own paragraph, or between $$ and $$ on lines of their own"
    if "end of input" in reason or "Expected '}'" in reason or "Expected 'EOF'" in reason:
        return "a brace, \\left…\\right or \\begin…\\end pair is not closed or not opened"
    if "Expected group after" in reason:
        return "^ and _ need something after them, e.g. x^{2}"
    if "No such environment" in reason:
        return "KaTeX's environments: https://katex.org/docs/supported#environments"
    return "see what KaTeX accepts: https://katex.org/docs/supported"


def escape_attr(text: str) -> str:
    return htmllib.escape(text, quote=True)
