"""site.yaml's math_macros: TeX macros every formula of the site knows (MathJax's TeX.Macros)."""

from __future__ import annotations

from support.html import output_file_for, parse_html
from support.sites import build, build_errors, post

M = "{http://www.w3.org/1998/Math/MathML}"
SITE = "title: T\nbase_url: https://example.org/\nmath_macros:\n  R: '\\mathbb{R}'\n  mat: ['{\\mathbb{#1}}', 1]\n"


def test_site_macros_work_in_every_post_in_both_forms(make_site):
    body = "Let $x \\in \\R^n$ and $\\mat{X}$.\n"
    site = make_site({"content/posts/a.md": post("A", "2024-01-01", body=body),
                      "content/posts/b.md": post("B", "2024-01-02", body="Also $\\mat{Y} \\subset \\R$.\n")},
                     site_yaml=SITE)
    result = build(site)
    for slug, letters in (("a", "ℝ"), ("b", "ℝ")):
        root = parse_html(output_file_for(result.output, f"/posts/{slug}/", "/"))
        text = "".join("".join(m.itertext()) for m in root.iter(M + "math"))
        assert letters in text and ("𝕏" in text or "𝕐" in text), text


def test_without_the_macros_the_same_posts_fail_naming_the_command(make_site):
    site = make_site({"content/posts/a.md": post("A", "2024-01-01", body="Let $\\mat{X}$.\n")},
                     site_yaml="title: T\nbase_url: https://example.org/\n")
    [message] = build_errors(site)
    assert "Undefined control sequence: \\mat" in message


def test_a_bad_macro_table_is_a_site_yaml_error(make_site):
    site = make_site({"content/posts/a.md": post("A", "2024-01-01")},
                     site_yaml="title: T\nbase_url: https://example.org/\nmath_macros:\n  '1x': y\n")
    [message] = build_errors(site)
    assert message.startswith("site.yaml:3: math_macros: expected command names like")


def test_site_macros_reach_the_worker_processes(make_site):
    posts = {f"content/posts/p{i}.md": post(f"P{i}", f"2024-01-{i + 1:02d}", body=f"Set $\\R^{i}$.\n") for i in range(20)}
    result = build(make_site(posts, site_yaml=SITE), jobs=2)
    root = parse_html(output_file_for(result.output, "/posts/p7/", "/"))
    assert "ℝ" in "".join("".join(m.itertext()) for m in root.iter(M + "math"))
