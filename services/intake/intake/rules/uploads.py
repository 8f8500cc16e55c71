"""What an upload must be for each document kind, checked by content (no I/O): pictures of a face or a card
are images; scans of certificates may also be PDFs; the 4x6 photo also passes the photo rules (photo.py).
A refusal names each finding in both languages, for the citizen's screen."""
from __future__ import annotations

from ektp_shared.refusal import Refused

from .documents import DocumentCheck, DocumentFormat, check_document
from .photo import check_photo

IMAGES = frozenset({DocumentFormat.JPEG, DocumentFormat.PNG})
IMAGE_ONLY = {"photo": IMAGES, "foto_ktp_rusak": IMAGES}


def formats_for(kind: str) -> frozenset[DocumentFormat]:
    return IMAGE_ONLY.get(kind, frozenset(DocumentFormat))


def inspect(kind: str, data: bytes, *, max_bytes: int, max_pixels: int, background_policy: str,
            birth_year: int) -> DocumentCheck:
    """The checked upload, or ``Refused`` (422 on the file) listing why it cannot be accepted."""
    checked = check_document(data, max_bytes=max_bytes, max_pixels=max_pixels, allowed=formats_for(kind))
    findings = list(checked.errors)
    if checked.ok and kind == "photo":
        findings = list(check_photo(data, policy=background_policy, birth_year=birth_year).errors)
    if findings:
        raise Refused("document_rejected", "; ".join(f.english for f in findings), field="file", location="files",
                      details={"findings": [f.as_dict() for f in findings]})
    return checked
