"""The child's identity card (KIA, Kartu Identitas Anak, Permendagri 2/2016) front: its own fields and layout
at ISO/IEC 7810 ID-1, drawn with the e-KTP front's fonts, background and output (PNG at 300 dpi, a PDF page of
the card's size). A child under 5 has no photo: the fields then take the card's whole width."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw

from .fields import Issue, tanggal
from .fonts import FontMetrics, font
from .layout import BOLD, REGULAR, PxBox
from .render import CardFront, _background, _open, _paste_photo, to_pdf, to_png
from .template import Box, Palette
from .textfit import fit

TITLE = "KARTU IDENTITAS ANAK"


@dataclass(frozen=True)
class KiaFields:
    """The child's data as printed, with the parent who applied (named on the card)."""

    nik: str
    nama: str
    tempat_lahir: str
    tanggal_lahir: date
    jenis_kelamin: str
    golongan_darah: str
    agama: str
    kewarganegaraan: str
    no_kk: str
    nama_orang_tua: str
    alamat: str
    rt: str
    rw: str
    kelurahan_desa: str
    kecamatan: str
    provinsi: str
    jenis_daerah: str
    kabupaten_kota: str
    berlaku_hingga: date

    def __post_init__(self) -> None:
        for name in ("nik", "no_kk"):
            value = getattr(self, name)
            if len(value) != 16 or not value.isdigit():
                raise ValueError(f"{name}: must be 16 digits")
        for name in ("nama", "nama_orang_tua", "alamat"):
            if not getattr(self, name).strip():
                raise ValueError(f"{name}: must not be empty")

    def header(self) -> tuple[str, str]:
        return f"PROVINSI {self.provinsi}".upper(), f"{self.jenis_daerah} {self.kabupaten_kota}".upper()

    def printed(self) -> dict[str, str]:
        darah = " ".join(self.golongan_darah.split()).upper()
        return {
            "nik": self.nik, "nama": _clean(self.nama),
            "tempat_tgl_lahir": f"{_clean(self.tempat_lahir)}, {tanggal(self.tanggal_lahir)}",
            "jenis_kelamin": _clean(self.jenis_kelamin), "golongan_darah": "-" if darah in ("", "TIDAK TAHU") else darah,
            "agama": _clean(self.agama), "kewarganegaraan": _clean(self.kewarganegaraan), "no_kk": self.no_kk,
            "nama_orang_tua": _clean(self.nama_orang_tua), "alamat": _clean(self.alamat),
            "rt_rw": f"{self.rt.strip().zfill(3)}/{self.rw.strip().zfill(3)}",
            "kelurahan_desa": _clean(self.kelurahan_desa), "kecamatan": _clean(self.kecamatan),
            "berlaku_hingga": tanggal(self.berlaku_hingga),
        }


@dataclass(frozen=True)
class KiaTemplate:
    """Geometry in millimetres, type sizes in points; data, like the e-KTP's FrontTemplate."""

    version: str
    width_mm: float
    height_mm: float
    dpi: int
    palette: Palette
    header: Box
    header_pt: float
    title_y: float
    title_pt: float
    rows: tuple[tuple[str, str], ...]  # (field of KiaFields.printed(), label)
    rows_top: float
    row_pitch: float
    label_x: float
    colon_x: float
    value_x: float
    text_pt: float
    text_min_pt: float
    rows_right: float  # with a photo; without one the rows reach the right margin
    margin: float
    photo: Box
    issue_place_y: float
    issue_date_y: float
    issue_pt: float

    def px(self, mm: float) -> float:
        return mm / 25.4 * self.dpi

    def pt_px(self, pt: float) -> float:
        return pt / 72.0 * self.dpi

    @property
    def size_px(self) -> tuple[int, int]:
        return round(self.px(self.width_mm)), round(self.px(self.height_mm))


KIA_V1 = KiaTemplate(
    version="kia-front/1",
    width_mm=85.60, height_mm=53.98, dpi=300,  # ISO/IEC 7810 ID-1, as the e-KTP
    palette=Palette(background_top=(255, 247, 214), background_bottom=(190, 230, 200), pattern=(150, 205, 170),
                    text=(0, 0, 0)),
    header=Box(3.0, 1.4, 79.6, 5.6), header_pt=6.5,
    title_y=10.6, title_pt=8.5,
    rows=(("nik", "NIK"), ("nama", "Nama"), ("tempat_tgl_lahir", "Tempat/Tgl Lahir"),
          ("jenis_kelamin", "Jenis Kelamin"), ("golongan_darah", "Gol. Darah"), ("agama", "Agama"),
          ("kewarganegaraan", "Kewarganegaraan"), ("no_kk", "No. KK"), ("nama_orang_tua", "Nama Orang Tua"),
          ("alamat", "Alamat"), ("rt_rw", "RT/RW"), ("kelurahan_desa", "Kel/Desa"), ("kecamatan", "Kecamatan"),
          ("berlaku_hingga", "Berlaku Hingga")),
    rows_top=14.4, row_pitch=2.75, label_x=3.0, colon_x=21.2, value_x=22.2, text_pt=5.6, text_min_pt=4.2,
    rows_right=62.2, margin=2.6,
    photo=Box(63.6, 13.0, 19.0, 25.3), issue_place_y=41.6, issue_date_y=44.2, issue_pt=5.0,
)


def render_kia(card: KiaFields, portrait: bytes | None, issue: Issue, template: KiaTemplate = KIA_V1) -> CardFront:
    """The KIA front as PNG and PDF; `portrait` None for a child under 5 (no photo on the card)."""
    image = draw_kia(card, portrait, issue, template)
    return CardFront(png=to_png(image, template), pdf=to_pdf(image, template, title=f"KIA front ({template.version})"),
                     template_version=template.version, layout=None)


def draw_kia(card: KiaFields, portrait: bytes | None, issue: Issue, template: KiaTemplate = KIA_V1) -> Image.Image:
    t, metrics = template, FontMetrics()
    image = _background(t.size_px, t.palette)
    pen = ImageDraw.Draw(image)

    def text(value: str, x: float, baseline_mm: float, style: str, pt: float, right: float | None = None,
             centred_in: Box | None = None) -> None:
        size = t.pt_px(pt)
        if right is not None:  # shrink a long value to its width; never past the card's edge
            size = fit(value, t.px(right) - x, size, t.pt_px(t.text_min_pt), 1,
                       lambda s, z: metrics.width(s, style, z)).size
        if centred_in is not None:
            x = t.px(centred_in.x) + (t.px(centred_in.w) - metrics.width(value, style, size)) / 2
        pen.text((x, t.px(baseline_mm)), value, font=font(style, size), fill=t.palette.text, anchor="ls")

    for index, line in enumerate(card.header()):
        text(line, 0, t.header.y + 2.4 + index * 2.8, BOLD, t.header_pt, centred_in=t.header)
    text(TITLE, 0, t.title_y, BOLD, t.title_pt, centred_in=Box(0, 0, t.width_mm, 0))
    right = t.rows_right if portrait is not None else t.width_mm - t.margin
    values = card.printed()
    for index, (field, label) in enumerate(t.rows):
        baseline = t.rows_top + index * t.row_pitch
        text(label, t.px(t.label_x), baseline, REGULAR, t.text_pt, right=t.colon_x - 0.3)
        text(":", t.px(t.colon_x), baseline, REGULAR, t.text_pt)
        text(values[field], t.px(t.value_x), baseline, BOLD if field in ("nik", "nama") else REGULAR, t.text_pt,
             right=right)
    if portrait is not None:
        box = t.photo
        _paste_photo(image, PxBox(t.px(box.x), t.px(box.y), t.px(box.right), t.px(box.bottom)),
                     _open("portrait", portrait))
        place, day = issue.printed()
        column = Box(box.x, 0, box.w, 0)
        text(place, 0, t.issue_place_y, REGULAR, t.issue_pt, centred_in=column)
        text(day, 0, t.issue_date_y, REGULAR, t.issue_pt, centred_in=column)
    return image


def _clean(value: str) -> str:
    return " ".join(value.split()).upper()
