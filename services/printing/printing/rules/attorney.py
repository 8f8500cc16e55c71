"""The power of attorney (surat kuasa) a representative brings: a scan or photo, checked by its
content (no I/O)."""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ektp_shared.refusal import Refused

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
MAX_PAGES = 10
_MIN_SIDE = 300  # pixels: a smaller picture cannot show a readable letter with its signatures


class UnreadableDocument(Refused):
    def __init__(self, message: str):
        super().__init__("document_refused", message, field="file", location="files")


def check(data: bytes) -> str:
    """The media type of an acceptable surat kuasa, or UnreadableDocument saying why not."""
    if data.startswith(b"%PDF-"):
        try:
            reader = PdfReader(io.BytesIO(data))
            encrypted = reader.is_encrypted
            pages = 0 if encrypted else len(reader.pages)
        except (PdfReadError, ValueError, OSError) as exc:
            raise UnreadableDocument("the PDF cannot be read") from exc
        if encrypted:
            raise UnreadableDocument("the PDF is password-protected")
        if not 1 <= pages <= MAX_PAGES:
            raise UnreadableDocument(f"the PDF must have 1 to {MAX_PAGES} pages")
        return PDF
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                size = image.size
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise UnreadableDocument("the image cannot be decoded") from exc
        if min(size) < _MIN_SIDE:
            raise UnreadableDocument(f"the image is too small to read ({size[0]}x{size[1]} pixels)")
        return JPEG if data.startswith(b"\xff\xd8\xff") else PNG
    raise UnreadableDocument("a surat kuasa must be a PDF, JPEG or PNG")
