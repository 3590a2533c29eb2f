"""Citations, references, "cite this article", authors and updates, built as whole sites.

Real tools: bibtexparser v2 and Pandoc (the `cite` extra) format everything; without the
extra these tests skip, or fail under CHALK_REQUIRE_CITE=1 (CI).
"""

from __future__ import annotations


from support.html import find_all, find_by_id, find_one, parse_html, parse_xml, text_of
from support.sites import BASE_PATH, DEFAULT_SITE_YAML, build, build_errors, post, write_files
from support.tools import require_cite


BIB = """\
@inproceedings{goodfellow2014,
  author    = {Goodfellow, Ian and Pouget-Abadie, Jean and Mirza, Mehdi and Xu, Bing and Warde-Farley, David and Ozair, Sherjil and Courville, Aaron and Bengio, Yoshua},
  title     = {Generative Adversarial Nets},
  booktitle = {Advances in Neural Information Processing Systems},
  volume    = {27},
  pages     = {2672--2680},
  year      = {2014},
  url       = {https://papers.nips.cc/paper/5423-generative-adversarial-nets}
}

@misc{kingma2013,
  author       = {Kingma, Diederik P. and Welling, Max},
  title        = {Auto-Encoding Variational {Bayes}},
  howpublished = {arXiv:1312.6114},
  year         = {2013},
  doi          = {10.48550/arXiv.1312.6114}
}

@inproceedings{rezende2014,
  author    = {Rezende, Danilo Jimenez and Mohamed, Shakir and Wierstra, Daan},
  title     = {Stochastic Backpropagation and Approximate Inference in Deep Generative Models},
  booktitle = {Proceedings of the 31st International Conference on Machine Learning},
  pages     = {1278--1286},
  year      = {2014}
}

@inproceedings{ho2020,
  author    = {Ho, Jonathan and Jain, Ajay and Abbeel, Pieter},
  title     = {Denoising Diffusion Probabilistic Models},
  booktitle = {Advances in Neural Information Processing Systems},
  volume    = {33},
  pages     = {6840--6851},
  year      = {2020}
}

@inproceedings{vaswani2017,
  author    = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion and Gomez, Aidan N. and Kaiser, {\\L}ukasz and Polosukhin, Illia},
  title     = {Attention Is All You Need},
  booktitle = {Advances in Neural Information Processing Systems},
  year      = {2017}
}

@article{uncited2000,
  author  = {Nobody, Ned},
  title   = {Never Cited},
  journal = {Journal of Nothing},
  year    = {2000}
}
"""

BODY = """\
GANs [@goodfellow2014] came first in this story.

A VAE [@kingma2013; @rezende2014] learns a latent space; see page four [@ho2020, p. 4].

Vaswani and colleagues [-@vaswani2017] wrote the Transformer paper; GANs again [@goodfellow2014].

Cross-references stay: [@sec:more].

## More {#more}

Done.
"""


def site(tmp_path, style: str | None = None, body: str = BODY, bib: str = BIB, title: str = "Cited", **fields):
    require_cite()
    yaml = DEFAULT_SITE_YAML + "bibliography: references.bib\n" + (f"citation_style: {style}\n" if style else "")
    return write_files(tmp_path / "site", {"site.yaml": yaml, "references.bib": bib,
                                           "content/posts/cited.md": post(title, body=body, **fields)})


def article(out):
    return parse_html(out / "posts/cited/index.html")


def citations(root):
    return [c for c in find_all(root, "span", cls="citation") if c.get("id")]


# --------------------------------------------------------------------------- author-date (the default)

def test_author_date_citations_link_to_their_entries(tmp_path):
    out = build(site(tmp_path), cache=False).output
    root = article(out)
    found = citations(root)
    assert [text_of(c) for c in found] == [
        "(Goodfellow et al. 2014)", "(Kingma and Welling 2013; Rezende et al. 2014)",
        "(Ho et al. 2020, 4)", "(2017)", "(Goodfellow et al. 2014)"]
    assert [c.get("id") for c in found] == ["cite-1", "cite-2", "cite-3", "cite-4", "cite-5"]
    links = [[a.get("href") for a in find_all(c, "a")] for c in found]
    assert links == [["#ref-goodfellow2014"], ["#ref-kingma2013", "#ref-rezende2014"], ["#ref-ho2020"],
                     ["#ref-vaswani2017"], ["#ref-goodfellow2014"]]
    xref = find_one(root, "a", cls="xref--sec")
    assert xref is not None and xref.get("href") == "#more"


def test_references_list_only_what_is_cited_in_style_order_with_back_links(tmp_path):
    out = build(site(tmp_path), cache=False).output
    root = article(out)
    section = find_by_id(root, "refs")
    assert text_of(find_one(section, "h2")) == "References"
    entries = find_all(section, "li", cls="references__entry")
    assert [e.get("id") for e in entries] == ["ref-goodfellow2014", "ref-ho2020", "ref-kingma2013",
                                              "ref-rezende2014", "ref-vaswani2017"]  # alphabetical, by author
    assert "uncited2000" not in (out / "posts/cited/index.html").read_text(encoding="utf-8")
    back = {e.get("id"): [a.get("href") for a in find_all(e, "a", cls="references__back")] for e in entries}
    assert back["ref-goodfellow2014"] == ["#cite-1", "#cite-5"]
    assert back["ref-rezende2014"] == ["#cite-2"]
    for hrefs in back.values():
        for href in hrefs:
            assert find_by_id(root, href[1:]) is not None
    kingma = text_of(entries[2])
    assert kingma.startswith("Kingma, Diederik P., and Max Welling. 2013.")
    doi = [a.get("href") for a in find_all(entries[2], "a") if "doi.org" in (a.get("href") or "")]
    assert doi == ["https://doi.org/10.48550/arXiv.1312.6114"]
    url = [a.get("href") for a in find_all(entries[0], "a") if "nips" in (a.get("href") or "")]
    assert url == ["https://papers.nips.cc/paper/5423-generative-adversarial-nets"]


# --------------------------------------------------------------------------- a numeric style

def test_numeric_style_numbers_in_citation_order(tmp_path):
    out = build(site(tmp_path, "ieee"), cache=False).output
    root = article(out)
    assert [text_of(c) for c in citations(root)] == ["[1]", "[2], [3]", "[4, p. 4]", "[5]", "[1]"]
    entries = find_all(find_by_id(root, "refs"), "li", cls="references__entry")
    assert [e.get("id") for e in entries] == ["ref-goodfellow2014", "ref-kingma2013", "ref-rezende2014",
                                              "ref-ho2020", "ref-vaswani2017"]
    assert text_of(entries[0]).startswith("[1] I. Goodfellow et al.")


def test_unknown_style_is_an_error_with_suggestions(tmp_path):
    errors = build_errors(site(tmp_path, "ieeee"))
    assert any(e.startswith("site.yaml: citation_style: expected a CSL style name") and "ieee" in e for e in errors)


# --------------------------------------------------------------------------- errors and warnings

def test_unknown_key_is_an_error_with_did_you_mean_at_its_line(tmp_path):
    body = "Intro.\n\nAs shown [@goodfelow2014] before.\n"
    errors = build_errors(site(tmp_path, body=body))
    assert ("content/posts/cited.md:8: citation: no entry 'goodfelow2014' in references.bib "
            "(did you mean 'goodfellow2014'?)") in [e.split(" (keys are")[0] for e in errors]


def test_malformed_bibtex_is_an_error_at_its_line(tmp_path):
    bib = BIB + "\n@article{broken,\n  title = {Unclosed,\n  year = 2020\n}\n"
    line = BIB.count("\n") + 2
    errors = build_errors(site(tmp_path, bib=bib))
    assert any(e.startswith(f"references.bib:{line}: bibliography: malformed entry '@article{{broken,'")
               for e in errors), errors


def test_missing_field_is_a_warning_naming_entry_and_field(tmp_path):
    bib = BIB.replace("  year      = {2020}\n", "")
    result = build(site(tmp_path, bib=bib), cache=False)
    warnings = [d.format() for d in result.diagnostics.warnings]
    line = BIB[:BIB.index("@inproceedings{ho2020")].count("\n") + 1
    assert (f"references.bib:{line}: warning: bibliography: entry 'ho2020' has no 'year' field, "
            "which the chicago-author-date style shows") in warnings


def test_article_bibliography_is_added_to_the_site_one(tmp_path):
    root = site(tmp_path, body="Own [@own2021] and site [@ho2020].\n", bibliography="own.bib")
    (root / "content/posts/own.bib").write_text(
        "@misc{own2021,\n  author = {Own, Olga},\n  title = {Mine},\n  year = {2021}\n}\n", encoding="utf-8")
    out = build(root, cache=False).output
    ids = [e.get("id") for e in find_all(article(out), "li", cls="references__entry")]
    assert ids == ["ref-ho2020", "ref-own2021"]


def test_missing_article_bibliography_file_is_an_error_at_its_field(tmp_path):
    errors = build_errors(site(tmp_path, bibliography="nope.bib"))
    assert any(e.startswith("content/posts/cited.md:4: bibliography: no file content/posts/nope.bib")
               for e in errors), errors


def test_citation_without_any_bibliography_is_an_error(tmp_path):
    root = write_files(tmp_path / "s", {"content/posts/a.md": post("A", body="Text [@nobody2020].\n")})
    errors = build_errors(root)
    assert any(e.startswith("content/posts/a.md:6: citation: [@nobody2020] cites 'nobody2020', but there is no "
                            "bibliography") for e in errors), errors


# --------------------------------------------------------------------------- cite this article

def test_cite_this_bibtex_parses_back(tmp_path):
    import bibtexparser

    root = site(tmp_path, title="Braces {and} 100% & more",
                authors=["Ada Lovelace", {"name": "Alan Turing", "affiliation": "Manchester"}])
    out = build(root, cache=False).output
    section = find_one(article(out), "section", cls="cite-this")
    assert text_of(find_one(section, "h2")) == "Cite this article"
    assert text_of(find_one(section, "p", cls="cite-this__text")) == \
        "Ada Lovelace and Alan Turing, “Braces {and} 100% & more”, Test site, 2024."
    library = bibtexparser.parse_string(text_of(find_one(section, "code")))
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {name: value.value for name, value in entry.fields_dict.items()}
    assert entry.entry_type == "misc" and entry.key == "lovelace2024cited"
    assert fields["author"] == "Ada Lovelace and Alan Turing"
    assert fields["title"] == r"Braces \{and\} 100\% \& more"
    assert fields["year"] == "2024" and fields["url"] == "https://example.org/blog/posts/cited/"


def test_scholar_meta_tags_escape_front_matter(tmp_path):
    root = site(tmp_path, title='A "quoted" <title>', authors=["Ada <b>Lovelace</b>", "Alan Turing"])
    out = build(root, cache=False).output
    html = (out / "posts/cited/index.html").read_text(encoding="utf-8")
    assert "<b>Lovelace" not in html
    root_el = article(out)
    metas = {(m.get("name"), m.get("content")) for m in find_all(root_el, "meta") if m.get("name", "").startswith("citation_")}
    assert metas == {("citation_title", 'A "quoted" <title>'), ("citation_author", "Ada <b>Lovelace</b>"),
                     ("citation_author", "Alan Turing"), ("citation_publication_date", "2024/05/14"),
                     ("citation_public_url", "https://example.org/blog/posts/cited/")}


# --------------------------------------------------------------------------- byline and updates

def test_multi_author_byline(tmp_path):
    root = site(tmp_path, authors=["Ada Lovelace", {"name": "Alan Turing", "affiliation": "University of Manchester",
                                                     "url": "https://example.org/turing"}])
    out = build(root, cache=False).output
    byline = find_one(article(out), "div", cls="byline")
    authors = find_all(byline, "li", cls="byline__author")
    assert [text_of(find_one(a, cls="p-name")) for a in authors] == ["Ada Lovelace", "Alan Turing"]
    assert find_one(authors[1], "a").get("href") == "https://example.org/turing"
    assert text_of(find_one(authors[1], "span", cls="byline__affiliation")) == "University of Manchester"
    assert find_all(authors[0], "span", cls="byline__affiliation") == []


def test_bad_authors_and_updates_are_errors_at_their_lines(tmp_path):
    root = site(tmp_path, authors=[{"name": "A", "email": "x"}], updates=[{"date": "2024-06-01"}])
    errors = build_errors(root)
    assert any(e.startswith("content/posts/cited.md:4: authors: expected a list of names or of {name, affiliation, url}")
               for e in errors), errors
    assert any(e.startswith("content/posts/cited.md:5: updates: expected a list of {date, note}") for e in errors)


def test_updates_in_page_byline_and_feed(tmp_path):
    root = site(tmp_path, updates=[{"date": "2024-07-02", "note": "Fixed <equation> (2)."},
                                   {"date": "2024-06-01", "note": "Added a figure."}])
    out = build(root, cache=False).output
    root_el = article(out)
    section = find_one(root_el, "section", cls="updates")
    items = [text_of(li) for li in find_all(section, "li")]
    assert items == ["2024-06-01: Added a figure.", "2024-07-02: Fixed <equation> (2)."] or \
        [i.split(": ", 1)[1] for i in items] == ["Added a figure.", "Fixed <equation> (2)."]
    assert find_all(section, "time")[0].get("datetime").startswith("2024-06-01")
    updated = find_one(root_el, "time", cls="dt-updated")
    assert updated is not None and updated.get("datetime").startswith("2024-07-02")
    feed = parse_xml(out / "feed.xml")
    ns = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{ns}entry")
    assert entry.find(f"{ns}updated").text.startswith("2024-07-02")


def test_seed_article_cites_its_papers(tmp_path):
    require_cite()
    from support.sites import copy_repo_site

    out = build(copy_repo_site(tmp_path / "repo"), cache=False).output
    root = parse_html(out / "posts/demystifying-generative-ai/index.html")
    ids = {e.get("id") for e in find_all(find_by_id(root, "refs"), "li", cls="references__entry")}
    assert {"ref-goodfellow2014", "ref-kingma2013", "ref-sohldickstein2015", "ref-ho2020", "ref-vaswani2017"} <= ids
    assert find_one(root, "section", cls="cite-this") is not None
    assert BASE_PATH  # the fixture site's base path is unused here
