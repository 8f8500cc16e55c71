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

from ektp_launcher.portal_journey import apply
from ektp_shared.contracts import verification as ver


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_whole_application_from_the_start_page_to_the_receipt(tour_of, live_portal, intake, person, language):
    tour = tour_of(live_portal, language)
    receipt = apply(tour, person, intake.code_for, language)
    assert re.fullmatch(r"KTP-\d{4}-\d{6}-[0-9A-Z]{6}-\S", receipt)


def test_the_same_application_without_javascript(tour_of, live_portal, intake, person):
    tour = tour_of(live_portal, "id", javascript=False)
    assert apply(tour, person, intake.code_for, "id", javascript=False).startswith("KTP-")


def test_a_correction_round_then_tracking_without_signing_in(tour_of, live_portal, intake, person):
    tour = tour_of(live_portal, "id")
    receipt = apply(tour, person, intake.code_for)
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
    receipt = apply(tour, person, intake.code_for)
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
