"""A fee at the portal, without JavaScript: where the citizen's regency charges one, the status page shows the fee,
its basis and a plain link to the gateway's page; after paying there it shows the payment and the application
goes on. Intake runs against the Midtrans fake, which notifies it over HTTP."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import requests
from babel.dates import format_datetime
from ektp_peers.midtrans import MidtransFake

from ektp_launcher.journey import passport_photo, scanned_document


@pytest.fixture
def gateway() -> Iterator[MidtransFake]:
    with MidtransFake(server_key="SB-Mid-server-portal-test") as fake:
        yield fake


@pytest.fixture
def intake_settings(gateway) -> dict[str, str]:
    return {"payment_snap_url": gateway.url, "payment_api_url": gateway.url, "payment_server_key": gateway.server_key}


def documents_of(person) -> dict[str, bytes]:
    return {"kk": scanned_document("KARTU KELUARGA"), "akta_kelahiran": scanned_document("KUTIPAN AKTA KELAHIRAN"),
            "photo": passport_photo(person.face)}


def test_the_status_page_offers_the_pay_link_and_then_shows_the_payment(citizen, intake, gateway, person):
    gateway.notification_url = f"{intake.url}/v1/payments/midtrans/notification"
    regency = person.application["applicant"]["address"]["village_code"][:5]
    fee = requests.put(f"{intake.url}/v1/admin/fees/{regency}/new", headers=intake.harness.token("rina", "admin"),
                       json={"rupiah": 30000, "basis": "Perda Kabupaten Bogor 3/2025"})
    assert fee.status_code == 200, fee.text
    citizen.sign_in()
    application_id = citizen.draft()
    for kind, content in documents_of(person).items():
        assert citizen.upload(application_id, kind, content).status_code == 200
    citizen.visitor.open(f"/permohonan/{application_id}/periksa")
    assert "Kabupaten/kota Anda memungut Rp30.000 untuk jenis permohonan ini (Perda Kabupaten Bogor 3/2025)" in \
        citizen.visitor.words(), "the fee is said before the citizen submits"
    submitting = dt.datetime.now(dt.timezone.utc)
    citizen.visitor.send(f"/permohonan/{application_id}/kirim", {"key": f"submit-{application_id}"})
    assert citizen.visitor.path.endswith("/tanda-terima"), citizen.visitor.words()
    assert "Bayar Rp30.000" in citizen.visitor.words(), "the receipt page offers the payment at once"
    citizen.visitor.open(f"/permohonan/{application_id}")
    words = citizen.visitor.words()
    assert "Menunggu pembayaran" in words and "Rp30.000" in words and "Perda Kabupaten Bogor 3/2025" in words
    assert "Belum dibayar" in words
    days = {format_datetime(moment + dt.timedelta(days=14), "d MMMM y", tzinfo=ZoneInfo("Asia/Jakarta"), locale="id")
            for moment in (submitting, dt.datetime.now(dt.timezone.utc))}
    assert any(f"Bayar sebelum {day}" in words for day in days), "the date the application expires unpaid"
    [order_id] = gateway.orders
    pay_url = f"{gateway.url}/snap/v2/vtweb/{gateway.transaction(order_id).token}"
    assert f'href="{pay_url}"' in citizen.visitor.text and "Bayar Rp30.000" in words

    page = requests.get(pay_url)  # the link, followed by a browser without JavaScript
    assert "Bayar Rp30.000" in page.text
    assert requests.post(f"{pay_url}/pay").status_code == 200
    assert gateway.deliveries[-1].http_status == 200

    citizen.visitor.open(f"/permohonan/{application_id}")
    words = citizen.visitor.words()
    assert "Terkirim" in words and "Lunas" in words and "Bayar Rp30.000" not in words
    assert "Bayar sebelum" not in words
