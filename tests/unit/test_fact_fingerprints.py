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


def test_a_value_judged_the_same_always_has_the_same_fingerprint() -> None:
    """same_value lets a rebuilt model object count as unchanged without a look at its facts;
    it must never call two values the same where a template could see a difference."""
    from datetime import datetime, timedelta, timezone

    from chalk.byline import Author, Update
    from chalk.render.tracking import same_value

    ml, ml_again = Tag("ML", "ml", "/tags/ml/", "https://x/ml/"), Tag("ML", "ml", "/tags/ml/", "https://x/ml/")
    maths = Tag("Maths", "maths", "/t/", "https://x/t/")
    noon = datetime(2024, 5, 14, 12, tzinfo=timezone.utc)
    noon_elsewhere = noon.astimezone(timezone(timedelta(hours=2)))  # the same instant, shown otherwise
    values = ["/posts/a/", "".join(["/posts/", "a/"]), Markup("/posts/a/"), "", 1, True, 1.0, 0.0, -0.0, 0, None,
              noon, noon_elsewhere, (), [], [ml], [ml_again], [maths], (ml,), [ml, maths], [maths, ml], ml, ml_again,
              maths, {"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1, "b": 2.0}, {"a": [ml]}, {"a": [ml_again]},
              {1: "a"}, {True: "a"}, (1,), (1.0,), (True,), Author("Ada"), Author("Ada"), Author("Ada", "Cambridge"),
              (Author("Ada"),), (Author("Ada"),), Update(noon, "fixed"), Update(noon_elsewhere, "fixed"),
              Update(noon, "fixed")]
    for old in values:
        for new in values:
            if same_value(old, new):
                assert fingerprint(old) == fingerprint(new), (old, new)
    rebuilt = [("/posts/a/", "".join(["/posts/", "a/"])), ([ml], [ml_again]), (ml, ml_again),
               ({"a": [ml]}, {"a": [ml_again]}), ((Author("Ada"),), (Author("Ada"),)),
               (Update(noon, "fixed"), Update(noon, "fixed"))]
    for old, new in rebuilt:  # what a rebuilt model makes anew, equal: found the same
        assert same_value(old, new), (old, new)


def test_only_objects_whose_fields_all_hold_the_same_count_as_unchanged() -> None:
    from chalk.model import Series
    from chalk.model.site import Year
    from chalk.render.tracking import same_objects

    def tag(url: str = "/tags/ml/") -> Tag:
        return Tag("ML", "ml", url, "https://x" + url)

    def series() -> Series:
        return Series("S", "s", "S", "", "/series/s/", "https://x/series/s/")

    before = {"tag:ml": tag(), "tag:other": tag(), "series:s": series(), "year:2024": Year(2024, [])}
    now = {"tag:ml": tag(), "tag:other": tag("/tags/ml-2/"), "series:s": series(), "year:2024": Year(2024, []),
           "tag:new": tag()}
    # a series' lastmod reads its parts' dates, facts of other objects: never taken as unchanged
    assert same_objects(before, now) == {"tag:ml", "year:2024"}
