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
