"""Series: articles grouped into a multi-part explainer.

Front matter ``series: Generative models`` puts an article in a series, and the
optional ``series_part: 2`` orders it (parts without a number follow, by date).
Parts are numbered by their place in that order, so each shows "Part 2 of 4".
A series' title and description come from site.yaml::

    series:
      generative-models:          # the series' slug (from its name)
        title: Generative models, from scratch
        description: Four explainers, one model family at a time.

Two parts claiming the same number is an error naming both files.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..config import Config, SeriesInfo
from ..content import Source, slugify
from ..errors import Diagnostics, error
from .site import Page, Series
from .urls import absolute, url_path

SERIES_DIR = "series"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def series_settings(config: Config, slug: str) -> SeriesInfo:
    """The site.yaml ``series:`` entry of a slug (keys are slugified too); empty if there is none."""
    for key, value in config.series.items():
        if slugify(key) == slug:
            return value
    return SeriesInfo()


def collect_series(config: Config, pages: list[Page], sources: dict[str, Source],
                   diagnostics: Diagnostics) -> list[Series]:
    """Group pages by their front matter ``series``, order the parts and link them together."""
    groups: dict[str, list[Page]] = {}
    names: dict[str, str] = {}
    oldest_first = sorted(pages, key=lambda p: (p.date or _EPOCH, p.source))
    for page in oldest_first:
        meta = sources[page.source].meta
        if meta.series is None:
            continue
        slug = slugify(meta.series)
        groups.setdefault(slug, []).append(page)
        names.setdefault(slug, meta.series.strip())
    result = []
    for slug in sorted(groups):
        members = groups[slug]
        _check_numbers(names[slug], members, sources, diagnostics)
        members.sort(key=lambda p: (sources[p.source].meta.series_part is None,
                                    sources[p.source].meta.series_part or 0, p.date or _EPOCH, p.source))
        settings = series_settings(config, slug)
        url = url_path(config, SERIES_DIR, slug)
        series = Series(names[slug], slug, settings.title or names[slug], settings.description,
                        url, absolute(config, url), members)
        for index, page in enumerate(members):
            page.series, page.series_part = series, index + 1
            page.series_prev = members[index - 1] if index > 0 else None
            page.series_next = members[index + 1] if index + 1 < len(members) else None
        result.append(series)
    return sorted(result, key=lambda s: (s.title.casefold(), s.slug))


def _check_numbers(name: str, members: list[Page], sources: dict[str, Source], diagnostics: Diagnostics) -> None:
    claimed: dict[int, Page] = {}
    for page in members:
        meta = sources[page.source].meta
        if meta.series_part is None:
            continue
        other = claimed.setdefault(meta.series_part, page)
        if other is not page:
            diagnostics.add(error(
                f"series '{name}': {page.source} and {other.source} both claim series_part {meta.series_part}",
                page.source, meta.lines.get("series_part"), hint="give each part its own number"))
