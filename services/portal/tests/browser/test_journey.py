"""Whole journeys in Chromium on a 360×640 phone screen: a citizen applies from the start page to the receipt in
each language, with the page's scripts (NIK decoded as typed, regions filled in level by level, previews); the
same without JavaScript; a correction round; a reschedule; tracking without signing in. Every page is checked by
axe-core and measured (conftest.Tour)."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import expect

from ektp_launcher.journey import passport_photo, scanned_document
from ektp_shared.contracts import verification as ver

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
    page.select_option("#marital_status", applicant["marital_status"])
    page.select_option("#occupation", applicant["occupation"])
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


def apply(tour, intake, person, language: str, javascript: bool = True) -> str:
    """From the start page to the receipt; returns the receipt number."""
    page, words = tour.page, WORDS[language]
    tour.go("/")
    if language == "en":
        tour.mark()
        page.click("text=English")
    assert page.locator("h1").inner_text() == words["title"]
    tour.check("start")
    tour.mark()
    page.click(f"text={words['start']}")
    tour.check("sign-in")
    page.fill("#nik", person.nik)
    page.fill("#address", person.application["contact"]["phone"])
    tour.mark()
    page.click(f"button:has-text('{words['send']}')")
    tour.check("code")
    page.fill("#code", intake.code_for())
    tour.mark()
    page.click(f"button:has-text('{words['next']}')")
    tour.check("applications")
    tour.mark()
    page.click(f"text={words['new']}")
    tour.check("kind")
    page.check("#kind-0")
    tour.mark()
    page.click(f"button:has-text('{words['next']}')")
    if javascript:
        page.wait_for_selector("#nik-terbaca:has-text('Bogor')")
    tour.check("form")
    fill_in(page, person, javascript, words)
    tour.mark()
    page.click(f"button:has-text('{words['save']}')")
    tour.check("documents")
    for kind, content in {"kk": scanned_document("KARTU KELUARGA"), "akta_kelahiran": scanned_document("AKTA KELAHIRAN"),
                          "photo": passport_photo(person.face)}.items():
        page.set_input_files(f"#{kind}-file", files=[{"name": f"{kind}.jpg", "mimeType": "image/jpeg", "buffer": content}])
        if javascript:
            expect(page.locator(f"#pratinjau-{kind}"), "the chosen picture is previewed before the upload").to_be_visible()
        tour.mark()
        page.click(f"#dokumen-{kind} button:has-text('{words['upload']}')")
        expect(page.locator(f"#dokumen-{kind} .preview img"), "the uploaded picture is shown back").to_have_count(1)
    tour.check("documents-uploaded")
    tour.mark()
    page.click(f"text={words['review']}")
    tour.check("review")
    tour.mark()
    page.click(f"button:has-text('{words['submit']}')")
    expect(page.locator("h1")).to_have_text(words["done"])
    page.wait_for_load_state("load")
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 100, "the QR code image loaded"
    tour.check("receipt")
    with page.expect_download() as download:
        page.click("a[download]")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    return page.locator(".receipt-number").inner_text()


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_whole_application_from_the_start_page_to_the_receipt(tour_of, live_portal, intake, person, language):
    tour = tour_of(live_portal, language)
    receipt = apply(tour, intake, person, language)
    assert re.fullmatch(r"KTP-\d{4}-\d{6}-[0-9A-Z]{6}-\S", receipt)


def test_the_same_application_without_javascript(tour_of, live_portal, intake, person):
    tour = tour_of(live_portal, "id", javascript=False)
    assert apply(tour, intake, person, "id", javascript=False).startswith("KTP-")


def test_a_correction_round_then_tracking_without_signing_in(tour_of, live_portal, intake, person):
    tour = tour_of(live_portal, "id")
    receipt = apply(tour, intake, person, "id")
    page = tour.page
    application_id = page.url.split("/")[-2]
    intake.harness.deliver(ver.CORRECTION_REQUESTED, {
        "application_id": application_id, "reason_code": "name_mismatch", "message": "Nama tidak sesuai KK",
        "corrections": [{"field": "applicant.full_name", "message": "Tulis nama persis seperti di KK."}]})
    tour.go(f"/permohonan/{application_id}")
    assert "Perlu perbaikan" in page.locator("h1").inner_text()
    assert "Tulis nama persis seperti di KK." in page.content()
    tour.check("status-correction")
    tour.mark()
    page.click("text=Perbaiki sekarang")
    tour.check("correction")
    assert page.locator("#kk_number").count() == 0, "fields the officer did not name are not editable"
    page.fill("#full_name", "Siti Aminah Rahayu")
    tour.mark()
    page.click("button:has-text('Simpan perbaikan')")
    tour.check("review-correction")
    tour.mark()
    page.click("button:has-text('Kirim ulang permohonan')")
    tour.go(f"/permohonan/{application_id}")
    assert page.locator("h1").inner_text() == "Perbaikan terkirim"
    tour.check("status-resubmitted")

    stranger = tour_of(live_portal, "id")
    stranger.go("/lacak")
    stranger.check("track")
    stranger.page.fill("#receipt_number", receipt)
    stranger.page.fill("#nik", person.nik)
    stranger.mark()
    stranger.page.click("button:has-text('Lacak')")
    assert stranger.page.locator("#hasil").inner_text() == "Perbaikan terkirim"
    assert person.application["applicant"]["full_name"] not in stranger.page.content(), "tracking shows no personal data"
    stranger.check("track-result")


def test_a_capture_appointment_is_shown_in_the_offices_time_and_can_be_moved(tour_of, live_portal, intake, person):
    tour = tour_of(live_portal, "id")
    receipt = apply(tour, intake, person, "id")
    page = tour.page
    application_id = page.url.split("/")[-2]
    starts = dt.datetime(2026, 12, 14, 2, 30, tzinfo=dt.timezone.utc)  # 09.30 in Bogor (WIB)
    office = {"code": "3201", "name": "Disdukcapil Kabupaten Bogor", "address": "Jl. Tegar Beriman, Cibinong",
              "timezone": "Asia/Jakarta"}
    applicant = person.application["applicant"]
    intake.harness.deliver(ver.APPLICATION_VERIFIED, {
        "application_id": application_id, "receipt_number": receipt, "kind": "new", "office": office,
        "verified_at": dt.datetime.now(dt.timezone.utc),
        "card_holder": {**applicant, "birth_date": dt.date.fromisoformat(applicant["birth_date"])}})
    intake.harness.deliver(ver.APPOINTMENT_SCHEDULED, {
        "application_id": application_id, "appointment_id": str(uuid.uuid4()), "starts_at": starts, "office": office})
    tour.go(f"/permohonan/{application_id}")
    assert "14 Desember 2026, pukul 09.30 WIB" in page.content()
    tour.check("status-appointment")
    tour.mark()
    page.click("text=Minta jadwal lain")
    tour.check("reschedule")
    tour.mark()
    page.click("button:has-text('Minta jadwal baru')")
    expect(page.locator("body")).to_contain_text("Permintaan jadwal baru terkirim")
    assert intake.harness.emitted("appointment.reschedule_requested.v1", application_id)
