"""End-to-end, real profile, replacements: one in a regency that charges a fee waits for its payment, and the
citizen is told by email what to pay by when; the citizen pays on the Midtrans fake's page (no JavaScript), the fake's signed notification reaches intake over HTTP, and
only then does the application travel to the card in the citizen's hand. A forged notification is refused and
changes nothing; the same notification twice is one payment. The replacement of a card issued here is verified
1:1 against the holder's own enrolment and travels on without an adjudicator; at pickup printing has biometrics
verify the holder's finger with the officer's token and keeps the result."""
from __future__ import annotations

import dataclasses
import random
import re
import time

import pytest
import requests
from ektp_peers.midtrans import signature

from ektp_launcher.journey import sample_person, scanned_document
from ektp_shared.contracts.envelope import TYPE_PREFIX

pytestmark = pytest.mark.slow
BOGOR = "32.01"  # the regency of the journey's sample address


def key(event: dict) -> str:
    return event["type"].removeprefix(TYPE_PREFIX + ".")


def counted(metrics: str, name: str) -> dict[str, float]:
    """Prometheus text → {labels as written: value} of one metric."""
    return {labels or "": float(value) for labels, value in re.findall(rf"^{name}(?:\{{(.*)\}})? (\S+)$", metrics, re.M)}


def test_a_replacement_with_a_regional_fee_is_collected_only_after_the_gateway_s_paid_notification(suite):
    journey, gateway, intake = suite.journey, suite.payments, suite.journey.at.intake
    fee = requests.put(f"{intake}/v1/admin/fees/{BOGOR}/replacement_lost", headers=journey.token("admin"),
                       json={"rupiah": 50000, "basis": "Perda Kabupaten Bogor 3/2025"})
    assert fee.status_code == 200, fee.text
    person = sample_person(random.Random(16), "Halle_Berry", (103, 104))
    person = dataclasses.replace(person, application={**person.application, "kind": "replacement_lost"})
    journey.sign_in(person)
    application_id = requests.post(f"{intake}/v1/applications", json=person.application,
                                   headers=journey.citizen).json()["id"]
    uploaded = requests.put(f"{intake}/v1/applications/{application_id}/documents/surat_kehilangan",
                            files={"file": ("lapor.jpg", scanned_document("SURAT KETERANGAN KEHILANGAN"), "image/jpeg")},
                            headers=journey.citizen)
    assert uploaded.status_code == 201, uploaded.text
    waiting = requests.post(f"{intake}/v1/applications/{application_id}/submit", headers=journey.citizen).json()
    assert waiting["status"] == "AWAITING_PAYMENT"
    assert waiting["fee"] == {"rupiah": 50000, "basis": "Perda Kabupaten Bogor 3/2025"}
    pay_url = waiting["payment"]["pay_url"]
    [order_id] = gateway.orders
    assert gateway.transaction(order_id).gross_amount == 50000

    forged = {**gateway.notification(order_id), "status_code": "200", "transaction_status": "settlement"}
    forged["signature_key"] = signature(order_id, "200", forged["gross_amount"], "not-the-server-key")
    refused = requests.post(f"{intake}/v1/payments/midtrans/notification", json=forged)
    assert refused.status_code == 403 and refused.json()["code"] == "payment.signature_invalid"
    assert [e["field"] for e in refused.json()["errors"]] == ["signature_key"]
    time.sleep(2)  # time enough for a wrongly published event to reach verification
    assert journey.status(application_id)["status"] == "AWAITING_PAYMENT"
    assert [key(e) for e in suite.tap.of(application_id)] == ["payment.due.v1"], "nothing went to verification"
    assert requests.get(f"{journey.at.verification}/v1/cases", params={"application_id": application_id},
                        headers=journey.token("verifier")).json() == []

    told = []
    deadline = time.monotonic() + 30
    while not told and time.monotonic() < deadline:
        told = [m for m in suite.smtp.messages if person.application["contact"]["email"] in m.rcpt_tos
                and "Menunggu pembayaran" in str(m.message["Subject"])]
        time.sleep(0.5)
    [mail] = told
    body = mail.message.get_content()
    assert "Rp50.000" in body and f"/permohonan/{application_id}" in body and person.nik not in body

    page = requests.get(pay_url)
    assert page.status_code == 200 and "Bayar Rp50.000" in page.text
    assert requests.post(f"{pay_url}/pay").status_code == 200  # the citizen pays: the gateway notifies intake
    assert gateway.deliveries[-1].http_status == 200, gateway.deliveries[-1]
    again = gateway.notify(order_id, tries=1)
    assert again.http_status == 200 and '"duplicate"' in again.body

    journey.approve(application_id)
    journey.capture(application_id, person)
    journey.printed(application_id)
    journey.hand_over(application_id, waiting["receipt_number"], person.nik)
    final = journey.wait_for_status(application_id, "COLLECTED")
    assert [t["stage"] for t in final["timeline"]] == ["DRAFT", "AWAITING_PAYMENT", "SUBMITTED", "VERIFIED",
                                                       "APPOINTMENT_SCHEDULED", "ENROLLED", "PRINTED",
                                                       "READY_FOR_PICKUP", "COLLECTED"]
    assert final["payment"]["state"] == "PAID" and final["payment"]["payment_type"] == "qris"
    assert [key(e) for e in suite.tap.of(application_id)].count("application.submitted.v1") == 1, "one payment"

    metrics = requests.get(f"{intake}/metrics", timeout=5).text
    results = counted(metrics, "ektp_payment_notifications_total")
    assert [results.get(f'result="{r}"') for r in ("paid", "duplicate", "signature_invalid")] == [1, 1, 1]
    assert counted(metrics, "ektp_payments_paid_rupiah_total") == {"": 50000}
    assert order_id not in metrics and person.nik not in metrics


def test_a_replacement_of_a_card_issued_here_is_verified_against_the_holder_and_needs_no_adjudicator(suite):
    journey, intake = suite.journey, suite.journey.at.intake
    person = sample_person(random.Random(18), "Hugo_Chavez", (105, 106))
    first, first_receipt = journey.apply(person)
    journey.approve(first)
    journey.capture(first, person)
    journey.printed(first)
    journey.hand_over(first, first_receipt, person.nik)
    journey.wait_for_status(first, "COLLECTED")

    # The same holder (NIK) with a damaged card, captured again: the other impressions of their fingers and face.
    # Signed in by a new phone and email: the old ones may still receive the first card's messages.
    again = sample_person(random.Random(18), "Hugo_Chavez", (105, 106), impression=2, phone="081377770018",
                          email="ganti.kartu@example.org")
    again = dataclasses.replace(again, application={**again.application, "kind": "replacement_damaged"})
    assert again.nik == person.nik
    journey.sign_in(again)
    damaged = requests.post(f"{intake}/v1/applications", json=again.application, headers=journey.citizen).json()["id"]
    uploaded = requests.put(f"{intake}/v1/applications/{damaged}/documents/foto_ktp_rusak", headers=journey.citizen,
                            files={"file": ("rusak.jpg", scanned_document("KTP-EL RUSAK"), "image/jpeg")})
    assert uploaded.status_code == 201, uploaded.text
    receipt = requests.post(f"{intake}/v1/applications/{damaged}/submit", headers=journey.citizen).json()["receipt_number"]
    journey.approve(damaged)
    journey.capture(damaged, again)
    journey.printed(damaged)  # a suspected duplicate (an adjudicator's queue) would stop the journey here

    enrolment = requests.get(f"{journey.at.biometrics}/v1/enrolments/{damaged}",
                             headers=journey.token("biometric_operator")).json()
    assert enrolment["state"] == "ENROLLED"
    assert (enrolment["holder_check"]["result"], enrolment["holder_check"]["against"]) == ("match", first)
    assert "biometrics.duplicate_suspected.v1" not in [key(e) for e in suite.tap.of(damaged)]

    printing, operator = journey.at.printing, journey.token("print_operator")
    finger = requests.post(f"{printing}/v1/cards/{damaged}/fingerprint", headers=operator,
                           files={"finger_1": ("finger_1.png", person.fingers[1], "image/png")})
    assert finger.status_code == 201, finger.text
    assert finger.json()["match"] is True and finger.json()["position"] == 1
    handed = requests.post(f"{printing}/v1/cards/{damaged}/handover", headers=operator,
                           json={"receipt_number": receipt, "nik": person.nik, "old_card": "handed_in"})
    assert handed.status_code == 200, handed.text
    assert handed.json()["fingerprint"] == "verified" and handed.json()["fingerprint_checks"][0]["evidence"] > 4
    journey.wait_for_status(damaged, "COLLECTED")
    assert requests.get(f"{printing}/v1/cards/{first}", headers=operator).json()["state"] == "WITHDRAWN"
