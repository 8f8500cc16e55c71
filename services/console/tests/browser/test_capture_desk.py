"""The biometric operator's desk and the face review in Chromium (development sign-in; the OpenID sign-in has its
own tests): today's appointments, a capture refused finger by finger and retaken, each finger's quality, and a
face that did not match its photo decided with the keyboard alone, both faces side by side. In Bahasa Indonesia,
and the desk once in English."""
from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import expect

from ..conftest import image, person_of

OWN = "DISDUKCAPIL-3273"
FINGERS = {2: "fvc2000_db1_101_1.png", 7: "fvc2002_db1_101_1.png"}


def development_sign_in(page, role: str) -> None:
    page.select_option("select[name=role]", role)
    page.fill("input[name=office]", OWN)
    page.click("main button[type=submit]")


def signed_in(desk_of, console_url: str, path: str, role: str):
    """A new desk browser at ``path``, signed in there with the development sign-in as ``role``."""
    desk = desk_of(console_url)
    desk.go(path)
    development_sign_in(desk.page, role)
    desk.page.wait_for_url(f"**{path}")
    return desk, desk.page


def files(tmp_path, face: str, fingers: dict[int, bytes]) -> dict[str, str]:
    chosen = {"face": tmp_path / "face.jpg"}
    chosen["face"].write_bytes(image(face))
    for position, data in fingers.items():
        chosen[f"finger_{position}"] = tmp_path / f"finger_{position}.png"
        chosen[f"finger_{position}"].write_bytes(data)
    return {name: str(path) for name, path in chosen.items()}


def upload(page, chosen: dict[str, str]) -> None:
    for name, path in chosen.items():
        page.set_input_files(f"input[name={name}]", path)
    page.click("text=Kirim perekaman")


def blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (400, 400), 255).save(out, "PNG")
    return out.getvalue()


def test_an_operator_retakes_a_refused_finger_and_a_reviewer_decides_a_face_with_the_keyboard(
        verification_factory, biometrics_factory, console_factory, desk_of, tmp_path):
    verification, biometrics = verification_factory(), biometrics_factory()
    matching = verification.open_case(person_of(OWN), photo=image("obama_2.jpg"))
    mismatching = verification.open_case(person_of(OWN), photo=image("biden_2.jpg"))
    for case in (matching, mismatching):
        verification.approve(case)
        biometrics.take(verification, case)
    console = console_factory(verification, biometrics=biometrics, serve=True)
    good = {p: image(name) for p, name in FINGERS.items()}

    desk = desk_of(console.url)
    page = desk.page
    desk.go("/perekaman")
    development_sign_in(page, "biometric_operator")
    page.wait_for_url("**/perekaman")
    expect(page.locator("h1")).to_have_text("Perekaman hari ini")
    assert matching["receipt_number"] in page.content() and mismatching["receipt_number"] in page.content()
    desk.check("capture-today")

    desk.mark()
    page.click(f"a:has-text('{matching['receipt_number']}')")
    expect(page.locator("h2#unggah")).to_have_text("Unggah hasil perekaman")
    desk.check("capture")

    desk.mark()
    upload(page, files(tmp_path, "obama_1.jpg", {2: good[2], 7: blank_png()}))
    expect(page.locator(".error-summary")).to_contain_text("Telunjuk kiri: Gambar sidik jari kosong")
    expect(page.locator("#finger_7-galat")).to_be_visible()
    desk.check("capture-retake")

    desk.mark()
    upload(page, files(tmp_path, "obama_1.jpg", good))
    expect(page.locator(".notice")).to_contain_text("Perekaman diterima")
    expect(page.locator("figcaption").filter(has_text="Telunjuk kiri")).to_contain_text("Kualitas NFIQ 2")
    desk.check("capture-accepted")
    biometrics.harness.work()
    desk.mark()
    page.reload()
    expect(page.locator(".tag")).to_have_text("Terdaftar")
    desk.check("capture-enrolled")

    page.goto(f"/perekaman/{mismatching['application_id']}")
    upload(page, files(tmp_path, "obama_1.jpg", good))
    biometrics.harness.work()

    reviewer = desk_of(console.url)
    page = reviewer.page
    reviewer.go("/tinjauan-wajah")
    development_sign_in(page, "biometric_adjudicator")
    page.wait_for_url("**/tinjauan-wajah")
    reviewer.check("face-reviews")
    reviewer.mark()
    page.click("main td a")
    expect(page.locator("figcaption")).to_have_text(["Pasfoto permohonan", "Wajah yang direkam"])
    page.wait_for_load_state("load")  # the photo comes from intake through biometrics: the slower of the two
    assert all(page.evaluate("[...document.querySelectorAll('figure img')].map(i => i.naturalWidth > 0)"))
    reviewer.check("face-review")

    # The keyboard alone: to the first choice, down to "recapture", and the form sent with Enter.
    page.focus("input[name=decision][value=same_person]")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name=decision][value=recapture]")
    page.keyboard.press("Tab")
    page.keyboard.type("Wajah di loket bukan wajah pada pasfoto.")
    page.keyboard.press("Tab")
    reviewer.mark()
    page.keyboard.press("Enter")
    expect(page.locator(".notice")).to_contain_text("direkam ulang")
    reviewer.check("face-review-decided")

    english = desk_of(console.url)
    english.page.goto("/bahasa/en?next=/perekaman")
    development_sign_in(english.page, "biometric_operator")
    english.page.wait_for_url("**/perekaman")
    expect(english.page.locator("h1")).to_have_text("Today's captures")
    english.language = "en"
    english.check("capture-today")
