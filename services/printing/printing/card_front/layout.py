"""Where every piece of text and every picture goes on the card front, in pixels.

Plain code: font metrics come in through `Metrics`, so the layout can be checked without drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .fields import CardFields, Issue
from .template import Box, FrontTemplate, Palette
from .textfit import fit

REGULAR, BOLD, OBLIQUE = "regular", "bold", "oblique"
# Clear space (mm) between a label and its colon, and between Jenis Kelamin's value and Gol. Darah.
_LABEL_GAP = 0.3
_COLUMN_GAP = 1.0


class Metrics(Protocol):
    def width(self, text: str, style: str, size: float) -> float: ...

    def ascent(self, style: str, size: float) -> float: ...

    def descent(self, style: str, size: float) -> float: ...


@dataclass(frozen=True)
class PxBox:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def contains(self, other: PxBox, tolerance: float = 0.0) -> bool:
        return (other.x0 >= self.x0 - tolerance and other.y0 >= self.y0 - tolerance
                and other.x1 <= self.x1 + tolerance and other.y1 <= self.y1 + tolerance)


@dataclass(frozen=True)
class PlacedText:
    """One line of text: drawn with its left end of the baseline at (x, y), inside `box`."""

    field: str
    text: str
    style: str
    size: float
    x: float
    y: float
    box: PxBox


@dataclass(frozen=True)
class Layout:
    template: FrontTemplate
    palette: Palette
    texts: tuple[PlacedText, ...]
    photo: PxBox
    signature: PxBox

    @property
    def size(self) -> tuple[int, int]:
        return self.template.size_px

    def text_of(self, field: str) -> str:
        """The field's printed text with its line breaks joined by spaces."""
        return " ".join(t.text for t in self.texts if t.field == field)

    def lines_of(self, field: str) -> tuple[PlacedText, ...]:
        return tuple(t for t in self.texts if t.field == field)


def lay_out(card: CardFields, issue: Issue, template: FrontTemplate, metrics: Metrics,
            signature_text: str | None = None) -> Layout:
    """Place the card's values on `template`. `signature_text` is drawn when there is no signature image."""
    t = template
    px = t.px
    values = card.printed()
    placed: list[PlacedText] = []

    def place_line(field: str, text: str, style: str, pt: float, min_pt: float, box: PxBox, baseline: float,
                   centred: bool = False) -> None:
        fitted = fit(text, box.width, t.pt_px(pt), t.pt_px(min_pt), 1, lambda s, z: metrics.width(s, style, z))
        width = metrics.width(text, style, fitted.size)
        x = box.x0 + (box.width - width) / 2 if centred else box.x0
        placed.append(PlacedText(field, text, style, fitted.size, x, baseline, box))

    header_box = _px_box(t, t.header)
    for index, line in enumerate(card.header()):
        top = header_box.y0 + index * (header_box.y1 - header_box.y0) / 2
        place_line("header", line, BOLD, t.header_pt, t.header_min_pt, header_box,
                   top + metrics.ascent(BOLD, t.pt_px(t.header_pt)), centred=True)

    value_right = px(t.rows_right)
    nik_baseline = px(t.nik_y) + metrics.ascent(BOLD, t.pt_px(t.nik_pt))
    nik_label_box = PxBox(px(t.label_x), px(t.nik_y), px(t.colon_x), px(t.rows_top))
    place_line("label:nik", "NIK", BOLD, t.nik_label_pt, t.nik_label_pt, nik_label_box, nik_baseline)
    place_line("colon:nik", ":", BOLD, t.nik_label_pt, t.nik_label_pt,
               PxBox(px(t.colon_x), px(t.nik_y), px(t.nik_value_x), px(t.rows_top)), nik_baseline)
    place_line("nik", values["nik"], BOLD, t.nik_pt, t.text_pt,
               PxBox(px(t.nik_value_x), px(t.nik_y), value_right, px(t.rows_top)), nik_baseline)

    text_size, min_size = t.pt_px(t.text_pt), t.pt_px(t.text_min_pt)
    jk_right = px(t.golongan_darah_x - _COLUMN_GAP)
    fitted_rows = []
    for row in t.rows:
        right = jk_right if row.field == "jenis_kelamin" else value_right
        width = right - px(t.value_x)
        fitted_rows.append((row, right, fit(values[row.field], width, text_size, min_size, row.max_lines,
                                            lambda s, z: metrics.width(s, REGULAR, z))))

    # Rows close up evenly when wrapped values need extra lines, so the block always ends on the card.
    total_lines = sum(len(f.lines) for _, _, f in fitted_rows)
    pitch = min(px(t.row_pitch), (px(t.rows_bottom) - px(t.rows_top)) / total_lines)
    ascent = metrics.ascent(REGULAR, text_size)
    top = px(t.rows_top)
    for row, right, fitted in fitted_rows:
        row_box_bottom = top + pitch * len(fitted.lines)
        baseline = top + ascent
        label_box = PxBox(px(t.label_x + row.indent), top, px(t.colon_x - _LABEL_GAP), row_box_bottom)
        place_line(f"label:{row.field}", row.label, REGULAR, t.text_pt, t.text_min_pt, label_box, baseline)
        place_line(f"colon:{row.field}", ":", REGULAR, t.text_pt, t.text_pt,
                   PxBox(px(t.colon_x), top, px(t.value_x), row_box_bottom), baseline)
        value_box = PxBox(px(t.value_x), top, right, row_box_bottom)
        for index, line in enumerate(fitted.lines):
            placed.append(PlacedText(row.field, line, REGULAR, fitted.size, value_box.x0,
                                     baseline + index * pitch, value_box))
        if row.field == "jenis_kelamin":
            place_line("label:golongan_darah", "Gol. Darah", REGULAR, t.text_pt, t.text_min_pt,
                       PxBox(px(t.golongan_darah_x), top, px(t.golongan_darah_colon_x - _LABEL_GAP), row_box_bottom),
                       baseline)
            place_line("colon:golongan_darah", ":", REGULAR, t.text_pt, t.text_pt,
                       PxBox(px(t.golongan_darah_colon_x), top, px(t.golongan_darah_value_x), row_box_bottom),
                       baseline)
            place_line("golongan_darah", values["golongan_darah"], REGULAR, t.text_pt, t.text_min_pt,
                       PxBox(px(t.golongan_darah_value_x), top, value_right, row_box_bottom), baseline)
        top = row_box_bottom

    place, day = issue.printed()
    for field, text, box in (("issue_place", place, t.issue_place), ("issue_date", day, t.issue_date)):
        pbox = _px_box(t, box)
        place_line(field, text, REGULAR, t.issue_pt, t.issue_pt * 0.6, pbox,
                   pbox.y0 + metrics.ascent(REGULAR, t.pt_px(t.issue_pt)), centred=True)

    signature = _px_box(t, t.signature)
    if signature_text is not None:
        size = t.pt_px(t.signature_pt)
        baseline = (signature.y0 + signature.y1) / 2 + metrics.ascent(OBLIQUE, size) / 2
        place_line("signature", " ".join(signature_text.split()), OBLIQUE, t.signature_pt, t.signature_pt * 0.4,
                   signature, baseline, centred=True)

    return Layout(template=t, palette=t.palettes[card.kewarganegaraan], texts=tuple(placed),
                  photo=_px_box(t, t.photo), signature=signature)


def _px_box(template: FrontTemplate, box: Box) -> PxBox:
    px = template.px
    return PxBox(px(box.x), px(box.y), px(box.right), px(box.bottom))
