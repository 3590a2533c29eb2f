"""\\mathbf, \\mathbb, \\mathcal… become Unicode math letters, which MathML Core browsers draw
(they ignore mathvariant other than "normal")."""

from __future__ import annotations

import pytest

from chalk.markdown.katex import KatexEngine
from chalk.markdown.mathcore import styled
from support.html import parse_html

M = "{http://www.w3.org/1998/Math/MathML}"


@pytest.fixture(scope="module")
def engine() -> KatexEngine:
    return KatexEngine()


@pytest.mark.parametrize("tex, letters", [
    (r"\mathbf{x}", "𝐱"), (r"\mathbb{R}", "ℝ"), (r"\mathbb{E}", "𝔼"), (r"\mathcal{L}", "ℒ"), (r"\mathcal{N}", "𝒩"),
    (r"\mathfrak{g}", "𝔤"), (r"\boldsymbol{\theta}", "𝜽"), (r"\mathbf{\Sigma}", "𝚺"), (r"\mathsf{A}", "𝖠"),
    (r"\mathtt{b}", "𝚋"), (r"\mathbf{1}", "𝟏"), (r"\mathbb{1}", "𝟙"),
])
def test_styled_letters_are_unicode_letters(engine, tex, letters):
    math = next(parse_html(f"<body>{engine.render(tex, False)}</body>").iter(M + "math"))
    assert "".join(math.itertext()) == letters
    assert all(e.get("mathvariant") in (None, "normal") for e in math.iter())


def test_plain_text_keeps_its_letters(engine):
    mathml = engine.render(r"\mathrm{KL} + \text{loss}", False)
    math = next(parse_html(f"<body>{mathml}</body>").iter(M + "math"))
    assert "".join(math.itertext()).replace("\xa0", " ").split("+")[0].strip() == "KL"


def test_a_character_without_a_unicode_form_is_left_to_mathvariant():
    assert styled("x!", "bold") is None and styled("x", "no-such-variant") is None
