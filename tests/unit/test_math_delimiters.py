"""Math delimiters as writers type them (Pandoc, kramdown, MathJax), and the swallowing bug.

Rendered through the real Markdown renderer with KaTeX; assertions are on the parsed HTML.
"""

from __future__ import annotations

import pytest

from chalk.markdown import Rendered
from support.html import find_all, find_one, parse_html, text_of
from support.markdown import render

PATH = "content/posts/x.md"
M = "{http://www.w3.org/1998/Math/MathML}"


def root_of(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def maths(rendered: Rendered) -> list:
    return list(root_of(rendered).iter(M + "math"))


def displays(rendered: Rendered) -> list[bool]:
    return [m.get("display") == "block" for m in maths(rendered)]


def messages(rendered: Rendered) -> list[str]:
    return [d.format() for d in rendered.diagnostics]


# --------------------------------------------------------------------------- $$ (kramdown's rule)

def test_double_dollars_alone_in_a_paragraph_are_display(renderer):
    rendered = render(renderer, "Text.\n\n$$x^2$$\n\nMore.\n")
    assert displays(rendered) == [True]
    assert find_one(root_of(rendered), "div", cls="math-display") is not None


def test_double_dollars_inside_a_sentence_are_inline(renderer):
    rendered = render(renderer, "Let $$x$$ and $$y_1$$ be reals, and $$\\alpha$$.\n")
    assert displays(rendered) == [False, False, False]
    paragraph = find_one(root_of(rendered), "p")
    assert text_of(paragraph).startswith("Let") and text_of(paragraph).endswith(".")
    assert rendered.diagnostics == ()


def test_double_dollars_on_lines_of_their_own_inside_a_paragraph_are_display(renderer):
    rendered = render(renderer, "where\n$$\nL = \\sum_i x_i\n$$\nis the loss.\n")
    assert displays(rendered) == [True]
    [paragraph] = find_all(root_of(rendered), "p")
    assert text_of(paragraph).startswith("where") and text_of(paragraph).endswith("is the loss.")


def test_the_swallowing_case_keeps_the_heading_and_the_paragraphs(renderer):
    body = ("$$x$$ is the input.\n\n## Heading\n\nA paragraph with $y$.\n\n### Deeper\n\n"
            "More text, then a display:\n\n$$\nz\n$$\n")
    rendered = render(renderer, body)
    root = root_of(rendered)
    assert [text_of(h).rstrip("¶") for h in find_all(root, "h2") + find_all(root, "h3")] == ["Heading", "Deeper"]
    assert [entry.title for entry in rendered.toc] == ["Heading"]
    assert [e.title for e in rendered.toc[0].children] == ["Deeper"]
    assert displays(rendered) == [False, False, True]
    first = find_all(root, "p")[0]
    assert text_of(first).endswith("is the input.")
    assert rendered.diagnostics == ()


def test_an_unclosed_display_is_a_warning_and_swallows_nothing(renderer):
    body = "$$\nx = 1\n\n## Heading\n\nText $$ and more.\n"
    rendered = render(renderer, body, body_line=4)
    assert [text_of(h).rstrip("¶") for h in find_all(root_of(rendered), "h2")] == ["Heading"]
    assert maths(rendered) == []
    assert messages(rendered) == [f"{PATH}:4: warning: math: $$ is not closed in its paragraph, shown as text "
                                  "(a formula cannot span a blank line: remove the blank lines inside it)"]


# --------------------------------------------------------------------------- $ (Pandoc's rule)

@pytest.mark.parametrize("prose", ["It costs $5 and $10.", "A $ 5 $ gap.", "Just one $ sign."])
def test_prices_stay_prose(renderer, prose):
    rendered = render(renderer, prose + "\n")
    assert maths(rendered) == [] and rendered.diagnostics == ()


def test_escaped_dollar_is_a_dollar(renderer):
    rendered = render(renderer, "Pay \\$5, then $a \\$ b$.\n")
    assert text_of(find_one(root_of(rendered), "p")).startswith("Pay $5, then")
    assert displays(rendered) == [False]


# --------------------------------------------------------------------------- \( \) and \[ \]

@pytest.mark.parametrize("source", ["\\(a+b\\)", "\\\\(a+b\\\\)"])
def test_parenthesis_delimiters_are_inline_math(renderer, source):
    rendered = render(renderer, f"Sum {source} here.\n")
    [math] = maths(rendered)
    assert math.get("display") is None
    assert [e.text for e in math.iter(M + "mi")] == ["a", "b"]
    assert "(" not in text_of(find_one(root_of(rendered), "p"))  # no "(a+b)" left as text


@pytest.mark.parametrize("source", ["\\[\\int_0^1 f\\]", "\\\\[\\int_0^1 f\\\\]", "\\[\n\\int_0^1 f\n\\]"])
def test_bracket_delimiters_are_display_math(renderer, source):
    rendered = render(renderer, f"Text.\n\n{source}\n\nMore.\n")
    assert displays(rendered) == [True]
    assert find_all(root_of(rendered), "div", cls="math-display")
    assert [text_of(p) for p in find_all(root_of(rendered), "p")] == ["Text.", "More."]


def test_brackets_on_lines_of_their_own_inside_a_paragraph(renderer):
    rendered = render(renderer, "so that\n\\\\[\nE = mc^2\n\\\\]\nholds.\n")
    assert displays(rendered) == [True]


def test_a_bracket_in_a_link_is_not_math(renderer):
    rendered = render(renderer, "See [the docs](https://example.org/a) and [b].\n")
    assert maths(rendered) == []


# --------------------------------------------------------------------------- bare environments

@pytest.mark.parametrize("env", ["equation", "equation*", "align", "align*", "gather", "gather*",
                                 "multline", "eqnarray"])
def test_a_bare_environment_standing_alone_is_display_math(renderer, env):
    rows = "a &= b \\\\\nc &= d" if env in ("align", "align*") else (
        "a &=& b \\\\\nc &=& d" if env == "eqnarray" else "a = b")
    rendered = render(renderer, f"Text.\n\n\\begin{{{env}}}\n{rows}\n\\end{{{env}}}\n\nMore.\n")
    assert displays(rendered) == [True], messages(rendered)
    assert rendered.diagnostics == ()
    assert "&" not in "".join(maths(rendered)[0].itertext())


def test_a_bare_environment_inside_a_paragraph_is_displayed_there(renderer):
    rendered = render(renderer, "We get\n\\begin{align}\na &= b\n\\end{align}\nfrom this.\n")
    assert displays(rendered) == [True]
    assert text_of(find_one(root_of(rendered), "p")).endswith("from this.")


def test_an_environment_mentioned_in_prose_or_code_is_not_math(renderer):
    rendered = render(renderer, "Write `\\begin{align}` to align, as in `$x$`.\n")
    assert maths(rendered) == []


# --------------------------------------------------------------------------- what writers type

@pytest.mark.parametrize("tex", [r"\arg\max_x f", r"\big\vert x \bigg\vert", r"{n \choose k}", r"a \mod n",
                                 r"\bordermatrix{ & c_1 & c_2 \cr r_1 & a & b \cr r_2 & c & d}",
                                 r"\operatorname*{argmin}_\theta L", r"\mathbb{E}_{x \sim p}[x]"])
def test_standard_latex_that_used_to_be_rejected(renderer, tex):
    rendered = render(renderer, f"$$\n{tex}\n$$\n")
    assert rendered.diagnostics == (), messages(rendered)
    assert displays(rendered) == [True]


def test_bordermatrix_is_a_bordered_parenthesised_matrix(renderer):
    [math] = maths(render(renderer, "$$\\bordermatrix{ & c_1 & c_2 \\cr r_1 & a & b \\cr r_2 & c & d}$$\n"))
    outer = next(math.iter(M + "mtable"))
    header, body = list(outer)  # a header row, then the row labels beside the matrix
    assert [e.text for e in header.iter(M + "mi")] == ["c", "c"]  # c_1, c_2
    labels, matrix = list(body)
    assert [e.text for e in labels.iter(M + "mi")] == ["r", "r"]
    assert [o.text for o in matrix.iter(M + "mo")] == ["(", ")"]
    inner = next(matrix.iter(M + "mtable"))
    assert [[text_of(cell) for cell in row] for row in inner] == [["a", "b"], ["c", "d"]]


def test_macros_defined_in_one_formula_work_in_later_ones_of_the_page_only(renderer):
    body = "$\\newcommand{\\KL}{D_{\\mathrm{KL}}}$ Then $\\KL(p \\| q)$ and $\\def\\RR{\\mathbb{R}} \\RR^n$, $\\RR$.\n"
    rendered = render(renderer, body)
    assert rendered.diagnostics == (), messages(rendered)
    again = render(renderer, "Other page: $\\KL$.\n")
    assert [m for m in messages(again) if "Undefined control sequence: \\KL" in m]


def test_math_in_code_and_link_targets_is_left_alone(renderer):
    body = "`$x$` and `\\(y\\)`\n\n[see $d$](https://example.org/$e$)\n\n    $$z$$\n"
    rendered = render(renderer, body)
    assert len(maths(rendered)) == 1
    assert find_one(root_of(rendered), "a").get("href") == "https://example.org/$e$"


def test_a_dollar_inside_braces_does_not_close_the_formula(renderer):  # as MathJax matches braces
    rendered = render(renderer, "Let $F = \\{f : \\text{$f$ is smooth}\\}$ be given, and $g$.\n")
    assert rendered.diagnostics == (), messages(rendered)
    assert len(maths(rendered)) == 2
    assert text_of(find_one(root_of(rendered), "p")).endswith("be given, and g.")


@pytest.mark.parametrize("prose, text", [("See \\[sic\\] and a\\[0\\].", "See [sic] and a[0]."),
                                         ("As \\(see above\\) shows.", "As (see above) shows.")])
def test_escaped_brackets_in_prose_stay_brackets(renderer, prose, text):
    rendered = render(renderer, prose + "\n")
    assert maths(rendered) == [] and text_of(find_one(root_of(rendered), "p")) == text


def test_a_lone_symbol_in_parenthesis_delimiters_is_math(renderer):
    assert len(maths(render(renderer, "For \\(x\\) and \\(n_1\\).\n"))) == 2
