"""End-to-end, real profile: a parent applies for their child's identity card (KIA, a second document type on the
same services). Verification approves it without a capture appointment, printing prints the KIA front with the
photo the parent uploaded, the parent collects it, and every message is addressed to the parent. Biometrics never
hears of it: no capture, no enrolment, no photo noted."""
from __future__ import annotations

import datetime as dt
import io
import random
import time

import pytest
import requests
import sqlalchemy
from PIL import Image

from ektp_launcher.journey import sample_child
from ektp_shared.contracts.envelope import TYPE_PREFIX

pytestmark = pytest.mark.slow
KIA_EVENTS = ["application.submitted.v1", "application.verified.v1", "card.printed.v1", "card.ready_for_pickup.v1",
              "card.collected.v1"]
NOTIFIED = ("KIA diterima", "siap diambil", "telah diambil")  # submitted, ready for pickup, collected: in Indonesian
PARENT_EMAIL, PARENT_PHONE = "ortu.kia@example.org", "6281311112222"


def key(event: dict) -> str:
    return event["type"].removeprefix(TYPE_PREFIX + ".")


def wait_for(check, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.2)
    return found


def test_a_childs_card_reaches_the_parents_hand_with_no_biometric_capture(suite):
    journey = suite.journey
    child = sample_child(random.Random(16), "Hugo_Chavez", email=PARENT_EMAIL, phone="0813-1111-2222")
    assert child.takes_photo(dt.date.today()), "a child of 5 or older: the card carries the uploaded photo"

    result = journey.run(child)
    application_id, receipt = result["application_id"], result["receipt_number"]
    assert result["status"] == "COLLECTED"
    assert result["timeline"] == ["DRAFT", "SUBMITTED", "VERIFIED", "PRINTED", "READY_FOR_PICKUP", "COLLECTED"]

    events = suite.tap.of(application_id)
    assert sorted(key(e) for e in events) == sorted(KIA_EVENTS), "no appointment, capture or enrolment event"
    submitted, verified = (next(e["data"] for e in events if key(e) == k) for k in KIA_EVENTS[:2])
    assert submitted["document_type"] == verified["document_type"] == "kia"
    assert submitted["applicant"]["nik"] == child.nik and submitted["parent"]["nik"] == child.signer_nik
    assert verified["parent"] == child.parent
    assert verified["photo"]["kind"] == "photo", "printing prints the uploaded photo: there is no capture"

    # Biometrics saw nothing of it: no enrolment through its API, no row of it in its database.
    enrolment = requests.get(f"{journey.at.biometrics}/v1/enrolments/{application_id}",
                             headers=journey.token("biometric_operator"))
    assert enrolment.status_code == 404
    biometrics = sqlalchemy.create_engine(suite.database.database_url("ektp_biometrics"))
    with biometrics.connect() as connection:
        rows = {table: connection.execute(sqlalchemy.text(f"SELECT count(*) FROM {table} WHERE application_id = :id"),
                                          {"id": application_id}).scalar()
                for table in ("enrolments", "captures", "photos", "audit_log")}
    biometrics.dispose()
    assert rows == {"enrolments": 0, "captures": 0, "photos": 0, "audit_log": 0}

    # Verification's case is done at the approval: no appointment was booked.
    case = journey.case_of(application_id)
    assert case["state"] == "VERIFIED" and "registry.parent_not_in_kk" not in case["flags"]
    full = requests.get(f"{journey.at.verification}/v1/cases/{case['id']}", headers=journey.token("verifier")).json()
    assert full["appointment"] is None and full["parent"] == child.parent

    # The card: the KIA front at ID-1 (85.60 x 53.98 mm at 300 dpi), collected by the parent who applied.
    operator = journey.token("print_operator")
    card = requests.get(f"{journey.at.printing}/v1/cards/{application_id}", headers=operator).json()
    assert card["document_type"] == "kia" and card["state"] == "COLLECTED" and card["collected_by"] == "applicant"
    front = requests.get(f"{journey.at.printing}/v1/cards/{application_id}/front.png", headers=operator)
    assert front.status_code == 200
    assert Image.open(io.BytesIO(front.content)).size == (1011, 638)

    # Tracking without signing in works with the parent's NIK and with the child's.
    for nik in (child.signer_nik, child.nik):
        tracked = requests.post(f"{journey.at.intake}/v1/applications/track",
                                json={"receipt_number": receipt, "nik": nik})
        assert tracked.status_code == 200 and tracked.json()["status"] == "COLLECTED"

    # Every milestone reached the parent, addressed to the parent, about the child's KIA.
    def parents(messages: list) -> list | None:
        return messages if len(messages) >= len(NOTIFIED) else None

    emails = wait_for(lambda: parents([m for m in suite.smtp.messages if PARENT_EMAIL in m.rcpt_tos
                                       and "Kode verifikasi" not in str(m.message["Subject"])]),
                      "the parent's three emails")
    assert [any(words in str(m.message["Subject"]) for m in emails) for words in NOTIFIED] == [True, True, True]
    for message in emails:
        body = message.message.get_content()
        assert body.startswith("Yth. Bapak/Ibu Orang Tua Pemohon KIA,") and receipt in body
        assert "e-KTP" not in str(message.message["Subject"])
    texts = wait_for(lambda: parents([s for s in suite.sms.messages if s.number.lstrip("+") == PARENT_PHONE
                                      and "Kode verifikasi" not in s.message]), "the parent's three SMS")
    assert all("KIA" in s.message and receipt in s.message for s in texts)
