"""The adjudicator's desk in Chromium (development sign-in): the suspected duplicate beside its candidate, with
both faces and each finger's images and score, claimed and decided to be different people."""
from __future__ import annotations

from playwright.sync_api import expect

from ..conftest import image, person_of
from .test_capture_desk import OWN, signed_in


def test_an_adjudicator_sees_a_suspected_duplicate_side_by_side_and_decides(
        verification_factory, biometrics_factory, console_factory, desk_of):
    verification, biometrics = verification_factory(), biometrics_factory()
    original = verification.open_case(person_of(OWN, 0), photo=image("obama_2.jpg"))
    again = verification.open_case(person_of(OWN, 1), photo=image("obama_2.jpg"))
    for case in (original, again):
        verification.approve(case, today=False)
        biometrics.take(verification, case)
    biometrics.suspect(verification, original, again)
    console = console_factory(verification, biometrics=biometrics, serve=True)

    desk, page = signed_in(desk_of, console.url, "/adjudikasi", "biometric_adjudicator")
    desk.check("adjudication-queue")

    desk.mark()
    page.click(f"a:has-text('{again['receipt_number']}')")
    expect(page.locator("h2#kandidat-1")).to_contain_text(original["receipt_number"])
    page.wait_for_load_state("load")
    assert all(page.evaluate("[...document.querySelectorAll('main img')].map(i => i.naturalWidth > 0)")), \
        "both faces and every finger's images are shown"
    assert page.locator("table.fingers-compared tbody tr").count() == 2
    desk.mark()
    page.click("text=Ambil kasus ini")
    expect(page.locator("h2#putuskan")).to_be_visible()
    desk.check("adjudication")

    page.check("input[name=decision][value=distinct]")
    page.fill("textarea[name=note]", "Sidik jari dan wajah sama, tetapi ini kembar identik: berbeda orang.")
    desk.mark()
    page.click("text=Kirim keputusan")
    expect(page.locator(".notice")).to_contain_text("Orang yang berbeda")
    desk.check("adjudication-decided")
