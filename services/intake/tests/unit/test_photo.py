"""The 4x6 photo checks on real face photos, built into e-KTP style photos here."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from intake.rules.photo import BackgroundPolicy, Colour, check_photo, required_background

FIXTURES = Path(__file__).parents[1] / "fixtures"
SUSILO, GLORIA, HU = (FIXTURES / "faces" / f"{name}_0001.jpg"
                      for name in ("Susilo_Bambang_Yudhoyono", "Gloria_Macapagal_Arroyo", "Hu_Jintao"))
RED, BLUE, WHITE = (200, 16, 30), (0, 90, 200), (245, 245, 245)


def portrait(*heads: Path, background=RED, size=(480, 720), fmt="JPEG", exif=None) -> bytes:
    """A head-and-shoulders photo: each face photo cut to an oval and set on a plain background."""
    width, height = size
    canvas = Image.new("RGB", size, background)
    side = int(min(width, height * 2 / 3) * (0.75 if len(heads) == 1 else 0.48))
    for i, head in enumerate(heads):
        face = Image.open(head).convert("RGB").resize((side, side), Image.LANCZOS)
        oval = Image.new("L", face.size, 0)
        ImageDraw.Draw(oval).ellipse((side * 0.08, 0, side * 0.92, side), fill=255)
        x = (width - side) // 2 if len(heads) == 1 else int(width * 0.02) + i * (width // 2)
        canvas.paste(face, (x, int(height * 0.2)), oval)
    return encode(canvas, fmt, exif)


def encode(image: Image.Image, fmt="JPEG", exif=None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def codes(check):
    return [f.code for f in check.errors]


@pytest.mark.parametrize("head", [SUSILO, GLORIA, HU])
def test_a_4x6_photo_of_one_face_on_red_passes_the_default_policy(head):
    check = check_photo(portrait(head))
    assert check.ok, codes(check)
    assert (check.width, check.height, check.faces, check.background) == (480, 720, 1, Colour.RED)


@pytest.mark.parametrize(("background", "found_id", "found_en"), [(BLUE, "biru", "blue"), (WHITE, "putih", "white")])
def test_a_blue_or_white_background_is_refused_when_red_is_asked(background, found_id, found_en):
    check = check_photo(portrait(SUSILO, background=background))
    assert codes(check) == ["photo.background"]
    assert f"harus merah; foto ini berlatar {found_id}" in check.errors[0].indonesian
    assert f"must be red; this one is {found_en}" in check.errors[0].english


@pytest.mark.parametrize(("birth_year", "background", "ok"), [
    (1990, BLUE, True), (1991, RED, True), (1990, RED, False), (1991, BLUE, False), (2000, WHITE, False),
])
def test_the_birth_year_parity_policy_asks_red_for_odd_and_blue_for_even_years(birth_year, background, ok):
    check = check_photo(portrait(GLORIA, background=background), policy="birth-year-parity", birth_year=birth_year)
    assert check.ok is ok
    if not ok:
        expected = "red" if birth_year % 2 else "blue"
        assert f"must be {expected}" in check.errors[0].english


def test_the_parity_policy_needs_the_birth_year():
    assert required_background(BackgroundPolicy.RED) is Colour.RED
    assert required_background("birth-year-parity", 2004) is Colour.BLUE
    with pytest.raises(ValueError):
        required_background(BackgroundPolicy.BIRTH_YEAR_PARITY)
    with pytest.raises(ValueError):
        required_background("green")


def test_a_square_photo_has_the_wrong_ratio():
    check = check_photo(portrait(HU, size=(720, 720)))
    assert codes(check) == ["photo.ratio"]
    assert "720×720" in check.errors[0].indonesian and "2:3" in check.errors[0].english


def test_a_ratio_within_five_percent_of_4x6_is_accepted():
    assert check_photo(portrait(SUSILO, size=(500, 720))).ok  # 0.694, 4.2 % wider than 2:3
    assert codes(check_photo(portrait(SUSILO, size=(510, 720)))) == ["photo.ratio"]  # 6.3 % wider


def test_a_photo_under_400x600_is_too_small():
    check = check_photo(portrait(GLORIA, size=(300, 450)))
    assert codes(check) == ["photo.too_small"]
    assert "400×600" in check.errors[0].english and "300×450" in check.errors[0].indonesian


def test_a_large_photo_is_checked_like_a_small_one():
    assert check_photo(portrait(HU, size=(1200, 1800), fmt="PNG")).ok


def test_a_photo_without_a_face_is_refused():
    scenery = Image.open(FIXTURES / "landscape.jpg").convert("RGB").crop((150, 0, 430, 420))
    canvas = Image.new("RGB", (480, 720), RED)
    canvas.paste(scenery.resize((360, 540)), (60, 180))
    check = check_photo(encode(canvas))
    assert codes(check) == ["photo.no_face"]
    assert check.faces == 0


@pytest.mark.parametrize("heads", [(SUSILO, GLORIA), (HU, SUSILO), (GLORIA, HU)])
def test_a_photo_with_two_faces_is_refused(heads):
    check = check_photo(portrait(*heads))
    assert codes(check) == ["photo.multiple_faces"]
    assert "2 wajah" in check.errors[0].indonesian and "2 faces" in check.errors[0].english


def test_a_real_portrait_against_a_light_wall_fails_on_ratio_and_background_only():
    check = check_photo((FIXTURES / "face.jpeg").read_bytes())
    assert check.faces == 1 and check.background is Colour.WHITE
    assert codes(check) == ["photo.ratio", "photo.background"]


def test_a_phone_photo_stored_sideways_is_judged_upright():
    upright = Image.open(io.BytesIO(portrait(SUSILO)))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    sideways = encode(upright.rotate(90, expand=True), exif=exif)
    assert Image.open(io.BytesIO(sideways)).size == (720, 480)
    assert check_photo(sideways).ok


def test_bytes_that_are_no_image_are_unreadable():
    check = check_photo(b"%PDF-1.7 not a photo")
    assert codes(check) == ["photo.unreadable"]


def test_every_reason_is_given_in_both_languages():
    check = check_photo(portrait(SUSILO, GLORIA, background=WHITE, size=(300, 300)))
    assert codes(check) == ["photo.ratio", "photo.too_small", "photo.multiple_faces", "photo.background"]
    assert all(f.indonesian and f.english and f.indonesian != f.english for f in check.errors)
