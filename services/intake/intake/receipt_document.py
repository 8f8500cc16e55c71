"""The tanda terima the citizen brings to the office: a QR code (PNG) of the receipt number and a one-page
PDF with the application summary (no I/O: bytes in, bytes out).

The QR holds only the receipt number: the office scans it to find the case, and a lost receipt reveals
nothing about its holder. The PDF masks the middle of the NIK for the same reason.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
from zoneinfo import ZoneInfo

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from ektp_shared.calendar import WIB


@dataclasses.dataclass(frozen=True)
class ReceiptSummary:
    receipt_number: str
    kind: str  # the kind's name in Bahasa Indonesia
    fee: str  # what the citizen pays, and why (Rp0 by law)
    submitted_at: dt.datetime
    full_name: str
    nik: str
    region: str  # village, district, regency, province names
    documents: tuple[str, ...]  # names in Bahasa Indonesia
    # A child's card (KIA): the parent who applied, whose receipt it is; None for an e-KTP.
    parent: dict[str, str] | None = None


def qr_png(receipt_number: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    # Error correction M survives a creased or smudged printout.
    segno.make_qr(receipt_number, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def masked_nik(nik: str) -> str:
    return nik[:4] + "*" * 8 + nik[12:]


def receipt_pdf(summary: ReceiptSummary) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    page.setTitle(f"Tanda terima {summary.receipt_number}")
    page.setAuthor("Dukcapil e-KTP")
    width, height = A4
    top = height - 25 * mm
    page.setFont("Helvetica-Bold", 16)
    document, english = ("KIA", "a child's identity card (KIA)") if summary.parent else ("KTP-el", "an e-KTP")
    page.drawString(20 * mm, top, f"TANDA TERIMA PERMOHONAN {document}")
    page.setFont("Helvetica", 10)
    page.drawString(20 * mm, top - 6 * mm, f"Receipt of an application for {english} - bring this to the office")
    page.drawImage(ImageReader(io.BytesIO(qr_png(summary.receipt_number))), width - 65 * mm, top - 45 * mm,
                   45 * mm, 45 * mm)
    page.setFont("Helvetica-Bold", 13)
    page.drawString(20 * mm, top - 18 * mm, summary.receipt_number)
    rows = [
        ("Jenis permohonan", summary.kind),
        ("Biaya", summary.fee),
        ("Diajukan", summary.submitted_at.astimezone(ZoneInfo(WIB)).strftime("%d-%m-%Y %H:%M WIB")),
        ("Nama anak" if summary.parent else "Nama", summary.full_name),
        ("NIK anak" if summary.parent else "NIK", masked_nik(summary.nik)),
        ("Wilayah", summary.region),
    ]
    if summary.parent:
        rows += [("Orang tua pemohon", summary.parent["full_name"]), ("NIK orang tua", masked_nik(summary.parent["nik"]))]
    y = top - 60 * mm
    for label, value in rows:
        page.setFont("Helvetica-Bold", 10)
        page.drawString(20 * mm, y, label)
        page.setFont("Helvetica", 10)
        page.drawString(60 * mm, y, value[:95])
        y -= 7 * mm
    y -= 4 * mm
    page.setFont("Helvetica-Bold", 10)
    page.drawString(20 * mm, y, "Dokumen yang diunggah")
    page.setFont("Helvetica", 10)
    for name in summary.documents:
        y -= 6 * mm
        page.drawString(25 * mm, y, f"- {name}")
    page.setFont("Helvetica-Oblique", 8)
    page.drawString(20 * mm, 20 * mm, "Lacak status dengan nomor tanda terima dan NIK. Track the status with the "
                                      "receipt number and the NIK.")
    page.showPage()
    page.save()
    return out.getvalue()
