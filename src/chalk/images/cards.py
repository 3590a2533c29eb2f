"""Social cards: a 1200×630 PNG per article with its title, the site's name and its series.

Drawn with Pillow in the theme's colours (read from the theme's ``chalk.css``) and in
Noto Sans, which the theme's UI font stack names; the fonts come from PyPI packages
(``fontpkg-noto-sans``: Latin, Greek, Cyrillic; ``noto-cjk-sans-jp-bold``: Chinese,
Japanese, Korean), so a card looks the same on every machine. A character neither font
has is reported, never drawn as an empty box silently. Titles wrap at spaces (and
between CJK characters) and shrink to fit; a title too long even at the smallest size
ends with an ellipsis, so text never leaves the card.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .variants import Outcome, write_atomic

WIDTH, HEIGHT = 1200, 630
CARD_VERSION = "1"
MARGIN = 80
TITLE_SIZES = tuple(range(76, 43, -4))
TITLE_TOP, TITLE_BOTTOM = 210, 520
DEFAULT_COLOURS = {"bg": "#fbfaf7", "fg": "#1e2125", "muted": "#595f66", "link": "#1a5a9e", "border": "#e4e1d9"}
_CSS_VAR = re.compile(r"--(bg|fg|muted|link|border)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass(frozen=True)
class CardJob:
    title: str
    site: str
    series: str
    footer: str
    colours: tuple[tuple[str, str], ...]
    target: str


def theme_colours(css: str) -> tuple[tuple[str, str], ...]:
    """The light scheme's colours from the theme's first ``:root`` block."""
    root = css.split("@media", 1)[0]
    found = dict(DEFAULT_COLOURS, **{name: value for name, value in _CSS_VAR.findall(root)})
    return tuple(sorted(found.items()))


def font_files() -> list[Path]:
    """The card fonts in fallback order: Noto Sans, then Noto Sans CJK (when installed)."""
    found = []
    for package, name in (("fontpkg_noto_sans", "files/NotoSans[wdth,wght].ttf"),
                          ("noto_cjk_sans_jp_bold", "NotoSansCJKjp-Bold.otf")):
        try:
            path = Path(str(resources.files(package).joinpath(name)))
        except ModuleNotFoundError:
            continue
        if path.is_file():
            found.append(path)
    return found


def card_key(job: CardJob) -> str:
    """What the card depends on: its texts, colours, the fonts and this module's drawing."""
    fonts = [(p.name, p.stat().st_size) for p in font_files()]
    data = repr((CARD_VERSION, job.title, job.site, job.series, job.footer, job.colours, fonts))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(path, size)
    try:
        font.set_variation_by_axes([700, 100])  # Noto Sans: wght, wdth
    except OSError:
        pass  # not a variable font (the CJK one is Bold already)
    return font


@lru_cache(maxsize=4096)
def _has_glyph(path: str, char: str) -> bool:
    if char.isspace():
        return True
    font = _font(path, 40)
    mask, notdef = font.getmask(char), font.getmask("\U0010fffd")
    return bool(mask.size != notdef.size or bytes(mask) != bytes(notdef))


class Fonts:
    """Fonts of one size with per-character fallback."""

    def __init__(self, paths: list[Path], size: int):
        self.paths = [str(p) for p in paths]
        self.fonts = [_font(p, size) for p in self.paths]
        self.size = size

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        runs: list[tuple[str, ImageFont.FreeTypeFont]] = []
        for char in text:
            index = next((i for i, p in enumerate(self.paths) if _has_glyph(p, char)), 0)
            font = self.fonts[index]
            if runs and runs[-1][1] is font:
                runs[-1] = (runs[-1][0] + char, font)
            else:
                runs.append((char, font))
        return runs

    def width(self, text: str) -> float:
        return sum(font.getlength(run) for run, font in self.runs(text))

    def draw(self, draw: ImageDraw.ImageDraw, x: float, baseline: float, text: str, fill: str) -> None:
        for run, font in self.runs(text):
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
            x += font.getlength(run)


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` that no card font can draw."""
    paths = [str(p) for p in font_files()]
    return "".join(dict.fromkeys(c for c in text if not any(_has_glyph(p, c) for p in paths)))


def _tokens(text: str) -> list[str]:
    """Break opportunities: after spaces, and around every CJK character."""
    tokens: list[str] = []
    for piece in re.findall(r"\S+\s*|\s+", text):
        for part in re.split(f"({_CJK.pattern})", piece):
            if part:
                tokens.append(part)
    return tokens


def wrap(text: str, fonts: Fonts, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if fonts.width((line + token).rstrip()) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while fonts.width(line.rstrip()) > width:  # a word wider than the card: break inside it
            cut = 1
            while cut < len(line) and fonts.width(line[:cut + 1]) <= width:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fit_title(title: str, paths: list[Path]) -> tuple[Fonts, list[str], int]:
    """The largest size at which the title fits its box; at the smallest, cut with an ellipsis."""
    box_width, box_height = WIDTH - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP
    for size in TITLE_SIZES:
        fonts = Fonts(paths, size)
        leading = round(size * 1.2)
        lines = wrap(title, fonts, box_width)
        if len(lines) * leading <= box_height:
            return fonts, lines, leading
    leading = round(size * 1.2)
    keep = max(1, box_height // leading)
    lines = lines[:keep]
    last = lines[-1]
    while last and fonts.width(last + "…") > box_width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return fonts, lines, leading


def draw_card(job: CardJob) -> Outcome:
    """Draw one card into ``job.target`` (a PNG)."""
    paths = font_files()
    colours = dict(job.colours)
    image = Image.new("RGB", (WIDTH, HEIGHT), colours["bg"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=colours["link"])
    small = Fonts(paths, 34)
    small.draw(draw, MARGIN, 110, _clip(job.site, small), colours["muted"])
    if job.series:
        series = Fonts(paths, 30)
        series.draw(draw, MARGIN, 160, _clip("Series: " + job.series, series), colours["link"])
    fonts, lines, leading = fit_title(job.title, paths)
    top = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - len(lines) * leading) / 2
    for index, line in enumerate(lines):
        fonts.draw(draw, MARGIN, top + index * leading + fonts.size, line, colours["fg"])
    draw.line((MARGIN, HEIGHT - 78, WIDTH - MARGIN, HEIGHT - 78), fill=colours["border"], width=2)
    foot = Fonts(paths, 28)
    foot.draw(draw, MARGIN, HEIGHT - 34, _clip(job.footer, foot), colours["muted"])
    write_atomic(Path(job.target), _png(image))
    missing = missing_glyphs(job.title + job.site + job.series)
    return Outcome(made=1, problem=f"no font has {missing!r}" if missing else None)


def _clip(text: str, fonts: Fonts) -> str:
    width = WIDTH - 2 * MARGIN
    if fonts.width(text) <= width:
        return text
    while text and fonts.width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _png(image: Image.Image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
