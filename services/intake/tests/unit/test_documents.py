"""Upload checks by content: what a citizen is told when a KK scan, birth certificate or photo is refused."""

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter

from intake.rules.documents import DocumentFormat, check_document, sniff

FIXTURES = Path(__file__).parents[1] / "fixtures"
PHOTO = (FIXTURES / "face.jpeg").read_bytes()
IMAGES_ONLY = frozenset({DocumentFormat.JPEG, DocumentFormat.PNG})


def codes(check):
    return [f.code for f in check.errors]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(PHOTO)).save(buffer, "PNG")
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A phone scan saved as PDF, the way many citizens send their KK."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(PHOTO)).save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


def pdf(pages=3, user_password=None, owner_password=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password or "", owner_password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_jpeg_photo_is_accepted_with_its_size_dimensions_and_sha256():
    check = check_document(PHOTO)
    assert check.ok
    assert (check.format, check.media_type, check.width, check.height) == ("jpeg", "image/jpeg", 500, 625)
    assert (check.size, check.sha256) == (len(PHOTO), hashlib.sha256(PHOTO).hexdigest())


def test_a_png_is_accepted():
    check = check_document(png())
    assert check.ok and check.media_type == "image/png" and (check.width, check.height) == (500, 625)


def test_pdfs_are_accepted_with_their_page_count():
    assert check_document(scanned_pdf()).pages == 1
    check = check_document(pdf(pages=3))
    assert check.ok and check.pages == 3 and check.media_type == "application/pdf"


def test_a_pdf_locked_with_a_password_is_refused_but_one_only_restricting_printing_is_not():
    locked = check_document(pdf(user_password="rahasia"))
    assert codes(locked) == ["document.pdf_encrypted"]
    assert "kata sandi" in locked.errors[0].indonesian and "password" in locked.errors[0].english
    assert check_document(pdf(owner_password="owner-only")).ok


@pytest.mark.parametrize(("data", "kind"), [
    (b"GIF89a\x01\x00\x01\x00", "GIF"),
    (b"PK\x03\x04 a zip or docx", "ZIP"),
    (b"<html><body>KK</body></html>", "HTML"),
    (b"MZ\x90\x00 an exe", "EXE"),
    (b"  %PDF-1.7 not at the start", "text"),
])
def test_files_that_are_not_jpeg_png_or_pdf_are_refused_whatever_their_name(data, kind):
    check = check_document(data)
    assert codes(check) == ["document.unsupported_type"], kind
    assert check.format is None and check.sha256 == hashlib.sha256(data).hexdigest()


def test_content_decides_the_type_not_the_first_guess():
    assert sniff(PHOTO) is DocumentFormat.JPEG
    assert sniff(png()) is DocumentFormat.PNG
    assert sniff(pdf()) is DocumentFormat.PDF


def test_a_truncated_photo_is_refused_as_damaged():
    check = check_document(PHOTO[: len(PHOTO) // 2])
    assert codes(check) == ["document.image_corrupt"]


def test_a_pdf_cut_short_is_refused_as_unreadable():
    data = pdf(pages=2)
    assert codes(check_document(data[:200])) == ["document.pdf_corrupt"]


def test_an_empty_upload_is_refused():
    assert codes(check_document(b"")) == ["document.empty"]


def test_a_file_over_the_limit_is_refused_before_it_is_decoded():
    check = check_document(PHOTO, max_bytes=10_000)
    assert codes(check) == ["document.too_large"]
    assert "MB" in check.errors[0].indonesian and check.width is None


def test_a_pdf_where_only_images_are_allowed_is_refused():
    check = check_document(pdf(), allowed=IMAGES_ONLY)
    assert codes(check) == ["document.type_not_allowed"]
    assert "JPEG, PNG" in check.errors[0].english
    assert check_document(PHOTO, allowed=IMAGES_ONLY).ok


def test_an_image_claiming_a_huge_resolution_is_refused_without_decoding_it():
    # A PNG whose header claims 20000x20000 (400 MP): a decompression bomb.
    real = png()
    header = b"IHDR" + struct.pack(">II", 20000, 20000) + real[24:29]
    bomb = real[:12] + header + struct.pack(">I", zlib.crc32(header)) + real[33:]
    check = check_document(bomb)
    assert codes(check) == ["document.image_too_large"]


@given(st.binary(max_size=2048))
def test_random_bytes_are_refused_with_a_reason_and_never_crash(data):
    check = check_document(data)
    assert not check.ok
    assert all(f.code.startswith("document.") and f.indonesian and f.english for f in check.errors)
    assert check.sha256 == hashlib.sha256(data).hexdigest()


@given(st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-"]), st.binary(max_size=2048))
def test_a_right_signature_on_damaged_content_is_refused_as_damaged(magic, tail):
    check = check_document(magic + tail)
    assert codes(check) in (["document.image_corrupt"], ["document.pdf_corrupt"])


@given(st.integers(0, len(PHOTO) - 1), st.integers(0, 255))
def test_a_photo_with_one_byte_changed_is_either_accepted_or_refused_with_a_reason(position, value):
    data = PHOTO[:position] + bytes([value]) + PHOTO[position + 1:]
    check = check_document(data)
    assert check.ok or codes(check) in (["document.image_corrupt"], ["document.unsupported_type"])
