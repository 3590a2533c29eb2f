"""Alignment environments as MathML tables, equation numbers, \\label/\\tag/\\eqref with [@eq:...], error boxes."""

from __future__ import annotations

import pytest

from chalk.markdown import Rendered
from support.html import find_all, find_by_id, find_one, parse_html, text_of
from support.markdown import render

PATH = "content/posts/x.md"
M = "{http://www.w3.org/1998/Math/MathML}"


def root_of(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def messages(rendered: Rendered) -> list[str]:
    return [d.format() for d in rendered.diagnostics]


def table_of(rendered: Rendered):
    """The outermost mtable of the only formula, as rows of cells (glue and number cells left out)."""
    [math] = list(root_of(rendered).iter(M + "math"))
    table = next(math.iter(M + "mtable"))
    rows = []
    for row in table.findall(M + "mtr"):
        cells = [c for c in row.findall(M + "mtd") if not {"mtr-glue", "mml-eqn-num"} & set((c.get("class") or "").split())]
        rows.append(cells)
    return table, rows


# --------------------------------------------------------------------------- alignment keeps its structure

@pytest.mark.parametrize("source, shape", [
    ("$$\\begin{aligned} a &= b + c \\\\ d &= e \\end{aligned}$$", (2, 2)),
    ("$$\\begin{alignedat}{2} 10&x+ &3&y = 2 \\\\ 3&x+&13&y = 4 \\end{alignedat}$$", (2, 4)),
    ("\\begin{gather} a = b \\\\ c = d \\\\ e = f \\end{gather}", (3, 1)),
    ("$$f(x) = \\begin{rcases} a & x > 0 \\\\ b & x \\le 0 \\end{rcases} \\Rightarrow y$$", (2, 2)),
    ("\\begin{eqnarray} a &=& b \\\\ c &=& d \\end{eqnarray}", (2, 3)),
    ("\\begin{align} a &= b & c &= d \\\\ e &= f & g &= h \\end{align}", (2, 4)),
    ("$$\\begin{pmatrix} 1 & 2 & 3 \\\\ 4 & 5 & 6 \\end{pmatrix}$$", (2, 3)),
])
def test_alignment_environments_are_tables_of_rows_and_cells(renderer, source, shape):
    rendered = render(renderer, source + "\n")
    assert rendered.diagnostics == (), messages(rendered)
    table, rows = table_of(rendered)
    assert (len(rows), max(len(r) for r in rows)) == shape
    [math] = list(root_of(rendered).iter(M + "math"))
    assert "&" not in "".join(math.itertext())  # no literal ampersand left anywhere


def test_aligned_columns_alternate_right_and_left(renderer):
    table, rows = table_of(render(renderer, "$$\\begin{aligned} a &= b \\\\ cc &= d \\end{aligned}$$\n"))
    assert table.get("columnalign").split()[:2] == ["right", "left"]
    # MathML Core (Chromium) has no columnalign: each cell carries its alignment
    assert [[cell.get("class") for cell in row] for row in rows] == [["math-right", "math-left"]] * 2
    assert [text_of(cell) for cell in rows[1]] == ["cc", "=d"]


# --------------------------------------------------------------------------- numbers, labels, references

def numbers(rendered: Rendered) -> list[str]:
    root = root_of(rendered)
    return ([text_of(e) for e in root.iter(M + "mtext") if "math-eqno" in (e.get("class") or "")]
            + [text_of(s) for s in find_all(root, "span", cls="math-display__number")])


def test_numbered_environments_number_their_rows_like_latex(renderer):
    body = ("\\begin{align}\na &= b \\\\\nc &= d \\nonumber \\\\\ne &= f\n\\end{align}\n\n"
            "\\begin{align*}\ng &= h\n\\end{align*}\n\n\\begin{equation}\nx = y\n\\end{equation}\n")
    rendered = render(renderer, body)
    assert rendered.diagnostics == ()
    assert numbers(rendered) == ["(1)", "(2)", "(3)"]


def test_label_eqref_ref_and_xref_agree(renderer):
    body = ("$$ a = 1 $$ {#eq:first}\n\n"
            "\\begin{align}\nb &= 2 \\label{second} \\\\\nc &= 3 \\label{eq:third}\n\\end{align}\n\n"
            "$$ d = 4 \\label{fourth} $$\n\n"
            "By [@eq:second], \\eqref{third}, $\\eqref{fourth}$ and $\\ref{first}$; inside: $x = \\eqref{second}$.\n")
    rendered = render(renderer, body)
    assert rendered.diagnostics == (), messages(rendered)
    root = root_of(rendered)
    paragraph = find_all(root, "p")[-1]
    links = find_all(paragraph, "a")
    assert [(a.get("href"), text_of(a)) for a in links] == [
        ("#eq-second", "Equation (2)"), ("#eq-third", "(3)"), ("#eq-fourth", "(4)"), ("#eq-first", "1")]
    for anchor in ("eq-first", "eq-second", "eq-third", "eq-fourth"):
        assert find_by_id(root, anchor) is not None, anchor
    inside = [e for e in paragraph.iter(M + "mtext") if "math-eqref" in (e.get("class") or "")]
    assert [text_of(e) for e in inside] == ["(2)"]


def test_a_tag_keeps_its_text_and_references_read_it(renderer):
    body = ("$$ a = b \\tag{3a} \\label{tagged} $$\n\n"
            "\\begin{align}\nc &= d \\tag{*} \\label{star} \\\\\ne &= f\n\\end{align}\n\nSee \\eqref{tagged} and [@eq:star].\n")
    rendered = render(renderer, body)
    assert rendered.diagnostics == (), messages(rendered)
    root = root_of(rendered)
    texts = [text_of(e) for e in root.iter(M + "mtext")]
    assert "(3a)" in texts and "(*)" in texts
    assert numbers(rendered) == ["(1)"]  # only the untagged row is counted
    assert [text_of(a) for a in find_all(find_all(root, "p")[-1], "a")] == ["(3a)", "Equation (*)"]


def test_a_reference_to_a_missing_label_is_an_error(renderer):
    rendered = render(renderer, "$$ a \\label{here} $$\n\nSee \\eqref{there}.\n")
    assert messages(rendered) == [f"{PATH}:3: reference \\eqref{{there}}: no labelled equation with the id "
                                  "'there' in this article (known: here)"]


def test_a_label_that_is_not_a_name_is_an_error(renderer):
    [message] = messages(render(renderer, "$$ a \\label{two words} $$\n"))
    assert message.startswith(f"{PATH}:1: math: \\label{{two words}}: a label is letters")


# --------------------------------------------------------------------------- errors are visible, never garbage

@pytest.mark.parametrize("body, hint", [
    ("Uses $\\frob{x}$.", "\\frob is not a command KaTeX knows"),
    ("Uses $\\frac{1}{$.", "is not closed or not opened"),
    ("Uses $x^$.", "^ and _ need something after them"),
    ("$$\\begin{foo} x \\end{foo}$$", "KaTeX's environments"),
])
def test_errors_quote_the_formula_with_a_hint_that_fits(renderer, body, hint):
    rendered = render(renderer, body + "\n")
    [diagnostic] = rendered.diagnostics
    assert diagnostic.is_error and diagnostic.recoverable
    assert diagnostic.message.startswith("math: cannot convert ")
    assert hint in diagnostic.hint and "literal dollar" not in diagnostic.hint
    boxes = find_all(root_of(rendered), cls="math-error")
    assert len(boxes) == 1 and list(root_of(rendered).iter(M + "math")) == []


def test_a_display_error_box_shows_the_source_and_the_message(renderer):
    rendered = render(renderer, "Text.\n\n$$\n\\frac{a}{\n$$\n")
    box = find_one(root_of(rendered), "div", cls="math-error")
    assert "\\frac{a}{" in text_of(find_one(box, "pre"))
    assert text_of(find_one(box, "p", cls="math-error__message")).startswith("math error: Unexpected end of input")


def test_an_environment_that_needs_display_mode_gets_it_even_inline(renderer):
    rendered = render(renderer, "- $$\\begin{align*} a &= b \\end{align*}$$ in a list item.\n")
    assert rendered.diagnostics == (), messages(rendered)
    [math] = list(root_of(rendered).iter(M + "math"))
    assert math.get("display") == "block"


@pytest.mark.parametrize("tex", [r"t_\max - t_\min", r"Q^\vec{\mu}_i", r"\text{style_fwd} + \text{a & b}",
                                 r"\begin{aligned} a &= \color{green}{b + c} & \\ d &= e \end{aligned}",
                                 r"\newcommand{\R}{\mathbb{R}} \R^n"])
def test_what_mathjax_accepts_and_katex_refuses_is_read_as_mathjax_reads_it(renderer, tex):
    rendered = render(renderer, f"$$\n{tex}\n$$\n")
    assert rendered.diagnostics == (), messages(rendered)
    [math] = list(root_of(rendered).iter(M + "math"))
    text = "".join(math.itertext()).replace("\xa0", " ")
    assert "&" not in text.replace("a & b", "")  # no column separator left as text
    if "style_fwd" in tex:
        assert "style_fwd" in text
