"""The Pillow half of the image step: plan the variants and cards, make the missing ones in
worker processes, and describe what was published (imported only when Pillow is installed)."""

from __future__ import annotations

import multiprocessing
import posixpath
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union
from urllib.parse import urlsplit

from ..assets import static_files
from ..config import Config
from ..errors import Diagnostics, error, warning
from ..model import Page, absolute
from ..model.site import SocialImage
from .cards import CardJob, card_key, draw_card, theme_colours
from .html import Plain, Responsive
from .publish import ImageStats
from .settings import DEFAULT_SIZES
from .sources import Use, site_rel, url_of
from .variants import (EXTENSIONS, MIME, RASTER, CoverJob, Outcome, SourceInfo, VariantJob, cache_dir, digest_of,
                       make_cover, make_variants, missing, plan, read_info, shard)

Job = Union[VariantJob, CoverJob, CardJob]
CARD_WIDTH, CARD_HEIGHT = 1200, 630
SOCIAL_DIR = "social"
COLUMN_PX = 672  # 42rem: the theme's text column at its widest


@dataclass
class Made:
    files: dict[str, Path] = field(default_factory=dict)
    lookups: dict[str, Responsive | Plain] = field(default_factory=dict)
    social: dict[str, SocialImage] = field(default_factory=dict)
    stats: ImageStats = field(default_factory=ImageStats)


def run_job(job: Job) -> Outcome:
    """In a worker process: one source's variants, one cover, or one card."""
    if isinstance(job, VariantJob):
        return make_variants(job)
    if isinstance(job, CoverJob):
        return make_cover(job)
    return draw_card(job)


def run_all(jobs: list[Job], workers: int) -> list[Outcome]:
    workers = min(workers, len(jobs))
    if workers <= 1:
        return [run_job(job) for job in jobs]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(run_job, jobs))


def make_all(config: Config, pages: list[Page], uses: list[Use], available: dict[str, Path], workers: int,
             diagnostics: Diagnostics) -> Made:
    settings, cache = config.images, cache_dir(config.root)
    made = Made()
    raster = {use.rel: use.file for use in uses if use.file.suffix.lower() in RASTER}
    digests = {path: digest_of(path) for path in set(raster.values())}
    jobs: list[Job] = [VariantJob(str(path), digest, str(cache), settings.widths, settings.formats, settings.quality)
                       for path, digest in sorted(digests.items()) if missing(cache, digest, settings)]
    owners: list[object] = [path for path, _ in sorted(digests.items()) if missing(cache, digests[path], settings)]
    social, social_jobs = _social(config, pages, available, cache, digests, diagnostics)
    jobs += [job for job, _ in social_jobs]
    owners += [page for _, page in social_jobs]
    outcomes = run_all(jobs, workers)
    made.stats.sources, made.stats.jobs = len(digests), len(jobs)
    made.stats.made = sum(o.made for o in outcomes)
    problems = {owner: o.problem for owner, o in zip(owners, outcomes) if o.problem}
    _report(problems, uses, diagnostics, config)
    expected = 0
    for rel, path in sorted(raster.items()):
        info = read_info(cache, digests[path])
        if info is None or path in problems:
            continue
        made.lookups[rel] = _responsive(rel, info, digests[path], cache, config, made.files)
        expected += len(plan(info, settings.widths, settings.formats))
    for page, (image, target) in social.items():
        if Path(target).is_file():
            made.files[_social_rel(config, image)] = Path(target)
            made.social[page.source] = image
            expected += 1
    made.stats.reused = max(0, expected - made.stats.made)
    return made


def _responsive(rel: str, info: SourceInfo, digest: str, cache: Path, config: Config,
                files: dict[str, Path]) -> Responsive | Plain:
    settings = config.images
    variants = plan(info, settings.widths, settings.formats)
    if not variants:
        return Plain(info.width, info.height, url_of(rel, config))
    folder, name = posixpath.split(rel)
    stem = name.rsplit(".", 1)[0]
    srcsets: dict[str, list[str]] = {}
    for variant in variants:
        out = posixpath.join(folder, f"{stem}-{variant.width}w.{EXTENSIONS[variant.format]}")
        files[out] = shard(cache, digest) / variant.cache_name(digest, settings.quality)
        srcsets.setdefault(variant.format, []).append(f"{url_of(out, config)} {variant.width}w")
    fallback = variants[-1].format
    sources = tuple((MIME[kind], ", ".join(entries)) for kind, entries in srcsets.items() if kind != fallback)
    return Responsive(info.width, info.height, url_of(rel, config), sources, ", ".join(srcsets[fallback]),
                      _sizes(settings.sizes, info.width))


def _sizes(sizes: str, width: int) -> str:
    """The default sizes says "the text column"; an image narrower than the column is shown at its own width."""
    if sizes != DEFAULT_SIZES or width >= COLUMN_PX:
        return sizes
    return f"(min-width: {width + 32}px) {width}px, calc(100vw - 2rem)"


def _social(config: Config, pages: list[Page], available: dict[str, Path], cache: Path, digests: dict[Path, str],
            diagnostics: Diagnostics) -> tuple[dict[Page, tuple[SocialImage, str]], list[tuple[Job, Page]]]:
    """Each page's social image (given or a card) and the jobs still to run for them."""
    found: dict[Page, tuple[SocialImage, str]] = {}
    jobs: list[tuple[Job, Page]] = []
    colours = theme_colours(_theme_css(config))
    footer = (lambda p: p.netloc + p.path.rstrip("/"))(urlsplit(config.base_url))
    for page in pages:
        stem = page.output[: -len("/index.html")] if page.output.endswith("/index.html") else "index"
        if page.image:
            given = _given(config, page, available, cache, digests, stem, diagnostics)
            if given is not None:
                found[page] = (given[0], given[1].target)
                if not Path(given[1].target).is_file():
                    jobs.append((given[1], page))
                continue
        if not config.images.cards:
            continue
        series = page.series.title if page.series is not None else ""
        job = CardJob(page.title, config.title, series, footer, colours, "")
        target = cache / "cards" / f"{card_key(job)}.png"
        job = CardJob(page.title, config.title, series, footer, colours, str(target))
        rel = f"{SOCIAL_DIR}/{stem}.png"
        found[page] = (SocialImage(absolute(config, url_of(rel, config)), CARD_WIDTH, CARD_HEIGHT,
                                   f"{page.title} — {config.title}"), str(target))
        if not target.is_file():
            jobs.append((job, page))
    return found, jobs


def _given(config: Config, page: Page, available: dict[str, Path], cache: Path, digests: dict[Path, str],
           stem: str, diagnostics: Diagnostics) -> tuple[SocialImage, CoverJob] | None:
    assert page.image is not None
    rel = site_rel(page.image, page, config)
    path = available.get(rel) if rel is not None else None
    if path is None:
        diagnostics.add(error(f"image: {page.image}: no such image file in the site", page.source, page.image_line,
                              hint="name a JPEG, PNG, WebP or AVIF file beside the page, or /path under static/"))
        return None
    if path.suffix.lower() not in RASTER:
        diagnostics.add(warning(f"image: {page.image}: social sites show no {path.suffix[1:].upper()} images, so "
                                "the page gets a generated card instead", page.source, page.image_line,
                                hint="give a JPEG or PNG version, or leave image: out"))
        return None
    digest = digests.get(path) or digest_of(path)
    kind = "jpg" if path.suffix.lower() in (".jpg", ".jpeg") else "png"
    target = cache / "covers" / f"{digest}-{CARD_WIDTH}x{CARD_HEIGHT}-q{config.images.quality}.{kind}"
    out = f"{SOCIAL_DIR}/{stem}.{kind}"
    image = SocialImage(absolute(config, url_of(out, config)), CARD_WIDTH, CARD_HEIGHT, page.image_alt or page.title)
    return image, CoverJob(str(path), digest, str(target), CARD_WIDTH, CARD_HEIGHT, config.images.quality)


def _social_rel(config: Config, image: SocialImage) -> str:
    from urllib.parse import unquote

    return unquote(urlsplit(image.url).path)[len(config.base_path):]


def _theme_css(config: Config) -> str:
    css = static_files(config).get("css/chalk.css")
    try:
        return css.read_text(encoding="utf-8") if css is not None else ""
    except OSError:
        return ""


def _report(problems: dict[object, str], uses: list[Use], diagnostics: Diagnostics, config: Config) -> None:
    """A source that failed is an error at every line that uses it; a card with missing glyphs a warning."""
    for owner, problem in problems.items():
        if isinstance(owner, Path):
            where = owner.relative_to(config.root).as_posix() if owner.is_relative_to(config.root) else str(owner)
            users = [use for use in uses if use.file == owner]
            for use in users:
                diagnostics.add(error(f"image {use.src} ({where}): {problem}", use.page.source, use.line,
                                      hint="re-export or replace the file"))
        elif isinstance(owner, Page) and owner.image:
            diagnostics.add(error(f"image: {owner.image}: {problem}", owner.source, owner.image_line,
                                  hint="re-export or replace the file"))
        elif isinstance(owner, Page):
            diagnostics.add(warning(f"social card: {problem}; those characters are left out or show as boxes",
                                    owner.source, 1, hint="the card fonts are Noto Sans and Noto Sans CJK"))
