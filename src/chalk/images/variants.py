"""Resized variants of one source image, made with Pillow and cached as plain files.

The cache (``.chalk-cache/images/``) is keyed by content: ``<sha256 of the source>.json``
holds the source's size and kind, and each variant is ``<sha256>-<width>-q<quality>.<ext>``;
so a variant is made once, whatever page, path or build uses it, and a second build only
hashes sources and finds files. Runs in worker processes (see :mod:`chalk.images.publish`).

Memory stays bounded: a JPEG is decoded at a reduced scale (``Image.draft``) close to the
largest width wanted; any other format larger than :data:`MAX_PIXELS` is refused with a
message, before it is decoded.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from .settings import ImageSettings

CACHE_VERSION = "v1"
MAX_PIXELS = 50_000_000  # decoded at full size: at most 200 MB as RGBA
MAX_JPEG_PIXELS = 175_000_000  # decoded at 1/2..1/8 scale; stays under Pillow's own bomb limit (~179 MP)
RASTER = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".avif": "avif"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
PASSTHROUGH = (".svg", ".gif")


@dataclass(frozen=True)
class SourceInfo:
    """What a variant plan needs to know of a source: its size as displayed (EXIF rotation applied)."""

    width: int
    height: int
    format: str  # jpeg, png, webp, avif
    alpha: bool
    animated: bool


@dataclass(frozen=True)
class Variant:
    width: int
    format: str  # avif, webp, jpeg, png

    def cache_name(self, digest: str, quality: int) -> str:
        return f"{digest}-{self.width}-q{quality}.{EXTENSIONS[self.format]}"


@dataclass(frozen=True)
class VariantJob:
    """Make every missing variant of one source."""

    path: str
    digest: str
    cache: str
    widths: tuple[int, ...]
    formats: tuple[str, ...]
    quality: int


@dataclass(frozen=True)
class CoverJob:
    """The front matter's ``image:`` cropped and resized to a social card's size."""

    path: str
    digest: str
    target: str
    width: int
    height: int
    quality: int


@dataclass(frozen=True)
class Outcome:
    info: SourceInfo | None = None
    made: int = 0
    problem: str | None = None


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_dir(root: Path) -> Path:
    return root / ".chalk-cache" / "images" / CACHE_VERSION


def shard(cache: Path, digest: str) -> Path:
    return cache / digest[:2]


def read_info(cache: Path, digest: str) -> SourceInfo | None:
    try:
        data = json.loads((shard(cache, digest) / f"{digest}.json").read_text(encoding="utf-8"))
        return SourceInfo(int(data["width"]), int(data["height"]), str(data["format"]), bool(data["alpha"]),
                          bool(data["animated"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plan(info: SourceInfo, widths: tuple[int, ...], formats: tuple[str, ...]) -> list[Variant]:
    """The variants of a source: each width below its own (never upscaled), in each format
    plus the original's (PNG or JPEG for AVIF sources, so every browser has a fallback)."""
    if info.animated:
        return []
    sizes = sorted({w for w in widths if w < info.width} | ({info.width} if info.width <= max(widths) else set()))
    fallback = info.format if info.format in ("jpeg", "png", "webp") else ("png" if info.alpha else "jpeg")
    kinds = list(dict.fromkeys([*formats, fallback]))
    return [Variant(width, kind) for kind in kinds for width in sizes]


def missing(cache: Path, digest: str, settings: ImageSettings) -> bool:
    """Whether any work is left for this source (its info or one of its variants is not cached)."""
    info = read_info(cache, digest)
    if info is None:
        return True
    folder = shard(cache, digest)
    return any(not (folder / v.cache_name(digest, settings.quality)).is_file()
               for v in plan(info, settings.widths, settings.formats))


def make_variants(job: VariantJob) -> Outcome:
    """Decode the source once and write every missing variant; a problem comes back as text."""
    cache = Path(job.cache)
    folder = shard(cache, job.digest)
    try:
        with open_bounded(Path(job.path), max(job.widths)) as (image, info):
            folder.mkdir(parents=True, exist_ok=True)
            made = 0
            if not info.animated:
                work = prepare(image, info)
                for variant in plan(info, job.widths, job.formats):
                    target = folder / variant.cache_name(job.digest, job.quality)
                    if not target.is_file():
                        write_atomic(target, encode(resize(work, variant.width), variant.format, job.quality,
                                                    image.info.get("icc_profile")))
                        made += 1
            write_atomic(folder / f"{job.digest}.json", json.dumps(info.__dict__).encode())
    except ImageProblem as exc:
        return Outcome(problem=str(exc))
    return Outcome(info, made)


def make_cover(job: CoverJob) -> Outcome:
    """A given social image, cropped to fill width x height around its centre."""
    try:
        with open_bounded(Path(job.path), job.width) as (image, info):
            work = prepare(image, info)
            cover = ImageOps.fit(work, (job.width, job.height), Image.Resampling.LANCZOS)
            kind = "jpeg" if info.format == "jpeg" or not info.alpha else "png"
            Path(job.target).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(Path(job.target), encode(cover, kind, job.quality, image.info.get("icc_profile")))
    except ImageProblem as exc:
        return Outcome(problem=str(exc))
    return Outcome(info, 1)


class ImageProblem(Exception):
    """A source that cannot be read or is too large; the message says which and why."""


class open_bounded:
    """``with open_bounded(path, width) as (image, info)``: the image loaded, at a reduced scale
    for a large JPEG, with ImageProblem for anything unreadable or too large."""

    def __init__(self, path: Path, largest_width: int):
        self.path, self.largest = path, largest_width
        self.image: Image.Image | None = None

    def __enter__(self) -> tuple[Image.Image, SourceInfo]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = self.image = Image.open(self.path)
                return image, self._load(image)
        except Image.DecompressionBombError as exc:
            raise ImageProblem(f"too large to resize ({exc}); scale it down before adding it") from None
        except ImageProblem:
            raise
        except (OSError, ValueError, SyntaxError, EOFError) as exc:  # Pillow's ways of saying "corrupt"
            raise ImageProblem(f"cannot read the image ({type(exc).__name__}: {exc})") from None

    def _load(self, image: Image.Image) -> SourceInfo:
        width, height = image.size
        kind = (image.format or "").lower()
        if kind == "jpeg" and min(width, height) >= 2 * self.largest:
            image.draft("RGB", (self.largest, self.largest))  # decode at 1/2, 1/4 or 1/8 scale
        decoded = image.size[0] * image.size[1]
        if decoded > MAX_PIXELS or width * height > MAX_JPEG_PIXELS:
            raise ImageProblem(f"too large to resize: {width}×{height} px ({width * height / 1e6:.0f} megapixels; "
                               f"chalk decodes at most {MAX_PIXELS / 1e6:.0f} megapixels, a large JPEG at a "
                               "reduced scale); scale it down before adding it")
        animated = bool(getattr(image, "is_animated", False))
        image.load()
        orientation = image.getexif().get(0x0112, 1)
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        return SourceInfo(width, height, kind, alpha, animated)

    def __exit__(self, *exc: Any) -> None:
        if self.image is not None:
            self.image.close()


def prepare(image: Image.Image, info: SourceInfo) -> Image.Image:
    """Upright (EXIF orientation applied) and in RGB or RGBA, ready to resize."""
    upright = ImageOps.exif_transpose(image) or image
    return upright.convert("RGBA" if info.alpha else "RGB")


def resize(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image: Image.Image, kind: str, quality: int, icc: bytes | None = None) -> bytes:
    """The image in one format, without metadata (no EXIF, so no GPS position, is published)."""
    buffer = io.BytesIO()
    extra: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if kind == "jpeg":
        image = image.convert("RGB") if image.mode != "RGB" else image
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True, **extra)
    elif kind == "png":
        image.save(buffer, "PNG", optimize=True, **extra)
    elif kind == "webp":
        image.save(buffer, "WEBP", quality=quality, method=4, **extra)
    elif kind == "avif":
        image.save(buffer, "AVIF", quality=quality, speed=8, **extra)  # speed 8: ~4x faster than 6-7, a little larger
    else:
        raise ValueError(kind)
    return buffer.getvalue()


def write_atomic(target: Path, data: bytes) -> None:
    """Workers may race for the same file: each writes a temporary file and renames it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
