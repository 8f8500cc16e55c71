"""The supervisor's desk in Chromium (development sign-in): the office dashboard with a stuck case, and that case
paused with the keyboard and shown with its audit log."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from verification.models import Case

from ..conftest import person_of
from .test_capture_desk import OWN, signed_in


def test_a_supervisor_finds_a_stuck_case_on_the_dashboard_and_pauses_it(verification_factory, biometrics_factory,
                                                                       console_factory, desk_of):
    verification, biometrics = verification_factory(), biometrics_factory()
    stuck = verification.open_case(person_of(OWN, 0))
    with verification.harness.runtime.uow() as uow:
        uow.session.get(Case, stuck["id"]).state_since -= dt.timedelta(days=3)
        uow.commit()
    console = console_factory(verification, biometrics=biometrics, serve=True)

    desk, page = signed_in(desk_of, console.url, "/supervisor", "supervisor")
    expect(page.locator("#macet + table")).to_contain_text(stuck["receipt_number"])
    desk.check("dashboard")

    desk.mark()
    page.click(f"a:has-text('{stuck['receipt_number']}')")
    expect(page.locator("h1")).to_contain_text(stuck["receipt_number"])
    desk.check("supervised-case")
    page.focus("#henti-reason")
    page.keyboard.type("Dokumen diperiksa kepolisian")
    desk.mark()
    page.keyboard.press("Enter")
    expect(page.locator(".notice")).to_contain_text("Kasus dihentikan sementara")
    expect(page.locator("#audit ~ table").first).to_contain_text("operations.paused")
    desk.check("supervised-case-paused")
