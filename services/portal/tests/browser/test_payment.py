"""A regional fee in Chromium without JavaScript: the status page names the fee and links to the gateway's page
(the Midtrans fake), the citizen pays there, and the status page then shows the payment. Each portal page is
checked by axe-core and measured (conftest.Tour)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from ektp_peers.midtrans import MidtransFake

from ektp_launcher.portal_journey import apply


@pytest.fixture
def gateway() -> Iterator[MidtransFake]:
    with MidtransFake(server_key="SB-Mid-server-browser-test") as fake:
        yield fake


@pytest.fixture
def intake_settings(gateway) -> dict[str, str]:
    return {"payment_snap_url": gateway.url, "payment_api_url": gateway.url, "payment_server_key": gateway.server_key}


def test_a_citizen_pays_a_regional_fee_from_the_status_page_without_javascript(tour_of, live_portal, intake, gateway,
                                                                                person):
    gateway.notification_url = f"{intake.url}/v1/payments/midtrans/notification"
    regency = person.application["applicant"]["address"]["village_code"][:5]
    assert requests.put(f"{intake.url}/v1/admin/fees/{regency}/new", headers=intake.harness.token("rina", "admin"),
                        json={"rupiah": 30000, "basis": "Perda Kabupaten Bogor 3/2025"}).status_code == 200
    tour = tour_of(live_portal, "id", javascript=False)
    apply(tour, person, intake.code_for, "id", javascript=False)
    page = tour.page
    application_id = page.url.split("/")[-2]
    tour.go(f"/permohonan/{application_id}")
    assert page.locator("h1").inner_text() == "Menunggu pembayaran"
    tour.check("status-awaiting-payment")

    page.click("text=Bayar Rp30.000")  # the gateway's own page
    assert page.url.startswith(gateway.url)
    page.click("button:has-text('Bayar Rp30.000')")
    assert gateway.deliveries[-1].http_status == 200

    tour.go(f"/permohonan/{application_id}")
    assert page.locator("h1").inner_text() == "Terkirim"
    assert "Lunas" in page.content()
    tour.check("status-paid")
