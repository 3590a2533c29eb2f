"""Fingerprints of what templates read are remembered across builds (chalk.render.tracking):
remembering must never change one."""

from __future__ import annotations

from markupsafe import Markup

from chalk.model import Tag
from chalk.render.tracking import fact_fingerprint, fingerprint


def test_remembered_fingerprints_are_the_fingerprints_of_the_values_seen() -> None:
    ml, maths = Tag("ML", "ml", "/tags/ml/", "https://x.org/tags/ml/"), Tag("Maths", "maths", "/t/", "https://x/t/")
    ml_again = Tag("ML", "ml", "/tags/ml/", "https://x.org/tags/ml/")  # the same tag in a rebuilt model
    values = ["/posts/a/", "/posts/a/", Markup("/posts/a/"), "", True, 1, 1.0, False, 0, None, (), [], [ml],
              [ml_again], [ml, maths], (ml,), ml, ml_again, maths, ("a", 1), ("a", True), {"k": 1}]
    known: dict[object, tuple[object, bytes]] = {}
    for _ in range(2):  # the second round is answered from what the first remembered
        for value in values:
            assert fact_fingerprint(None, "title", value, known) == fingerprint(value), repr(value)
    assert len({fingerprint(v) for v in (True, 1, 1.0)}) == 3
    assert fingerprint([ml]) == fingerprint([ml_again]) != fingerprint([maths])


def test_a_comparison_finds_the_fingerprints_fact_fingerprint_would() -> None:
    """Comparison._evaluate answers most facts from what it remembers without calling
    fact_fingerprint; each answer must be the fingerprint of the value, build after build."""
    from types import SimpleNamespace

    from chalk.render.tracking import Comparison

    ml = Tag("ML", "ml", "/tags/ml/", "https://x.org/tags/ml/")
    values = ["/posts/a/", Markup("/posts/a/"), "", True, 1, 1.0, False, 0, None, (), [], [ml], (ml,), ml,
              ("a", 1), ("a", True), {"k": 1}, 2 ** 70]
    comparison = object.__new__(Comparison)
    comparison.digests = {}
    facts = [("tag:holder", f"v{index}") for index in range(len(values))]
    for _ in range(3):  # a rebuilt model: new holder, the same values; remembered digests carry over
        comparison.objects = {"tag:holder": SimpleNamespace(**{f"v{i}": v for i, v in enumerate(values)})}
        comparison.seen = {}
        comparison._evaluate(facts)
        assert [comparison.seen[fact] for fact in facts] == [fingerprint(value) for value in values]
