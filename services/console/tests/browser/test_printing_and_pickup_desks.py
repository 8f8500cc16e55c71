"""The print operator's desk and the pickup desk in Chromium (development sign-in): a jammed printer in the fleet,
blank cards received, the jammed printer released once cleared, the printed card inspected, then found at the
pickup desk by its typed receipt number and handed over to the applicant with the keyboard alone; the printing
desk once in English."""
from __future__ import annotations

from playwright.sync_api import expect

from ..conftest import person_of
from ..integration.test_printing_desk import card_to_print
from .test_capture_desk import OWN, development_sign_in


def test_a_card_is_printed_inspected_and_handed_over_in_the_browser(
        verification_factory, biometrics_factory, printing_factory, console_factory, desk_of):
    verification, biometrics = verification_factory(), biometrics_factory()
    printing = printing_factory(biometrics, OWN)
    printing.office_policy(OWN, qc_by_operator=True)
    case = card_to_print(verification, biometrics, printing)
    printing.printers[1].state.jammed = True
    printing.run()
    console = console_factory(verification, biometrics=biometrics, printing=printing, serve=True)

    desk = desk_of(console.url)
    page = desk.page
    desk.go("/cetak")
    development_sign_in(page, "print_operator")
    page.wait_for_url("**/cetak")
    expect(page.locator("#printer + table, section[aria-labelledby=printer] table")).to_contain_text("Kartu macet")
    desk.check("printing-desk")

    page.fill("#terima-reference", "BA-2026-12")
    page.fill("#terima-first_serial", "3273-2026-000001")
    page.fill("#terima-count", "20")
    desk.mark()
    page.click("text=Catat penerimaan")
    expect(page.locator(".notice")).to_contain_text("20 blangko dicatat masuk")
    printing.printers[1].state.jammed = False
    printing.run()  # the poll finds the jam cleared: the printer is back in rotation and prints the card
    page.reload()
    page.click("main td a.mono")
    expect(page.locator(".tag")).to_have_text("Menunggu pemeriksaan mutu")
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelector('img.front').naturalWidth") > 0, "the front as printed"
    desk.check("printing-card")
    page.check("input[name=result][value=passed]")
    desk.mark()
    page.click("text=Catat hasil pemeriksaan")
    expect(page.locator(".tag")).to_have_text("Siap diambil")
    desk.check("printing-card-passed")

    desk.mark()
    page.click("nav >> text=Pengambilan")
    expect(page.locator("h1")).to_have_text("Pengambilan kartu")
    desk.check("pickup-search")
    # The keyboard alone: the field has the focus on arrival; type, Enter; then the NIK, Tab to the button, Enter.
    page.keyboard.type(case["receipt_number"])
    desk.mark()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(case["receipt_number"])
    desk.check("pickup")
    page.focus("#serah-nik")
    page.keyboard.type(person_of(OWN).nik)
    page.focus("form[action$='/serahkan'] button[type=submit]")
    desk.mark()
    page.keyboard.press("Enter")
    expect(page.locator(".notice")).to_contain_text("Kartu diserahkan")
    expect(page.locator(".tag")).to_have_text("Sudah diambil")
    desk.check("pickup-done")

    english = desk_of(console.url)
    english.page.goto("/bahasa/en?next=/cetak")
    development_sign_in(english.page, "print_operator")
    english.page.wait_for_url("**/cetak")
    expect(english.page.locator("h1")).to_have_text("Card printing")
    english.language = "en"
    english.check("printing-desk")
