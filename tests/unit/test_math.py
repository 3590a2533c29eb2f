"""Math at build time (KaTeX in QuickJS): $...$, $$...$$ and ```math fences become MathML.

More in test_math_katex.py (KaTeX's supported list), test_math_delimiters.py and test_math_numbers.py."""

from __future__ import annotations

import pytest

from chalk.markdown import Rendered
from chalk.markdown.math import MathError, tex_to_mathml
from support.html import find_all, find_one, parse_html, text_of
from support.markdown import render

PATH = "content/posts/x.md"
MATH = "{http://www.w3.org/1998/Math/MathML}math"


def root_of(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def maths(rendered: Rendered) -> list:
    return list(root_of(rendered).iter(MATH))


def messages(rendered: Rendered) -> list[str]:
    return [d.format() for d in rendered.diagnostics]


# --------------------------------------------------------------------------- conversion

def test_tex_to_mathml_is_plain_html_mathml():
    mathml = tex_to_mathml(r"\frac{a}{b} < c \& d", display=True)
    assert mathml.startswith('<math display="block">') and "xmlns" not in mathml
    assert "<mfrac>" in mathml and "&lt;" in mathml and "&amp;" in mathml and "& " not in mathml
    assert "annotation" not in mathml and "semantics" not in mathml  # no TeX copy in the page


@pytest.mark.parametrize("tex, reason", [(r"\frac{a}{", "Unexpected end of input"),
                                         ("x^", "Expected group after '^'"),
                                         (r"\foo{x}", r"Undefined control sequence: \foo")])
def test_tex_to_mathml_refuses_what_it_cannot_convert(tex, reason):
    with pytest.raises(MathError) as info:
        tex_to_mathml(tex)
    assert reason in str(info.value)


# --------------------------------------------------------------------------- inline math

def test_inline_math_becomes_inline_mathml(renderer):
    rendered = render(renderer, "The loss $\\mathcal{L}(x) = x^2$ is small.\n")
    [math] = maths(rendered)
    assert math.get("display") is None  # MathML's default: inline
    assert find_all(math, "{http://www.w3.org/1998/Math/MathML}msup")
    paragraph = find_one(root_of(rendered), "p")
    assert text_of(paragraph).startswith("The loss") and text_of(paragraph).endswith("is small.")
    assert rendered.diagnostics == ()


def test_a_paragraph_of_only_inline_math_stays_a_paragraph(renderer):
    root = root_of(render(renderer, "$x + y$\n"))
    assert list(find_one(root, "p").iter(MATH))


@pytest.mark.parametrize("prose", [
    "It costs $5 and $10 with tax.",
    "Between $5 and$10 is a range.",
    "A price: $ 5 or 6 $.",
    "Trailing $x $ space and $x$5 digit.",
    "Just one $ sign.",
])
def test_dollars_in_prose_stay_prose(renderer, prose):
    rendered = render(renderer, prose + "\n")
    assert maths(rendered) == [] and rendered.diagnostics == ()
    assert text_of(find_one(root_of(rendered), "p")) == prose


def test_escaped_dollars_are_literal(renderer):
    rendered = render(renderer, r"Prices: \$x\$ and \$5, math: $a \$ b$." + "\n")
    paragraph = find_one(root_of(rendered), "p")
    assert text_of(paragraph).startswith("Prices: $x$ and $5, math:")
    [math] = maths(rendered)
    assert "$" in "".join(math.itertext())  # \$ inside math is a dollar sign in the formula


def test_markdown_escapes_inside_math_reach_latex(renderer):
    rendered = render(renderer, r"Set $\{a_1, b_2\} \cup c*d*e$ here." + "\n")
    [math] = maths(rendered)
    text = "".join(math.itertext())
    assert "{" in text and "}" in text  # \{ and \} reached LaTeX as escapes
    assert find_all(root_of(rendered), "em") == []  # * and _ inside math are not emphasis
    assert find_all(math, "{http://www.w3.org/1998/Math/MathML}msub")  # _ was not emphasis


def test_math_inside_code_stays_literal(renderer):
    body = "Use `$x$` or:\n\n```python\nprice = '$5 and $x$'\n```\n\n    indented $y$ code\n"
    rendered = render(renderer, body)
    root = root_of(rendered)
    assert maths(rendered) == []
    codes = [text_of(c) for c in find_all(root, "code")]
    assert "$x$" in codes
    assert any("'$5 and $x$'" in c for c in codes) and any("indented $y$ code" in c for c in codes)


def test_math_in_nested_lists_and_links(renderer):
    body = "- one $a$\n    - nested $b_1$\n        1. deeper $c^2$\n\n[see $d$](https://example.org/$e$)\n"
    rendered = render(renderer, body)
    assert len(maths(rendered)) == 4
    link = find_one(root_of(rendered), "a")
    assert link.get("href") == "https://example.org/$e$"
    assert list(link.iter(MATH))


def test_double_dollars_inside_a_sentence_are_inline(renderer):  # kramdown's rule
    rendered = render(renderer, "Before $$a + b$$ after.\n")
    [math] = maths(rendered)
    assert math.get("display") is None
    assert text_of(find_one(root_of(rendered), "p")).startswith("Before")


# --------------------------------------------------------------------------- display math

def test_display_math_block(renderer):
    rendered = render(renderer, "Text.\n\n$$\n\\sum_{i=1}^n i\n$$\n\nMore.\n")
    root = root_of(rendered)
    block = find_one(root, "div", cls="math-display")
    [math] = list(block.iter(MATH))
    assert math.get("display") == "block"
    assert block.get("id") is None and find_all(block, "span", cls="math-display__number") == []
    assert [text_of(p) for p in find_all(root, "p")] == ["Text.", "More."]


def test_display_math_never_crosses_a_blank_line(renderer):
    rendered = render(renderer, "$$ a = b $$\n\n$$\na\n\n= b\n$$\n")
    assert len(find_all(root_of(rendered), "div", cls="math-display")) == 1
    assert messages(rendered) == [f"{PATH}:3: warning: math: $$ is not closed in its paragraph, shown as text "
                                  "(a formula cannot span a blank line: remove the blank lines inside it)"]


def test_math_fence(renderer):
    rendered = render(renderer, "```math\n\\int_0^1 x\\,dx\n```\n")
    block = find_one(root_of(rendered), "div", cls="math-display")
    assert [m.get("display") for m in block.iter(MATH)] == ["block"]
    assert find_all(root_of(rendered), "pre") == []


def test_labelled_equations_are_numbered_in_document_order(renderer):
    body = ("$$ a = 1 $$ {#eq:first}\n\nUnlabelled:\n\n$$ b $$\n\n```math {#eq:second}\nc = 2\n```\n\n"
            "$$\nd\n$$ {#eq:third}\n")
    rendered = render(renderer, body)
    root = root_of(rendered)
    numbered = find_all(root, "div", cls="math-display--numbered")
    assert [d.get("id") for d in numbered] == ["eq-first", "eq-second", "eq-third"]
    assert [text_of(find_one(d, "span", cls="math-display__number")) for d in numbered] == ["(1)", "(2)", "(3)"]
    assert len(find_all(root, "div", cls="math-display")) == 4
    assert rendered.diagnostics == ()


# --------------------------------------------------------------------------- errors at path:line

def test_bad_inline_formula_is_an_error_at_its_line(renderer):
    body = "Intro.\n\nFine $x$ here.\n\nBroken $\\frac{1}{$ here.\n"
    assert messages(render(renderer, body, body_line=7)) == [
        f"{PATH}:11: math: cannot convert $\\frac{{1}}{{$: Unexpected end of input in a macro argument, "
        "expected '}' (a brace, \\left…\\right or \\begin…\\end pair is not closed or not opened)"]


def test_bad_display_formula_and_fence_are_errors_at_their_lines(renderer):
    body = "A.\n\n$$\nx^\n$$\n\nB.\n\n```math\n\\frac{a}{\n```\n"
    found = messages(render(renderer, body, body_line=3))
    assert len(found) == 2
    assert found[0].startswith(f"{PATH}:5: math: cannot convert $$\nx^\n$$: Expected group after '^'")
    assert found[1].startswith(f"{PATH}:12: math: cannot convert \\frac{{a}}{{: Unexpected end of input")


def test_unknown_command_is_an_error_quoting_the_formula(renderer):
    [message] = messages(render(renderer, "Line one.\nUses $\\foo{x}$.\n"))
    assert message.startswith(f"{PATH}:2: math: cannot convert $\\foo{{x}}$: Undefined control sequence: \\foo")
    assert "\\foo is not a command KaTeX knows" in message and "literal dollar" not in message


def test_latex_label_labels_and_bad_labels_are_errors(renderer):
    rendered = render(renderer, "$$ x \\label{eq:a} $$\n\n$$ y $$ {#vae}\n\nSee [@eq:a].\n")
    assert messages(rendered) == [f"{PATH}:3: math: equation label 'vae' must look like eq:name "
                                  "(e.g. $$ ... $$ {#eq:vae-loss})"]
    assert find_one(root_of(rendered), "div", cls="math-display--numbered").get("id") == "eq-a"


def test_a_label_used_twice_is_an_error(renderer):
    found = messages(render(renderer, "$$ a $$ {#eq:x}\n\n$$ b $$ {#eq:x}\n"))
    assert found == [f"{PATH}:3: math: equation label 'eq:x' is used twice in this article "
                     "(each labelled equation needs its own label)"]


def test_word_count_and_summary_survive_math(renderer):
    rendered = render(renderer, "Energy is $E = mc^2$ here.\n")
    assert rendered.summary.startswith("Energy is") and rendered.summary.endswith("here.")
    assert rendered.word_count == 4
