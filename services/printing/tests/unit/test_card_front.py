"""The rendered e-KTP front: matches the approved reference, shows every field, fits the card."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from printing.card_front import CURRENT_TEMPLATE, CardFields, ImageError, Issue, lay_out, render
from printing.card_front.fonts import FontMetrics, font
from printing.card_front.layout import Layout, PxBox

REFERENCES = Path(__file__).parents[1] / "reference"
# Set to re-approve the references after a deliberate template change; then look at them.
UPDATE = os.environ.get("EKTP_UPDATE_REFERENCES") == "1"
ROW_FIELDS = [row.field for row in CURRENT_TEMPLATE.rows]


def assert_matches_reference(png: bytes, name: str) -> None:
    path = REFERENCES / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(png)
    actual = Image.open(io.BytesIO(png)).convert("RGB")
    expected = Image.open(path).convert("RGB")
    assert actual.size == expected.size
    difference = ImageChops.difference(actual, expected).convert("L")
    histogram = difference.histogram()
    # Tolerance for anti-aliasing differences between FreeType builds; a moved or changed glyph fails it.
    differing = sum(histogram[48:]) / (actual.width * actual.height)
    assert differing <= 0.002, f"{differing:.2%} of pixels differ from {name}"


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    histogram = ImageChops.difference(a, b).convert("L").histogram()
    return sum(value * count for value, count in enumerate(histogram)) / (a.width * a.height)


def ink_boxes(layout: Layout) -> list[tuple[str, PxBox]]:
    boxes = []
    for text in layout.texts:
        left, top, right, bottom = font(text.style, text.size).getbbox(text.text, anchor="ls")
        boxes.append((text.field, PxBox(text.x + left, text.y + top, text.x + right, text.y + bottom)))
    return boxes


def test_citizen_card_matches_the_reference(wni_card, portrait, signature, issue_bandung):
    front = render(wni_card(), portrait, issue_bandung, signature)
    assert_matches_reference(front.png, "front_wni.png")


def test_long_foreign_resident_card_matches_the_reference(wna_card, portrait, issue_badung):
    front = render(wna_card(), portrait, issue_badung, "CAP JEMPOL")
    assert_matches_reference(front.png, "front_wna_long.png")


def test_every_field_is_printed_as_the_card_shows_it(wni_card, portrait, signature, issue_bandung):
    layout = render(wni_card(), portrait, issue_bandung, signature).layout
    assert [t.text for t in layout.lines_of("header")] == ["PROVINSI JAWA BARAT", "KOTA BANDUNG"]
    assert layout.text_of("nik") == "3273015507900003"
    assert layout.text_of("nama") == "SITI NURHALIZA PUTRI"
    assert layout.text_of("tempat_tgl_lahir") == "BANDUNG, 15-07-1990"
    assert layout.text_of("jenis_kelamin") == "PEREMPUAN"
    assert layout.text_of("golongan_darah") == "O"
    assert layout.text_of("alamat") == "JL. MERDEKA NO. 17"
    assert layout.text_of("rt_rw") == "003/012"
    assert layout.text_of("kelurahan_desa") == "CITARUM"
    assert layout.text_of("kecamatan") == "BANDUNG WETAN"
    assert layout.text_of("agama") == "ISLAM"
    assert layout.text_of("status_perkawinan") == "KAWIN"
    assert layout.text_of("pekerjaan") == "KARYAWAN SWASTA"
    assert layout.text_of("kewarganegaraan") == "WNI"
    assert layout.text_of("berlaku_hingga") == "SEUMUR HIDUP"
    assert layout.text_of("issue_place") == "KOTA BANDUNG"
    assert layout.text_of("issue_date") == "20-11-2026"
    labels = {t.field.removeprefix("label:"): t.text for t in layout.texts if t.field.startswith("label:")}
    assert labels == {"nik": "NIK", "nama": "Nama", "tempat_tgl_lahir": "Tempat/Tgl Lahir",
                      "jenis_kelamin": "Jenis Kelamin", "golongan_darah": "Gol. Darah", "alamat": "Alamat",
                      "rt_rw": "RT/RW", "kelurahan_desa": "Kel/Desa", "kecamatan": "Kecamatan", "agama": "Agama",
                      "status_perkawinan": "Status Perkawinan", "pekerjaan": "Pekerjaan",
                      "kewarganegaraan": "Kewarganegaraan", "berlaku_hingga": "Berlaku Hingga"}


def test_every_placed_text_leaves_ink_on_the_card(wni_card, portrait, signature, issue_bandung):
    front = render(wni_card(), portrait, issue_bandung, signature)
    image = Image.open(io.BytesIO(front.png)).convert("L")
    for field, box in ink_boxes(front.layout):
        region = image.crop((int(box.x0), int(box.y0), int(box.x1) + 1, int(box.y1) + 1))
        dark = sum(region.histogram()[:80])
        assert dark >= 10, f"{field}: no text visible"


def test_jenis_kelamin_and_golongan_darah_share_a_line_and_nik_is_larger(wni_card, portrait, signature,
                                                                         issue_bandung):
    layout = render(wni_card(), portrait, issue_bandung, signature).layout
    (jk,), (darah,) = layout.lines_of("jenis_kelamin"), layout.lines_of("golongan_darah")
    assert jk.y == darah.y and darah.x > jk.x
    assert layout.lines_of("nik")[0].size > max(t.size for t in layout.texts if t.field in ROW_FIELDS)


def test_photo_is_right_of_the_fields_with_issue_and_signature_under_it(wni_card, portrait, signature,
                                                                         issue_bandung):
    front = render(wni_card(), portrait, issue_bandung, signature)
    layout = front.layout
    values_right = max(box.x1 for field, box in ink_boxes(layout) if field in ROW_FIELDS)
    assert layout.photo.x0 > values_right
    place, day = layout.lines_of("issue_place")[0], layout.lines_of("issue_date")[0]
    assert layout.photo.y1 < place.y < day.y < layout.signature.y0 + 1
    image = Image.open(io.BytesIO(front.png)).convert("RGB")
    # The fixture portrait has a red background: it must show inside the photo box.
    r, g, b = image.getpixel((int(layout.photo.x0) + 5, int(layout.photo.y0) + 5))
    assert r > 150 and g < 80 and b < 80
    signature_ink = image.convert("L").crop((int(layout.signature.x0), int(layout.signature.y0),
                                             int(layout.signature.x1), int(layout.signature.y1)))
    assert sum(signature_ink.histogram()[:80]) > 200


def test_citizen_card_is_blue_and_foreign_resident_card_is_orange(wni_card, wna_card, portrait, signature,
                                                                   issue_bandung, issue_badung):
    def corner(card: CardFields) -> tuple[int, int, int]:
        png = render(card, portrait, issue_bandung, signature).png
        pixels = Image.open(io.BytesIO(png)).convert("RGB").crop((0, 560, 8, 568)).resize((1, 1))
        return pixels.getpixel((0, 0))

    r, _, b = corner(wni_card())
    assert b > r + 40
    r, _, b = corner(wna_card())
    assert r > b + 60


def test_foreign_resident_values_and_unknown_blood_group(wna_card, portrait, issue_badung):
    layout = render(wna_card(), portrait, issue_badung, "CAP JEMPOL").layout
    assert layout.text_of("berlaku_hingga") == "31-03-2031"
    assert layout.text_of("golongan_darah") == "-"
    assert layout.text_of("kewarganegaraan") == "WNA"
    assert [t.text for t in layout.lines_of("header")] == ["PROVINSI BALI", "KABUPATEN BADUNG"]
    assert layout.text_of("signature") == "CAP JEMPOL"


def test_long_name_and_address_wrap_onto_a_second_line_within_the_card(wna_card, portrait, issue_badung):
    layout = render(wna_card(), portrait, issue_badung, "CAP JEMPOL").layout
    assert len(layout.lines_of("nama")) == 2
    assert len(layout.lines_of("alamat")) == 2
    assert layout.text_of("nama") == "MAXIMILIAN ALEXANDER FRIEDRICH VON HOHENZOLLERN-SIGMARINGEN WITTELSBACH"
    for field, box in ink_boxes(layout):
        assert 0 <= box.x0 and box.x1 <= layout.size[0] and 0 <= box.y0 and box.y1 <= layout.size[1], field


def test_slightly_long_name_shrinks_on_one_line(wni_card, portrait, signature, issue_bandung):
    layout = render(wni_card(nama="Raden Ajeng Kartini Sosroningrat Putri"), portrait,
                    issue_bandung, signature).layout
    (line,) = layout.lines_of("nama")
    nominal = CURRENT_TEMPLATE.pt_px(CURRENT_TEMPLATE.text_pt)
    assert CURRENT_TEMPLATE.pt_px(CURRENT_TEMPLATE.text_min_pt) <= line.size < nominal


_words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ'.-,/", min_size=1, max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nama=st.lists(_words, min_size=1, max_size=12).map(" ".join),
       alamat=st.lists(_words, min_size=1, max_size=25).map(" ".join),
       kelurahan=st.lists(_words, min_size=1, max_size=6).map(" ".join),
       pekerjaan=st.lists(_words, min_size=1, max_size=6).map(" ".join))
def test_no_value_ever_overflows_its_box_or_loses_characters(wni_card, nama, alamat, kelurahan, pekerjaan):
    card = wni_card(nama=nama, alamat=alamat, kelurahan_desa=kelurahan, pekerjaan=pekerjaan)
    layout = lay_out(card, Issue("KOTA BANDUNG", date(2026, 1, 2)), CURRENT_TEMPLATE, FontMetrics())
    for (field, ink), text in zip(ink_boxes(layout), layout.texts, strict=True):
        # Right and bottom: one pixel of anti-aliasing. Left: a glyph such as J may hang up to
        # 0.25 mm before its pen position, into the margin, never into another column.
        assert text.box.contains(PxBox(ink.x0 + 3, ink.y0, ink.x1, ink.y1), tolerance=1.0), (field, text.text)
        assert ink.x1 <= layout.photo.x0 or field.startswith(("header", "issue_", "signature")), field
    for field, value in (("nama", nama), ("alamat", alamat), ("kelurahan_desa", kelurahan), ("pekerjaan", pekerjaan)):
        assert layout.text_of(field).replace(" ", "") == value.upper().replace(" ", "")
    bottom = max(box.y1 for _, box in ink_boxes(layout))
    assert bottom <= layout.size[1]


def test_png_is_id1_at_300_dpi(wni_card, portrait, signature, issue_bandung):
    png = render(wni_card(), portrait, issue_bandung, signature).png
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1011, 638)  # 85.60 x 53.98 mm at 300 dpi
    assert tuple(round(v) for v in image.info["dpi"]) == (300, 300)


def test_pdf_is_one_page_of_exactly_id1_showing_the_same_card(wni_card, portrait, signature, issue_bandung,
                                                             tmp_path, pdftoppm):
    front = render(wni_card(), portrait, issue_bandung, signature)
    pdf = tmp_path / "front.pdf"
    pdf.write_bytes(front.pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    width_pt, height_pt = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert abs(width_pt / 72 * 25.4 - 85.60) < 0.01 and abs(height_pt / 72 * 25.4 - 53.98) < 0.01
    # The card image is embedded losslessly: extracted, it is the PNG pixel for pixel.
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "embedded")], check=True)
    embedded = Image.open(tmp_path / "embedded-000.png").convert("RGB")
    png = Image.open(io.BytesIO(front.png)).convert("RGB")
    assert ImageChops.difference(embedded, png).getbbox() is None
    # And it fills the page: rendered at 300 dpi the page looks like the PNG (up to resampling).
    subprocess.run([pdftoppm, "-r", "300", "-scale-to-x", "1011", "-scale-to-y", "638", "-png", "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png").convert("RGB")
    assert mean_difference(page, png) < 8
    assert b"SITI" not in front.pdf and b"3273015507900003" not in front.pdf  # no personal data in metadata


def test_undecodable_portrait_is_refused(wni_card, signature, issue_bandung):
    with pytest.raises(ImageError, match="portrait"):
        render(wni_card(), b"not an image", issue_bandung, signature)


@pytest.mark.parametrize("changes, message", [
    ({"nik": "32730155079"}, "nik"),
    ({"kewarganegaraan": "WNA"}, "berlaku_hingga"),
    ({"berlaku_hingga": date(2030, 1, 1)}, "berlaku_hingga"),
    ({"jenis_daerah": "KECAMATAN"}, "jenis_daerah"),
    ({"nama": "   "}, "nama"),
])
def test_card_fields_refuse_what_cannot_be_printed(wni_card, changes, message):
    with pytest.raises(ValueError, match=message):
        wni_card(**changes)
