"""Real image files for tests: a minimal PNG written by hand, and photos drawn with Pillow."""

from __future__ import annotations

import io
import struct
import zlib



def png_bytes(width: int, height: int) -> bytes:
    """A real, minimal PNG (greyscale, one filter byte per row)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def photo(width: int, height: int, kind: str = "JPEG", mode: str = "RGB") -> bytes:
    """A real picture with some structure (so encoders have work to do)."""
    from PIL import Image, ImageDraw

    image = Image.new(mode, (width, height), "#336699" if mode == "RGB" else 90)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, max(1, width // 12)):
        draw.ellipse((x, x * height // max(1, width), x + width // 5, x * height // max(1, width) + height // 4),
                     fill=(x % 255, 120, 200) if mode == "RGB" else 200)
    buffer = io.BytesIO()
    image.save(buffer, kind, **({"quality": 85} if kind == "JPEG" else {}))
    return buffer.getvalue()
