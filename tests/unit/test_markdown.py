"""Stage 4: Markdown -> HTML, table of contents, summary, word count, fence checks."""

from __future__ import annotations

import pytest

from chalk.markdown import Rendered, count_words, scan_fences, summarize
from support.html import classes, find_all, find_one, parse_html, text_of
from support.markdown import render

PATH = "content/posts/x.md"


def html_root(rendered: Rendered):
    return find_one(parse_html(f"<body>{rendered.html}</body>"), "body")


def messages(rendered: Rendered) -> list[str]:
    return [d.format() for d in rendered.diagnostics]


# --------------------------------------------------------------------------- fence scanning

def test_scan_fences_finds_lines_languages_and_bodies():
    body = "Text\n\n```python\nx = 1\n```\n\n~~~ js\nlet y\n~~~\n\n````markdown\n```\nnested\n```\n````\n"
    fences = scan_fences(body)
    assert [(f.line, f.language, f.closed) for f in fences] == [(3, "python", True), (7, "js", True),
                                                               (11, "markdown", True)]
    assert fences[0].body == "x = 1"
    assert fences[2].body == "```\nnested\n```"


def test_scan_fences_reads_attribute_style_language_and_options():
    fences = scan_fences('```{.python}\nx\n```\n\n```python title="a.py" linenums="1"\ny\n```\n')
    assert [f.language for f in fences] == ["python", "python"]


def test_scan_fences_inline_backticks_are_not_fences():
    assert scan_fences("Use ```code``` inline.\n") == []


def test_scan_fences_reports_unclosed():
    fences = scan_fences("a\n\n```python\nx = 1\n")
    assert [(f.line, f.closed) for f in fences] == [(3, False)]


def test_scan_fences_indented_and_quoted():
    fences = scan_fences("- item\n\n    ```python\n    x = 1\n    ```\n\n> ```sh\n> ls\n> ```\n")
    assert [(f.line, f.language, f.closed) for f in fences] == [(3, "python", True), (7, "sh", True)]
    assert fences[0].body == "x = 1"


def test_unclosed_fence_is_an_error_on_the_file_line(renderer):
    rendered = render(renderer, "Intro\n\n```python\nx = 1\n", body_line=6)
    assert messages(rendered) == [f"{PATH}:8: code block: this ``` fence is never closed "
                                  "(add a closing ``` line after the code)"]
    assert rendered.diagnostics[0].is_error


def test_unknown_language_is_a_warning_on_the_file_line(renderer):
    rendered = render(renderer, "Intro\n\n```klingon\nQapla'\n```\n", body_line=5)
    [diagnostic] = rendered.diagnostics
    assert not diagnostic.is_error
    assert diagnostic.format().startswith(f"{PATH}:7: warning: code block: unknown language 'klingon'")
    assert "Qapla" in rendered.html  # still shown, as plain text


@pytest.mark.parametrize("language", ["", "text", "plain", "python", "js", "bash", "yaml", "console"])
def test_known_and_plain_languages_do_not_warn(renderer, language):
    assert render(renderer, f"```{language}\nx\n```\n").diagnostics == ()


# --------------------------------------------------------------------------- headings and toc

def test_toc_entries_are_nested_with_ids_and_plain_titles(renderer):
    rendered = render(renderer, (
        "Intro.\n\n## First `code` & a < b\n\nText.\n\n### Sub one\n\n#### Deep\n\n### Sub two\n\n"
        "## Second\n\n## Second\n\n## Über Größe\n"))
    toc = rendered.toc
    assert [(e.level, e.title) for e in toc] == [(2, "First code & a < b"), (2, "Second"), (2, "Second"),
                                                 (2, "Über Größe")]
    assert [(e.level, e.title) for e in toc[0].children] == [(3, "Sub one"), (3, "Sub two")]
    assert [(e.level, e.title) for e in toc[0].children[0].children] == [(4, "Deep")]
    ids = [toc[1].id, toc[2].id]
    assert len(set(ids)) == 2  # duplicate headings get distinct ids
    assert toc[3].id == "über-größe"  # unicode kept in ids
    root = html_root(rendered)
    for entry in [*toc, *toc[0].children, *toc[0].children[0].children]:
        heading = find_one(root, id=entry.id)
        assert heading.tag == f"h{entry.level}"
        link = find_one(heading, "a", cls="headerlink")
        assert link.get("href") == f"#{entry.id}"


def test_attr_list_sets_heading_id_and_class(renderer):
    rendered = render(renderer, "## Heading {#custom-id .wide}\n\nText {: .lead }\n")
    heading = find_one(html_root(rendered), "h2")
    assert heading.get("id") == "custom-id" and "wide" in classes(heading)
    assert rendered.toc[0].id == "custom-id"


def test_renderer_state_does_not_leak_between_documents(renderer):
    first = render(renderer, "## Same\n\nText[^1].\n\n[^1]: Note.\n")
    second = render(renderer, "## Same\n\nOther[^1].\n\n[^1]: Note.\n")
    assert first.toc[0].id == second.toc[0].id == "same"
    assert first.html == second.html.replace("Other", "Text")


# --------------------------------------------------------------------------- summary and counts

def test_summary_is_first_paragraph_as_plain_text(renderer):
    rendered = render(renderer, "## Heading\n\nFirst *para* with `code` & a [link](https://x.org)[^n].\n\n"
                                "Second para.\n\n[^n]: A note.\n")
    assert rendered.summary == "First para with code & a link."


def test_summary_does_not_split_words_at_inline_tags(renderer):
    rendered = render(renderer, "Un*believ*able, see [the docs](https://x.org).\n")
    assert rendered.summary == "Unbelievable, see the docs."


def test_summary_is_cut_at_a_word_boundary():
    words = " ".join(f"word{i}" for i in range(200))
    summary = summarize(f"<p>{words}</p>")
    assert summary.endswith("…")
    assert len(summary) <= 301
    assert summary[:-1].split()[-1].startswith("word")  # no half word
    assert words.startswith(summary[:-1])


def test_summary_of_no_paragraph_is_empty():
    assert summarize("<h2>Only a heading</h2>") == ""


def test_word_count_excludes_code_and_reading_time_is_at_least_one(renderer):
    rendered = render(renderer, "One two three four.\n\n```python\nthis is code not counted at all\n```\n")
    assert rendered.word_count == 4
    assert rendered.reading_time == 1
    long = render(renderer, " ".join(["word"] * 1100) + "\n")
    assert long.word_count == 1100 and long.reading_time == 5


def test_count_words_ignores_tags():
    assert count_words("<p>a <em>b</em> c</p><pre><code>x y z</code></pre>") == 3


# --------------------------------------------------------------------------- extensions

def test_footnotes(renderer):
    root = html_root(render(renderer, "Claim.[^src]\n\n[^src]: Source, 2014.\n"))
    sup = find_one(root, "sup", id="fnref:src")
    assert find_one(sup, "a", cls="footnote-ref").get("href") == "#fn:src"
    box = find_one(root, "div", cls="footnote")
    assert find_all(box, "hr")
    item = find_one(box, "li", id="fn:src")
    back = find_one(item, "a", cls="footnote-backref")
    assert back.get("href") == "#fnref:src" and "↩" in text_of(back)


@pytest.mark.parametrize("kind", ["note", "tip", "warning", "danger", "info", "important", "caution"])
def test_admonitions(renderer, kind):
    root = html_root(render(renderer, f'!!! {kind}\n    Careful **now**.\n\n!!! {kind} "Custom title"\n    More.\n'))
    boxes = find_all(root, "div", cls="admonition")
    assert len(boxes) == 2
    for box in boxes:
        assert kind in classes(box)
    assert text_of(find_one(boxes[0], "p", cls="admonition-title")) == kind.capitalize()
    assert text_of(find_one(boxes[1], "p", cls="admonition-title")) == "Custom title"
    assert find_all(boxes[0], "strong")


def test_tables(renderer):
    root = html_root(render(renderer, "| Model | Year |\n|:--|--:|\n| GAN | 2014 |\n| VAE | 2013 |\n"))
    table = find_one(root, "table")
    assert [text_of(th) for th in find_all(table, "th")] == ["Model", "Year"]
    assert [text_of(td) for td in find_all(table, "td")] == ["GAN", "2014", "VAE", "2013"]


def test_definition_lists(renderer):
    root = html_root(render(renderer, "Latent space\n:   Where codes live.\n"))
    dl = find_one(root, "dl")
    assert text_of(find_one(dl, "dt")) == "Latent space"
    assert text_of(find_one(dl, "dd")) == "Where codes live."


def test_md_in_html(renderer):
    root = html_root(render(renderer, '<div class="box" markdown="1">\n**bold** text\n</div>\n'))
    box = find_one(root, "div", cls="box")
    assert text_of(find_one(box, "strong")) == "bold"
    assert box.get("markdown") is None


def test_smart_quotes_dashes_and_ellipses(renderer):
    rendered = render(renderer, "\"Quoted\" and 'single' -- it's --- done...\n")
    text = text_of(html_root(rendered))
    assert "“Quoted”" in text and "‘single’" in text and "it’s" in text
    assert "–" in text and "—" in text and "…" in text


def test_smart_quotes_leave_code_alone(renderer):
    root = html_root(render(renderer, "`\"raw\"`\n\n```python\nprint(\"x\")\n```\n"))
    assert '"raw"' in text_of(find_one(root, "p"))
    assert 'print("x")' in "".join(find_one(root, "pre").itertext())


def test_code_block_html_with_title_linenums_and_highlighted_lines(renderer):
    rendered = render(renderer, '```python title="train.py" linenums="3" hl_lines="2"\nimport torch\n'
                                'x = torch.zeros(3)\nprint(x)\n```\n')
    root = html_root(rendered)
    block = find_one(root, "div", cls="highlight")
    assert text_of(find_one(block, "span", cls="filename")) == "train.py"
    code = find_one(find_one(block, "pre"), "code")
    numbers = [span.get("data-linenos").strip() for span in find_all(code, "span", cls="linenos")]
    assert numbers == ["3", "4", "5"]
    [highlighted] = find_all(code, "span", cls="hll")
    assert "zeros" in "".join(highlighted.itertext())
    assert find_one(highlighted, "span", cls="linenos").get("data-linenos").strip() == "4"
    token_classes = {c for span in find_all(code, "span") for c in classes(span)}
    assert {"kn", "nn"} <= token_classes  # Pygments tokens: keyword-namespace, name-namespace
    # the filename comes before the code, the code is not escaped twice
    assert rendered.html.index('class="filename"') < rendered.html.index("<pre")
    assert "&lt;span" not in rendered.html


def test_plain_code_block_is_escaped_and_not_highlighted(renderer):
    root = html_root(render(renderer, "```\n<script>alert(1)</script>\n```\n"))
    assert find_all(root, "script") == []
    assert "<script>alert(1)</script>" in "".join(find_one(root, "code").itertext())


def test_raw_html_passes_through(renderer):
    # Markdown allows raw HTML: authors are trusted; only front matter is escaped by templates
    root = html_root(render(renderer, "<kbd>Ctrl</kbd> + C\n"))
    assert find_all(root, "kbd")


@pytest.mark.parametrize(("body", "images", "source_links"), [
    ("Just prose, with `code` and a [link](https://example.org/).", False, False),
    ("![A plot](plot.png)", True, False),
    ('<IMG SRC="raw.png" ALT="raw HTML, any case">', True, False),
    ("See [the notebook](lab.ipynb) and [the post](other.md#part).", False, True),
])
def test_a_rendering_marks_whether_it_holds_images_or_links_to_sources(renderer, body: str, images: bool,
                                                                        source_links: bool) -> None:
    rendered = render(renderer, body)
    assert (rendered.has_images, rendered.has_source_links) == (images, source_links)
    again = rendered.with_html(rendered.html + '<p><img src="late.png" alt=""> <a href="x.md">x</a></p>')
    assert (again.has_images, again.has_source_links) == (True, True)
    assert again.toc == rendered.toc and again.word_count == rendered.word_count
