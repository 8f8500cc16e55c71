"""The citizen's journey through the portal in a browser (Playwright), as a person would click it: the start
page, a code by SMS, the form (the region one level at a time, by script or by buttons without it), the three
documents (for a child's card, the parent signs in and gives the child's data; no photo under 5), review,
submit, the receipt. Used by the portal's browser tests and by the cross-service journey;
``tour`` is an ``ektp_shared.testing.browser.Tour``, which checks and measures every page on the way."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import expect

from .journey import Person, passport_photo, scanned_document

WORDS = {
    "id": {"start": "Mulai permohonan", "send": "Kirim kode", "next": "Lanjut", "new": "Buat permohonan baru",
           "save": "Simpan dan lanjut ke dokumen", "upload": "Unggah", "review": "Lanjut ke pemeriksaan",
           "submit": "Kirim permohonan", "done": "Permohonan terkirim", "title": "Ajukan KTP-el secara online"},
    "en": {"start": "Start your application", "send": "Send the code", "next": "Continue",
           "new": "Start a new application", "save": "Save and go on to the documents", "upload": "Upload",
           "review": "Go on to checking", "submit": "Submit the application", "done": "Application submitted",
           "title": "Apply for an e-KTP online"},
}


def fill_in(page, person, javascript: bool, words: dict) -> None:
    """The data form, as a person fills it in; the region one level at a time."""
    applicant = person.application["applicant"]
    page.fill("#kk_number", applicant["kk_number"])
    page.fill("#full_name", applicant["full_name"])
    page.fill("#birth_place", applicant["birth_place"])
    page.fill("#birth_date", applicant["birth_date"])
    page.check(f"#gender input[value='{applicant['gender']}']")
    page.select_option("#blood_type", applicant["blood_type"])
    page.select_option("#religion", applicant["religion"])
    for name in ("marital_status", "occupation"):  # not asked on a child's card
        if name in applicant:
            page.select_option(f"#{name}", applicant[name])
    page.fill("#street", applicant["address"]["street"])
    page.fill("#rt", applicant["address"]["rt"])
    page.fill("#rw", applicant["address"]["rw"])
    parts = applicant["address"]["village_code"].split(".")
    codes = [".".join(parts[:n]) for n in range(1, 5)]
    for level, code, lower in zip(("province", "regency", "district", "village"), codes, ("regency", "district", "village", None)):
        if javascript:
            page.select_option(f"#{level}", code)
            if lower:
                page.wait_for_selector(f"#{lower} option[value='{codes[codes.index(code) + 1]}']", state="attached")
        else:
            page.select_option(f"#{level}", code)
            if lower:
                page.click(f"button[name=region_step][value={level}]")
    page.fill("#phone", person.application["contact"]["phone"])


def apply(tour, person: Person, code_for: Callable[[], str], language: str = "id", javascript: bool = True) -> str:
    """From the start page to the receipt; returns the receipt number. ``code_for()`` reads the one-time code
    that reached the person's phone."""
    page, words = tour.page, WORDS[language]
    shot = "kia-" if person.parent else ""  # a child's card's pages photographed apart from one's own card's
    tour.go("/")
    if language == "en":
        tour.mark()
        page.click("text=English")
    assert page.locator("h1").inner_text() == words["title"]
    tour.check(shot + "start")
    tour.mark()
    page.click(f"text={words['start']}")
    tour.check(shot + "sign-in")
    page.fill("#nik", person.signer_nik)
    page.fill("#address", person.application["contact"]["phone"])
    tour.mark()
    page.click(f"button:has-text('{words['send']}')")
    tour.check(shot + "code")
    page.fill("#code", code_for())
    tour.mark()
    page.click(f"button:has-text('{words['next']}')")
    tour.check(shot + "applications")
    tour.mark()
    page.click(f"text={words['new']}")
    tour.check(shot + "kind")
    page.check(f"#kind input[value='{person.application['kind']}']")
    tour.mark()
    page.click(f"button:has-text('{words['next']}')")
    if person.parent:
        page.fill("#nik", person.nik)
        page.fill("#parent_full_name", person.parent["full_name"])
    if javascript:
        expect(page.locator("#nik-terbaca"), "the NIK is decoded as typed").not_to_be_empty()
    tour.check(shot + "form")
    fill_in(page, person, javascript, words)
    tour.mark()
    page.click(f"button:has-text('{words['save']}')")
    tour.check(shot + "documents")
    documents = {"kk": scanned_document("KARTU KELUARGA"), "akta_kelahiran": scanned_document("AKTA KELAHIRAN")}
    if person.takes_photo(dt.date.today()):
        documents["photo"] = passport_photo(person.face)
    for kind, content in documents.items():
        page.set_input_files(f"#{kind}-file", files=[{"name": f"{kind}.jpg", "mimeType": "image/jpeg", "buffer": content}])
        if javascript:
            expect(page.locator(f"#pratinjau-{kind}"), "the chosen picture is previewed before the upload").to_be_visible()
        tour.mark()
        page.click(f"#dokumen-{kind} button:has-text('{words['upload']}')")
        expect(page.locator(f"#dokumen-{kind} .preview img"), "the uploaded picture is shown back").to_have_count(1)
    tour.check(shot + "documents-uploaded")
    tour.mark()
    page.click(f"text={words['review']}")
    tour.check(shot + "review")
    tour.mark()
    page.click(f"button:has-text('{words['submit']}')")
    expect(page.locator("h1")).to_have_text(words["done"])
    page.wait_for_load_state("load")
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 100, "the QR code image loaded"
    tour.check(shot + "receipt")
    with page.expect_download() as download:
        page.click("a[download]")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    return page.locator(".receipt-number").inner_text()
