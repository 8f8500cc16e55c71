"""The temporary identity letter (Surat Keterangan pengganti KTP-el) an applicant gets while the office
has no blank card, as a PDF (no I/O; its number and validity are rules/temporary_letter.py).

The letter states the applicant's verified data, that the card waits for a blank, and until when the
letter stands in for the card. It is an A4 page with the office's heading, the data as on the card,
the photo when there is one, and room for the official's signature and stamp.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from .card_front import CardFields
from .card_front.fields import tanggal

_ROWS = (
    ("NIK", "nik"), ("Nama", "nama"), ("Tempat/Tgl Lahir", "tempat_tgl_lahir"), ("Jenis Kelamin", "jenis_kelamin"),
    ("Gol. Darah", "golongan_darah"), ("Alamat", "alamat"), ("RT/RW", "rt_rw"), ("Kel/Desa", "kelurahan_desa"),
    ("Kecamatan", "kecamatan"), ("Agama", "agama"), ("Status Perkawinan", "status_perkawinan"),
    ("Pekerjaan", "pekerjaan"), ("Kewarganegaraan", "kewarganegaraan"),
)


@dataclasses.dataclass(frozen=True)
class LetterContent:
    number: str
    card: CardFields
    office_name: str
    office_address: str
    place: str  # where it is signed: the regency or city
    issued: dt.date
    valid_until: dt.date
    portrait: bytes | None = None


def render(letter: LetterContent) -> bytes:
    out = io.BytesIO()
    # invariant: no creation date or random id, so the same letter gives the same bytes.
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(f"Surat Keterangan {letter.number}")
    width, height = A4
    left, right = 25 * mm, width - 25 * mm
    y = height - 25 * mm

    def centred(text: str, size: float, bold: bool = False, gap: float = 6 * mm) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawCentredString(width / 2, y, text)
        y -= gap

    provinsi, daerah = letter.card.header()
    centred(f"PEMERINTAH {daerah}", 12, bold=True)
    centred(letter.office_name.upper(), 12, bold=True)
    centred(letter.office_address, 9, gap=4 * mm)
    pdf.setLineWidth(1.2)
    pdf.line(left, y, right, y)
    y -= 12 * mm
    centred("SURAT KETERANGAN", 13, bold=True, gap=5 * mm)
    centred("PENGGANTI KTP-EL SEMENTARA", 11, bold=True, gap=5 * mm)
    centred(f"Nomor: {letter.number}", 10, gap=12 * mm)

    pdf.setFont("Helvetica", 10)
    pdf.drawString(left, y, "Yang bertanda tangan di bawah ini menerangkan bahwa:")
    y -= 9 * mm
    printed = letter.card.printed()
    photo_top = y + 4 * mm
    for label, key in _ROWS:
        pdf.drawString(left + 5 * mm, y, label)
        pdf.drawString(left + 45 * mm, y, ":")
        _draw_fitted(pdf, printed[key], left + 48 * mm, y, 80 * mm)
        y -= 6.5 * mm
    _draw_photo(pdf, letter.portrait, right - 30 * mm, photo_top - 40 * mm, 30 * mm, 40 * mm)

    y -= 4 * mm
    body = (
        "adalah benar penduduk yang telah melakukan perekaman KTP-el dan data kependudukannya telah diverifikasi. "
        "KTP-el yang bersangkutan belum dapat dicetak karena blangko KTP-el belum tersedia dan akan dicetak "
        "segera setelah blangko tersedia. Surat keterangan ini berlaku sebagai pengganti KTP-el sementara "
        f"sampai dengan tanggal {tanggal(letter.valid_until)}."
    )
    for line in _wrap(pdf, body, right - left, "Helvetica", 10):
        pdf.drawString(left, y, line)
        y -= 5.5 * mm
    y -= 3 * mm
    pdf.drawString(left, y, "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.")

    y -= 18 * mm
    signer = right - 70 * mm
    pdf.drawString(signer, y, f"{letter.place.upper()}, {tanggal(letter.issued)}")
    y -= 5.5 * mm
    pdf.drawString(signer, y, "KEPALA DINAS KEPENDUDUKAN")
    y -= 5 * mm
    pdf.drawString(signer, y, "DAN PENCATATAN SIPIL")
    y -= 28 * mm
    pdf.line(signer, y, right, y)
    pdf.setFont("Helvetica", 7)
    pdf.drawString(left, 15 * mm, f"{letter.number} - berlaku s.d. {tanggal(letter.valid_until)} - {daerah}, {provinsi}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _draw_fitted(pdf: canvas.Canvas, text: str, x: float, y: float, width: float) -> None:
    size = 10.0
    while size > 6 and pdf.stringWidth(text, "Helvetica", size) > width:
        size -= 0.5
    pdf.setFont("Helvetica", size)
    pdf.drawString(x, y, text)
    pdf.setFont("Helvetica", 10)


def _draw_photo(pdf: canvas.Canvas, portrait: bytes | None, x: float, y: float, w: float, h: float) -> None:
    if portrait is None:
        pdf.rect(x, y, w, h)
        pdf.setFont("Helvetica", 8)
        pdf.drawCentredString(x + w / 2, y + h / 2, "PAS FOTO 3x4")
        pdf.setFont("Helvetica", 10)
        return
    pdf.drawImage(ImageReader(io.BytesIO(portrait)), x, y, width=w, height=h, preserveAspectRatio=True, anchor="c")


def _wrap(pdf: canvas.Canvas, text: str, width: float, font: str, size: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and pdf.stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines
