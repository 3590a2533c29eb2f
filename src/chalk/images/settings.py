"""The ``images:`` section of site.yaml, typed and checked (no Pillow needed to read it).

    images:
      widths: [360, 720, 1080, 1440]   # variant widths in px; never wider than the source
      formats: [avif, webp]            # modern formats offered before the original's own
      quality: 75                      # 1-100, for every lossy format
      max_kb: 500                      # chalk check warns about heavier images
      sizes: "(min-width: 46rem) 42rem, calc(100vw - 2rem)"
      cards: true                      # social cards for posts and pages

``images: false`` turns resizing and cards off: images are copied as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FORMATS = ("avif", "webp")
DEFAULT_SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"  # the theme's text column (68ch) or the screen
KEYS = ("widths", "formats", "quality", "max_kb", "sizes", "cards")


@dataclass(frozen=True)
class ImageSettings:
    """How images are published; ``enabled=False`` is ``images: false``."""

    enabled: bool = True
    configured: bool = False  # site.yaml has an images: mapping (so Pillow is required, not just wanted)
    widths: tuple[int, ...] = (360, 720, 1080, 1440)
    formats: tuple[str, ...] = FORMATS
    quality: int = 75
    max_kb: int = 500
    sizes: str = DEFAULT_SIZES
    cards: bool = True


def check_images(value: Any) -> str | None:
    """What ``images:`` should have been, or None if it is fine."""
    if value is False or value is True:
        return None
    if not isinstance(value, dict):
        return "false or a mapping like {widths: [360, 720], formats: [avif, webp], quality: 75}"
    unknown = sorted(set(value) - set(KEYS))
    if unknown:
        return f"only the keys {', '.join(KEYS)} (not {unknown[0]})"
    widths = value.get("widths", [360])
    if not (isinstance(widths, list) and widths and all(_whole(w) and 16 <= w <= 8192 for w in widths)):
        return "widths: a list of widths in px between 16 and 8192, like [360, 720, 1440]"
    formats = value.get("formats", [])
    if not (isinstance(formats, list) and all(f in FORMATS for f in formats)):
        return "formats: a list of avif and/or webp, like [avif, webp] ([] for the original format only)"
    quality = value.get("quality", 75)
    if not (_whole(quality) and 1 <= quality <= 100):
        return "quality: a whole number from 1 to 100"
    max_kb = value.get("max_kb", 500)
    if not (_whole(max_kb) and max_kb >= 1):
        return "max_kb: a whole number of kilobytes of at least 1"
    if not isinstance(value.get("sizes", ""), str) or not isinstance(value.get("cards", True), bool):
        return "sizes: text (an HTML sizes attribute), cards: true or false"
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def image_settings(value: Any) -> ImageSettings:
    """The settings from a checked ``images:`` value (None: the key is absent)."""
    if value is None or value is True:
        return ImageSettings()
    if value is False:
        return ImageSettings(enabled=False, cards=False)
    defaults = ImageSettings()
    return ImageSettings(
        enabled=True, configured=True,
        widths=tuple(sorted(set(value.get("widths", defaults.widths)))),
        formats=tuple(dict.fromkeys(value.get("formats", defaults.formats))),
        quality=value.get("quality", defaults.quality), max_kb=value.get("max_kb", defaults.max_kb),
        sizes=value.get("sizes", defaults.sizes) or defaults.sizes, cards=value.get("cards", defaults.cards),
    )
