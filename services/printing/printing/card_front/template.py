"""The shape of a card-front layout template. Geometry in millimetres, type sizes in points.

A template is data: a new design is a new version next to the old one, so a reprint can be made
with the template version the original card used.
"""

from __future__ import annotations

from dataclasses import dataclass

Rgb = tuple[int, int, int]
MM_PER_INCH = 25.4
PT_PER_INCH = 72.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Palette:
    background_top: Rgb
    background_bottom: Rgb
    pattern: Rgb
    text: Rgb


@dataclass(frozen=True)
class Row:
    """One labelled line of the field block; `field` keys into CardFields.printed()."""

    field: str
    label: str
    indent: float = 0.0
    max_lines: int = 1


@dataclass(frozen=True)
class FrontTemplate:
    version: str
    width_mm: float
    height_mm: float
    dpi: int
    palettes: dict[str, Palette]  # by kewarganegaraan
    header: Box  # both header lines, centred in this box
    header_pt: float
    header_min_pt: float
    nik_y: float
    nik_label_pt: float
    nik_pt: float
    nik_value_x: float
    label_x: float
    colon_x: float
    value_x: float
    rows: tuple[Row, ...]
    rows_top: float
    rows_bottom: float
    rows_right: float
    row_pitch: float
    text_pt: float
    text_min_pt: float
    golongan_darah_x: float  # "Gol. Darah" shares the Jenis Kelamin line
    golongan_darah_colon_x: float
    golongan_darah_value_x: float
    photo: Box
    issue_place: Box
    issue_date: Box
    issue_pt: float
    signature: Box
    signature_pt: float

    def px(self, mm: float) -> float:
        return mm / MM_PER_INCH * self.dpi

    def pt_px(self, pt: float) -> float:
        return pt / PT_PER_INCH * self.dpi

    @property
    def size_px(self) -> tuple[int, int]:
        return round(self.px(self.width_mm)), round(self.px(self.height_mm))
