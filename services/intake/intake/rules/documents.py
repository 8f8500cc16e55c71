"""Upload checks by content, not by name: JPEG, PNG or PDF by magic bytes, images decode, PDFs parse."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, UnidentifiedImageError
from pypdf import PasswordType, PdfReader

from ektp_shared.identity.finding import Finding

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A scan or a phone photo of a document needs no more than 12 MP; a picture with more is refused from its
# header, before any pixel is decoded (a few KB of PNG can decode to gigabytes: a decompression bomb).
DEFAULT_MAX_PIXELS = 12_000_000


class DocumentFormat(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        return {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}[self.value]


_MAGIC = (
    (b"\xff\xd8\xff", DocumentFormat.JPEG),
    (b"\x89PNG\r\n\x1a\n", DocumentFormat.PNG),
    (b"%PDF-", DocumentFormat.PDF),
)
# Cameras write multi-picture JPEGs, which Pillow names MPO.
_PILLOW_FORMATS = {DocumentFormat.JPEG: {"JPEG", "MPO"}, DocumentFormat.PNG: {"PNG"}}


@dataclass(frozen=True, slots=True)
class DocumentCheck:
    format: DocumentFormat | None
    size: int
    sha256: str
    errors: tuple[Finding, ...]
    width: int | None = None
    height: int | None = None
    pages: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def media_type(self) -> str | None:
        return None if self.format is None else self.format.media_type


def sniff(data: bytes) -> DocumentFormat | None:
    """The format the first bytes announce, whatever the file is called."""
    return next((fmt for magic, fmt in _MAGIC if data.startswith(magic)), None)


def check_document(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    allowed: frozenset[DocumentFormat] = frozenset(DocumentFormat),
) -> DocumentCheck:
    """Why an upload cannot be accepted (empty `errors` when it can), with its format, size and SHA-256."""
    size, digest = len(data), hashlib.sha256(data).hexdigest()
    if size == 0:
        return DocumentCheck(None, size, digest, (_EMPTY,))
    if size > max_bytes:
        return DocumentCheck(sniff(data), size, digest, (_too_large(size, max_bytes),))
    fmt = sniff(data)
    if fmt is None:
        return DocumentCheck(None, size, digest, (_UNSUPPORTED,))
    if fmt not in allowed:
        return DocumentCheck(fmt, size, digest, (_not_allowed(fmt, allowed),))
    if fmt == DocumentFormat.PDF:
        pages, error = _parse_pdf(data)
        return DocumentCheck(fmt, size, digest, (error,) if error else (), pages=pages)
    width, height, error = _decode_image(data, fmt, max_pixels)
    return DocumentCheck(fmt, size, digest, (error,) if error else (), width=width, height=height)


def _decode_image(data: bytes, fmt: DocumentFormat, max_pixels: int) -> tuple[int | None, int | None, Finding | None]:
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
            if image.format not in _PILLOW_FORMATS[fmt]:
                return width, height, _CORRUPT_IMAGE
            if width * height > max_pixels:
                return width, height, _too_many_pixels(max_pixels)
            image.load()  # decodes every pixel: a truncated or damaged file fails here
    except Image.DecompressionBombError:
        return None, None, _too_many_pixels(max_pixels)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        # Pillow reports damaged image data as OSError/ValueError, and broken PNG chunks as SyntaxError.
        return None, None, _CORRUPT_IMAGE
    return width, height, None


def _parse_pdf(data: bytes) -> tuple[int | None, Finding | None]:
    try:
        reader = PdfReader(io.BytesIO(data))
        # An empty user password only restricts printing/editing; the officer can still read the PDF.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return None, _PDF_ENCRYPTED
        # Resolving every page's box walks the whole page tree: a PDF with broken pages fails here.
        pages = len([page.mediabox for page in reader.pages])
    except Exception:  # noqa: BLE001 - pypdf raises many exception types on malformed input; all mean "unreadable"
        return None, _CORRUPT_PDF
    if pages == 0:
        return 0, _CORRUPT_PDF
    return pages, None


_EMPTY = Finding("document.empty", "Berkas kosong.", "The file is empty.")
_UNSUPPORTED = Finding(
    "document.unsupported_type",
    "Berkas harus berupa JPEG, PNG atau PDF (dikenali dari isinya, bukan dari nama berkas).",
    "The file must be a JPEG, PNG or PDF (recognised by its content, not its name).",
)
_CORRUPT_IMAGE = Finding(
    "document.image_corrupt",
    "Gambar rusak atau tidak lengkap sehingga tidak dapat dibuka.",
    "The image is damaged or incomplete and cannot be opened.",
)
_CORRUPT_PDF = Finding(
    "document.pdf_corrupt",
    "PDF rusak atau tidak berisi halaman sehingga tidak dapat dibaca.",
    "The PDF is damaged or has no pages and cannot be read.",
)
_PDF_ENCRYPTED = Finding(
    "document.pdf_encrypted",
    "PDF dilindungi kata sandi; unggah PDF tanpa kata sandi agar petugas dapat membacanya.",
    "The PDF is password-protected; upload one without a password so the officer can read it.",
)


def _too_large(size: int, max_bytes: int) -> Finding:
    return Finding(
        "document.too_large",
        f"Ukuran berkas {_megabytes(size)} melebihi batas {_megabytes(max_bytes)}.",
        f"The file size {_megabytes(size)} exceeds the limit of {_megabytes(max_bytes)}.",
    )


def _not_allowed(fmt: DocumentFormat, allowed: frozenset[DocumentFormat]) -> Finding:
    names = ", ".join(sorted(f.value.upper() for f in allowed))
    return Finding(
        "document.type_not_allowed",
        f"Berkas {fmt.value.upper()} tidak diterima untuk dokumen ini; gunakan {names}.",
        f"A {fmt.value.upper()} file is not accepted for this document; use {names}.",
    )


def _too_many_pixels(max_pixels: int) -> Finding:
    limit = f"{max_pixels / 1_000_000:g}"
    return Finding(
        "document.image_too_large",
        f"Resolusi gambar terlalu besar (maksimal {limit} megapiksel); kecilkan gambar lalu unggah lagi.",
        f"The image resolution is too large (at most {limit} megapixels); make it smaller and upload it again.",
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
