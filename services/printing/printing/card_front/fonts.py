"""The bundled DejaVu fonts, loaded with FreeType through Pillow."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from .layout import BOLD, OBLIQUE, REGULAR

_FILES = {
    REGULAR: "DejaVuSansCondensed.ttf",
    BOLD: "DejaVuSansCondensed-Bold.ttf",
    OBLIQUE: "DejaVuSansCondensed-Oblique.ttf",
}
_DIR = Path(__file__).with_name("fonts")


@lru_cache(maxsize=256)
def font(style: str, size: float) -> ImageFont.FreeTypeFont:
    # Basic layout (no libraqm): the same glyph positions on every machine, which the
    # pixel-wise reference comparison relies on. Latin text needs no shaping.
    return ImageFont.truetype(str(_DIR / _FILES[style]), size=size, layout_engine=ImageFont.Layout.BASIC)


class FontMetrics:
    """`layout.Metrics` measured with the same fonts the renderer draws with."""

    def width(self, text: str, style: str, size: float) -> float:
        # Ink can reach past the advance width (slanted glyphs): a box must hold both.
        face = font(style, size)
        return max(face.getlength(text), float(face.getbbox(text)[2]))

    def ascent(self, style: str, size: float) -> float:
        return float(font(style, size).getmetrics()[0])

    def descent(self, style: str, size: float) -> float:
        return float(font(style, size).getmetrics()[1])
