"""The child's identity card (KIA) front: its own ID-1 layout (title, the child's data, the parent's name), the
photo only when the child has one (from age 5), and how long the card is valid."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image, ImageChops

from printing.card_front import KIA_V1, Issue, render_kia
from printing.rules.card_fields import kia_fields, kia_valid_until

from .test_card_front import assert_matches_reference

HOLDER = {"nik": "3273014103160002", "kk_number": "3273010101200001", "full_name": "Putri Ayu Lestari",
          "birth_place": "Bandung", "birth_date": "2016-03-01", "gender": "PEREMPUAN", "blood_type": "A",
          "religion": "ISLAM", "marital_status": "BELUM KAWIN", "occupation": None, "citizenship": "WNI",
          "address": {"street": "Jl. Merdeka No. 17", "rt": "3", "rw": "12", "village_code": "32.73.01.1001"}}
PARENT = {"nik": "3273011507850001", "full_name": "Budi Santoso"}
ISSUED = date(2026, 12, 3)
ISSUE = Issue("BANDUNG", ISSUED)


def test_the_kia_front_matches_its_approved_reference_at_id_1(portrait):
    front = render_kia(kia_fields(HOLDER, PARENT, ISSUED), portrait, ISSUE)
    image = Image.open(io.BytesIO(front.png))
    assert image.size == (1011, 638), "ID-1, 85.60 x 53.98 mm at 300 dpi"
    assert front.template_version == "kia-front/1" and front.pdf.startswith(b"%PDF")
    assert_matches_reference(front.png, "front_kia.png")


def test_a_child_under_5_has_no_photo_on_the_card(portrait):
    fields = kia_fields({**HOLDER, "birth_date": "2023-05-01", "nik": "3273014105230002"}, PARENT, ISSUED)
    without = Image.open(io.BytesIO(render_kia(fields, None, ISSUE).png)).convert("RGB")
    with_photo = Image.open(io.BytesIO(render_kia(fields, portrait, ISSUE).png)).convert("RGB")
    box = KIA_V1.photo
    region = tuple(round(KIA_V1.px(v)) for v in (box.x + 2, box.y + 2, box.right - 2, box.bottom - 8))
    assert ImageChops.difference(without.crop(region), with_photo.crop(region)).getbbox() is not None, \
        "no photo where a child under 5's card has none"
    assert_matches_reference(render_kia(fields, None, ISSUE).png, "front_kia_under_5.png")


def test_the_card_names_the_parent_and_the_child_and_is_valid_until_the_day_before_17_or_5():
    printed = kia_fields(HOLDER, PARENT, ISSUED).printed()
    assert (printed["nama"], printed["nama_orang_tua"]) == ("PUTRI AYU LESTARI", "BUDI SANTOSO")
    assert (printed["no_kk"], printed["rt_rw"], printed["berlaku_hingga"]) == ("3273010101200001", "003/012", "28-02-2033")
    assert kia_valid_until(date(2023, 5, 1), ISSUED) == date(2028, 4, 30)
    assert kia_valid_until(date(2012, 2, 29), ISSUED) == date(2029, 2, 28)


def test_a_kia_field_that_is_not_a_number_is_refused_before_printing():
    with pytest.raises(ValueError, match="no_kk"):
        kia_fields({**HOLDER, "kk_number": "32730101"}, PARENT, ISSUED)
