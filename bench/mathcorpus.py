"""A math-heavy explainer for the benchmark: one article with a few thousand formulas.

``python bench/mathcorpus.py DIR [--formulas 3000] [--seed S] [--time]`` writes a chalk site
in DIR (site.yaml + content/posts/math-heavy.md) whose one article mixes, as ML explainers
do, inline ``$…$`` and kramdown-style ``$$…$$`` in sentences, ``\\(…\\)``, display ``$$…$$``
blocks, ``align``/``aligned``/``cases`` environments, ``\\label``/``\\eqref`` and ``\\tag``.
Formulas are built from seeded templates, so many are distinct and some repeat (as
``\\theta`` or ``p(x)`` do in real posts).

With ``--time`` it also renders the article through chalk's Markdown renderer: once with a
fresh renderer (every formula through KaTeX: the cold per-formula cost), once more with
the same renderer (the formula cache warm), and prints both per formula. Nothing asserts
a timing.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

SYMBOLS = ["x", "y", "z", "\\theta", "\\phi", "\\mu", "\\sigma", "\\alpha", "\\beta", "\\lambda", "w", "h", "q", "p"]
INLINE = [
    "{a}_{{{i}}}", "{a}^{{{k}}}", "\\hat{{{a}}}_t", "\\mathbf{{{a}}} \\in \\mathbb{{R}}^{{{k}}}", "p({a} \\mid {b})",
    "\\log p_\\theta({a})", "\\nabla_{{{a}}} \\mathcal{{L}}", "\\|{a} - {b}\\|_2^2", "\\mathbb{{E}}_{{{a} \\sim q}}[{b}]",
    "{a} = \\frac{{{b}}}{{{k}}}", "\\sum_{{i=1}}^{{{k}}} {a}_i", "\\sqrt{{{a}^2 + {b}^2}}", "O(n^{{{k}}})",
    "D_{{\\mathrm{{KL}}}}(q \\| p)", "\\operatorname{{softmax}}({a})_i", "{a} \\leftarrow {a} - \\eta \\nabla {b}",
]
DISPLAY = [
    "\\mathcal{{L}}(\\theta) = -\\sum_{{i=1}}^{{N}} \\log p_\\theta({a}_i \\mid {b}_{{<i}})",
    "q({a}_t \\mid {a}_0) = \\mathcal{{N}}\\left({a}_t; \\sqrt{{\\bar\\alpha_t}} {a}_0, (1 - \\bar\\alpha_t) \\mathbf{{I}}\\right)",
    "\\operatorname{{Attention}}(Q, K, V) = \\operatorname{{softmax}}\\left(\\frac{{Q K^\\top}}{{\\sqrt{{d_{k}}}}}\\right) V",
    "\\frac{{\\partial \\mathcal{{L}}}}{{\\partial {a}}} = \\sum_j \\frac{{\\partial \\mathcal{{L}}}}{{\\partial {b}_j}}"
    " \\frac{{\\partial {b}_j}}{{\\partial {a}}}",
    "{a}^* = \\arg\\max_{{{a}}} \\; \\mathbb{{E}}_{{{b} \\sim p}} \\left[ \\log p({b} \\mid {a}) \\right] - "
    "\\lambda \\|{a}\\|^2",
]
ENVIRONMENTS = [
    "\\begin{{align}}\n{a}_{{t+1}} &= {a}_t - \\eta \\nabla f({a}_t) \\label{{{label}}} \\\\\n"
    "&= {a}_t - \\eta \\left( g_t + \\lambda {a}_t \\right) \\nonumber\n\\end{{align}}",
    "$$\nf({a}) = \\begin{{cases}} {a}^{k} & {a} \\ge 0 \\\\ -{a} & \\text{{otherwise}} \\end{{cases}}\n$$",
    "$$\n\\begin{{aligned}}\n{a} &= W_1 {b} + b_1 \\\\\n{b} &= \\sigma({a}) \\tag{{{k}a}}\n\\end{{aligned}}\n$$",
]
WORDS = ("the model learns a mapping where each term weighs how much the input matters, so that "
         "gradients flow through the network and the loss goes down as training proceeds").split()


def _fill(rng: random.Random, template: str, label: str = "") -> str:
    a, b = rng.sample(SYMBOLS, 2)
    return template.format(a=a, b=b, i=rng.choice("ijkn"), k=rng.randint(2, 9), label=label)


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def math_article(formulas: int = 3000, seed: int = 1234) -> tuple[str, int]:
    """The article's Markdown and the number of formulas in it."""
    rng = random.Random(seed)
    out = ['---\ntitle: "A math-heavy explainer"\ndate: 2024-06-01\ntags: [math, bench]\n---\n']
    count, labels, section = 0, [], 0
    while count < formulas:
        if count % 200 == 0:
            section += 1
            out.append(f"## Part {section}\n")
        roll = rng.random()
        if roll < 0.78:  # a paragraph with inline formulas in its sentences
            pieces = []
            for _ in range(rng.randint(3, 6)):
                tex = _fill(rng, rng.choice(INLINE))
                spelled = rng.choice(["${}$", "${}$", "${}$", "$${}$$", "\\({}\\)"]).format(tex)
                pieces.append(f"{_words(rng, rng.randint(4, 10))} {spelled}")
                count += 1
            if labels and rng.random() < 0.2:
                pieces.append(f"as in \\eqref{{{rng.choice(labels)}}}")
            out.append(", ".join(pieces) + ".\n")
        elif roll < 0.93:
            out.append(f"{_words(rng, 8)}:\n\n$$\n{_fill(rng, rng.choice(DISPLAY))}\n$$\n")
            count += 1
        else:
            label = f"step-{len(labels) + 1}"
            template = rng.choice(ENVIRONMENTS)
            if "{label}" in template:
                labels.append(label)
            out.append(_fill(rng, template, label) + "\n")
            count += 1
    return "\n".join(out), count


def write_site(folder: Path, formulas: int, seed: int) -> int:
    text, count = math_article(formulas, seed)
    (folder / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (folder / "site.yaml").write_text("title: Math bench\nbase_url: https://example.org/\n", encoding="utf-8")
    (folder / "content" / "posts" / "math-heavy.md").write_text(text, encoding="utf-8")
    return count


def time_rendering(folder: Path) -> None:
    from chalk.markdown import MarkdownRenderer

    path = folder / "content" / "posts" / "math-heavy.md"
    text = path.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    renderer = MarkdownRenderer()
    start = time.perf_counter()
    cold = renderer.render(body, str(path), 6)
    first = time.perf_counter() - start
    start = time.perf_counter()
    renderer.render(body, str(path), 6)
    second = time.perf_counter() - start
    maths = cold.html.count("<math")
    errors = [d.format() for d in cold.diagnostics if d.is_error]
    print(f"{maths} <math> elements, {len(errors)} errors")
    for line in errors[:5]:
        print("  " + line)
    print(f"cold (fresh renderer, every formula through KaTeX): {first:.2f} s, {first / maths * 1e3:.2f} ms per formula")
    print(f"warm (same renderer, formula cache): {second:.2f} s, {second / maths * 1e3:.2f} ms per formula")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="folder to write the chalk site into")
    parser.add_argument("--formulas", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--time", action="store_true", help="also time rendering it (cold and warm)")
    args = parser.parse_args()
    count = write_site(args.dir, args.formulas, args.seed)
    print(f"wrote {args.dir / 'content/posts/math-heavy.md'} with {count} formulas")
    if args.time:
        time_rendering(args.dir)


if __name__ == "__main__":
    main()
