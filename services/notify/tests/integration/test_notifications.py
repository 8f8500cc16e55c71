"""The notify service end to end inside one process: events in through the real dispatcher (inbox),
messages out through a real SMTP server (STARTTLS), the SMPP simulator with delivery receipts and the
recording HTTP gateway; the delivery log as officers read it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid

import pytest
from ektp_peers.sms_gateway import SmsGatewayFake
from ektp_peers.smsc import SmscSimulator
from ektp_peers.smtp import SmtpSink
from prometheus_client import REGISTRY

from ektp_shared.contracts import CATALOG, CloudEvent
from ektp_shared.contracts.envelope import TYPE_PREFIX
from ektp_shared.db import utcnow
from ektp_shared.testing.harness import ServiceHarness
from notify import deliveries, tasks, templates
from notify.handlers import handlers
from notify.providers import ACCEPTED, Attempt
from notify.providers import Delivery as Outcome
from notify.service import SERVICE

OFFICE = {"code": "DISDUKCAPIL-3273", "name": "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA BANDUNG",
          "address": "Jl. Ambon No. 1B, Bandung", "timezone": "Asia/Jakarta"}
EMAIL, PHONE, MSISDN = "siti@example.org", "0812-3456-7890", "6281234567890"


def submitted(application_id: str, receipt: str, email: str | None = EMAIL, phone: str | None = PHONE) -> dict:
    return {"application_id": application_id, "receipt_number": receipt, "kind": "new",
            "submitted_at": "2026-11-20T02:00:00+00:00", "language": "id", "documents": [],
            "contact": {"email": email, "phone": phone},
            "applicant": {"nik": "3273015507900003", "kk_number": "3273010101200001", "full_name": "Siti Aminah",
                          "birth_place": "Bandung", "birth_date": "1990-07-15", "gender": "PEREMPUAN",
                          "address": {"street": "Jl. Merdeka 17", "rt": "003", "rw": "012",
                                      "village_code": "32.73.01.1001"}}}


# The data of every milestone notify tells the citizen about whose contract exists, as its producer sends it.
MILESTONES = {
    "application.correction_requested.v1": {"reason_code": "photo", "message": "Latar foto harus merah",
                                            "corrections": [{"field": "photo", "message": "biru"}]},
    "application.rejected.v1": {"reason_code": "duplicate", "message": "NIK sudah terdaftar"},
    "appointment.scheduled.v1": {"appointment_id": str(uuid.uuid4()), "starts_at": "2026-11-25T01:00:00+00:00",
                                 "office": OFFICE},
    "card.temporary_letter_issued.v1": {"letter_number": "470/00001/DISDUKCAPIL-3273/XI/2026",
                                        "issued_at": "2026-11-26T01:00:00+00:00", "valid_until": "2027-05-26",
                                        "office": OFFICE},
    "card.ready_for_pickup.v1": {"pickup_from": "2026-11-30", "office": OFFICE},
    "card.pickup_reminder.v1": {"reminder_number": 1, "pickup_from": "2026-11-30", "office": OFFICE},
    "card.refused_at_pickup.v1": {"fields": ["nama"], "refused_at": "2026-12-01T03:00:00+00:00",
                                  "card_serial": "3273-2026-000001"},
    "card.collected.v1": {"collected_at": "2026-12-02T03:00:00+00:00", "collected_by": "applicant"},
    "interview.scheduled.v1": {"interview_id": str(uuid.uuid4()), "starts_at": "2026-11-24T03:00:00+00:00",
                               "channel": "video", "join_url": "https://meet.dukcapil.example/abc"},
    "interview.reminder.v1": {"interview_id": str(uuid.uuid4()), "starts_at": "2026-11-24T03:00:00+00:00",
                              "channel": "phone", "join_url": None},
    "interview.missed.v1": {"interview_id": str(uuid.uuid4()), "starts_at": "2026-11-24T03:00:00+00:00",
                            "channel": "phone", "missed": 1, "next": "new_interview"},
    "application.expired.v1": {"expired_at": "2026-12-20T03:00:00+00:00", "reason": "no_show"},
    "payment.reminder.v1": {"rupiah": 50000, "pay_by": "2026-12-17T07:00:00+00:00"},
    "application.expired_unpaid.v1": {"rupiah": 50000, "pay_by": "2026-12-17T07:00:00+00:00",
                                      "expired_at": "2026-12-17T08:00:00+00:00"},
}


class Notify(ServiceHarness):
    offices = (OFFICE["code"],)  # the applications of these tests are Bandung's (KTP-3273-...)

    def deliver_event(self, event: CloudEvent) -> str:
        return self.dispatch(event.to_dict(), {}).outcome.value

    def event(self, key: str, application_id: str, data: dict) -> CloudEvent:  # type: ignore[override]
        contract = next(c for c in CATALOG.values() if c.key == key)
        return CloudEvent.new(source="/test", type=contract.type, correlationid=application_id,
                              data={"application_id": application_id, **data})

    def apply(self, email: str | None = EMAIL, phone: str | None = PHONE) -> tuple[str, str]:
        application_id = str(uuid.uuid4())
        receipt = f"KTP-3273-261120-{application_id[:6].upper()}-7"
        assert self.deliver_event(self.event("application.submitted.v1", application_id,
                                       submitted(application_id, receipt, email, phone))) == "handled"
        return application_id, receipt

    def send(self, rounds: int = 1) -> None:
        for _ in range(rounds):
            tasks.send_due(self.runtime)

    def log(self, application_id: str) -> list[dict]:
        response = self.client.get(f"/v1/applications/{application_id}/notifications",
                                   headers=self.token("officer-1", "verifier"))
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture
def smtp():
    with SmtpSink(tls="starttls") as sink:
        yield sink


@pytest.fixture
def smsc():
    with SmscSimulator() as simulator:
        yield simulator


@pytest.fixture
def gateway():
    with SmsGatewayFake() as fake:
        yield fake


@pytest.fixture
def notify_factory(runtime_factory, smtp, smsc, gateway):
    made = []

    def make(real: bool = False, **overrides) -> Notify:
        settings = {"email_providers": "smtp", "smtp_host": smtp.host, "smtp_port": smtp.port,
                    "smtp_security": "starttls", "smtp_ca_file": smtp.ca_file, "sms_providers": "smpp,gateway",
                    "smpp_host": smsc.host, "smpp_port": smsc.port, "smpp_system_id": "notify", "smpp_password": "pw",
                    "sms_gateway_url": gateway.url, "sms_gateway_userkey": gateway.userkey,
                    "sms_gateway_passkey": gateway.passkey, "send_retry_delays": "0,0", **overrides}
        created = Notify(runtime_factory(SERVICE, real=real, **settings))
        made.append(created)
        return created

    yield make
    for created in made:
        created.runtime.context.channels.close()


@pytest.fixture
def notify(notify_factory) -> Notify:
    return notify_factory()


def test_notify_listens_to_every_milestone_that_has_templates_and_a_contract():
    expected = {c.type for c in CATALOG.values() if c.key in (*templates.EVENT_TYPES, templates.CODE_EVENT)}
    assert set(handlers.types) == expected
    assert {c.key for c in CATALOG.values() if c.type in expected} == {
        *MILESTONES, "application.submitted.v1", "application.resubmitted.v1", "payment.due.v1", templates.CODE_EVENT}, \
        "the tests below cover each"


def test_a_one_time_code_goes_to_the_address_it_was_asked_for_once_and_to_no_one_else(notify, smtp, smsc):
    request_id = str(uuid.uuid4())
    for channel, address in (("sms", "+6281311112222"), ("email", "baru@example.org")):
        event = notify.event(templates.CODE_EVENT, request_id, {
            "request_id": request_id, "channel": channel, "address": address, "code": "604182",
            "expires_at": "2026-12-02T08:05:00+00:00", "language": "id"})
        event = dataclasses.replace(event, data={k: v for k, v in event.data.items() if k != "application_id"})
        assert notify.deliver_event(event) == "handled"
        assert notify.deliver_event(event) == "duplicate"
    notify.send(2)
    [text] = smsc.wait_for_messages(1)
    assert text.destination == "6281311112222" and "604182" in text.text and "Jangan berikan" in text.text
    [mail] = smtp.wait_for(1)
    assert list(mail.rcpt_tos) == ["baru@example.org"] and "604182" in mail.message["Subject"]
    assert len(smsc.messages()) == 1 and len(smtp.messages) == 1, "once, and to that address only"


def test_every_milestone_reaches_the_citizen_once_per_channel_even_when_delivered_twice(notify_factory, smtp, smsc):
    notify = notify_factory(rate_limit_per_recipient=50)  # every milestone within seconds
    application_id, receipt = notify.apply()
    events = [notify.event(key, application_id, data) for key, data in MILESTONES.items()]
    events.append(notify.event("application.resubmitted.v1", application_id,
                               {**submitted(application_id, receipt), "round": 1}))
    for event in events:
        assert notify.deliver_event(event) == "handled"
        assert notify.deliver_event(event) == "duplicate", "the redelivery is acknowledged without effect"
    notify.send(3)

    expected = len(MILESTONES) + 2  # and the receipts of the submission and the resubmission
    mails = smtp.wait_for(expected)
    assert len(smtp.messages) == expected and all(mail.secure for mail in mails), "every email over STARTTLS"
    assert all(receipt in mail.message.get_content() for mail in mails)
    texts = smsc.wait_for_messages(expected)
    assert len(smsc.messages()) == expected and {sms.destination for sms in texts} == {MSISDN}
    assert all(receipt in sms.text for sms in texts)

    for _ in range(20):
        tasks.collect_receipts(notify.runtime)
        log = notify.log(application_id)
        if all(d["status"] != "SENT" for d in log if d["channel"] == "sms"):
            break
    assert len(log) == 2 * expected
    assert {(d["channel"], d["status"], d["provider"]) for d in log} == {("email", "SENT", "smtp"),
                                                                           ("sms", "DELIVERED", "smpp")}
    notify.send(2)
    assert len(smtp.messages) == expected and len(smsc.messages()) == expected, "nothing goes twice"


@pytest.mark.parametrize(("document_type", "card"), [("ektp", "e-KTP"), ("kia", "KIA")])
def test_a_fee_reaches_a_citizen_before_the_submission_does_with_the_amount_the_date_and_the_status_page(
        notify_factory, smtp, smsc, document_type, card):
    notify = notify_factory(rate_limit_per_recipient=50, portal_url="https://ektp.dukcapil.example/")
    application_id = str(uuid.uuid4())
    receipt = f"KTP-3273-261203-{application_id[:6].upper()}-7"
    pay_by = "2026-12-17T07:00:00+00:00"  # 14.00 WIB
    due = {"receipt_number": receipt, "document_type": document_type, "rupiah": 50000,
           "basis": "Perda Kota Bandung 2/2025", "pay_by": pay_by, "language": "id",
           "contact": {"email": EMAIL, "phone": PHONE}}
    assert notify.deliver_event(notify.event("payment.due.v1", application_id, due)) == "handled", \
        "the fee's event carries the contact: notify needs no submission first"
    notify.send()
    [text], [mail] = smsc.wait_for_messages(1), smtp.wait_for(1)
    status_page = f"https://ektp.dukcapil.example/permohonan/{application_id}"
    for message in (text.text, mail.message.get_content()):
        assert all(words in message for words in (receipt, card, "Rp50.000", "Kamis, 17 Desember 2026", "14.00 WIB",
                                                   status_page)), message
    assert "Perda Kota Bandung 2/2025" in mail.message.get_content()

    for key in ("payment.reminder.v1", "application.expired_unpaid.v1"):  # ids and amounts only
        assert notify.deliver_event(notify.event(key, application_id, MILESTONES[key])) == "handled"
    notify.send(2)
    texts, mails = smsc.wait_for_messages(3), smtp.wait_for(3)
    assert [m.message["Subject"].split(":")[0].strip() for m in mails] == [
        "Menunggu pembayaran", "Pengingat", f"Permohonan {card} kedaluwarsa"]
    assert "belum dibayar" in texts[1].text and "kedaluwarsa" in texts[2].text
    assert all(status_page in message for message in [t.text for t in texts] + [m.message.get_content() for m in mails])
    everything = " ".join([t.text for t in texts] + [str(m.message) for m in mails])
    assert not re.search(r"\d{16}", everything), "no NIK (nor any 16-digit number) in a message"
    assert {(d["event"], d["status"]) for d in notify.log(application_id)} >= {
        ("payment.due.v1", "SENT"), ("payment.reminder.v1", "SENT"), ("application.expired_unpaid.v1", "SENT")}


def test_sms_falls_over_to_the_gateway_when_the_smsc_refuses(notify, smsc, gateway):
    def counted(provider: str, outcome: str) -> float:
        labels = {"channel": "sms", "provider": provider, "outcome": outcome}
        return REGISTRY.get_sample_value("ektp_notifications_total", labels) or 0.0

    before = counted("smpp", "failed"), counted("gateway", "accepted")
    smsc.refuse_submits()
    application_id, receipt = notify.apply(email=None)
    notify.send()

    [sms] = gateway.wait_for(1)
    assert sms.number == MSISDN and receipt in sms.message
    assert smsc.messages() == []
    [entry] = notify.log(application_id)
    assert (entry["status"], entry["provider"], entry["attempts"]) == ("SENT", "gateway", 1)
    assert (counted("smpp", "failed") - before[0], counted("gateway", "accepted") - before[1]) == (1, 1)


def test_an_undeliverable_sms_is_failed_with_the_smscs_reason(notify, smsc):
    smsc.undeliverable()
    application_id, _ = notify.apply(email=None)
    notify.send()
    for _ in range(20):
        tasks.collect_receipts(notify.runtime)
        [entry] = notify.log(application_id)
        if entry["status"] != "SENT":
            break
    assert entry["status"] == "FAILED" and "UNDELIV" in entry["last_error"]


def test_a_long_sms_is_delivered_when_every_part_is(notify_factory, smsc):
    notify = notify_factory()
    application_id, _ = notify.apply(email=None)
    event = notify.event("application.correction_requested.v1", application_id, {
        "reason_code": "documents", "message": "Dokumen tidak terbaca. " * 6, "corrections": []})
    notify.deliver_event(event)
    notify.send()
    for _ in range(30):
        tasks.collect_receipts(notify.runtime)
        entries = {d["event"]: d for d in notify.log(application_id)}
        if entries["application.correction_requested.v1"]["status"] != "SENT":
            break
    entry = entries["application.correction_requested.v1"]
    assert entry["parts"] >= 2 and entry["status"] == "DELIVERED"


def test_when_no_provider_takes_a_message_it_is_retried_later_then_failed(notify_factory, smtp):
    notify = notify_factory(send_retry_delays="60,600", sms_providers="gateway")
    smtp.refuse("451 4.3.0 Try again later")
    application_id, _ = notify.apply(phone=None)
    started = utcnow()
    notify.send()
    [entry] = notify.log(application_id)
    assert entry["status"] == "PENDING" and "451" in entry["last_error"]
    assert 59 <= (dt.datetime.fromisoformat(entry["next_attempt_at"]) - started).total_seconds() <= 61

    def due_now() -> None:
        with notify.runtime.uow() as uow:
            for delivery in uow.session.query(deliveries.Delivery).filter_by(application_id=application_id):
                delivery.next_attempt_at = utcnow()
            uow.commit()

    notify.send()
    assert notify.log(application_id)[0]["attempts"] == 1, "not before its time"
    due_now()
    notify.send()
    [entry] = notify.log(application_id)
    assert (entry["attempts"], entry["status"]) == (2, "PENDING")
    due_now()
    notify.send()
    [entry] = notify.log(application_id)
    assert (entry["attempts"], entry["status"]) == (3, "FAILED") and smtp.messages == []


def test_a_message_comes_through_once_the_server_recovers(notify_factory, smtp):
    notify = notify_factory(send_retry_delays="0,0", sms_providers="gateway")
    smtp.refuse("421 4.3.2 Service not available", times=1)
    application_id, receipt = notify.apply(phone=None)
    notify.send(2)
    [entry] = notify.log(application_id)
    assert (entry["status"], entry["attempts"]) == ("SENT", 2)
    assert len(smtp.wait_for(1)) == 1


def test_a_recipient_gets_at_most_the_rate_limit_and_the_rest_waits(notify_factory, smtp):
    notify = notify_factory(rate_limit_per_recipient=2, rate_limit_window_seconds=3600, sms_providers="gateway")
    application_id, _ = notify.apply(phone=None)
    for key in ("card.temporary_letter_issued.v1", "card.ready_for_pickup.v1"):
        notify.deliver_event(notify.event(key, application_id, MILESTONES[key]))
    notify.send(2)

    log = notify.log(application_id)
    assert [d["status"] for d in log] == ["SENT", "SENT", "PENDING"]
    assert log[2]["last_error"] == "rate limited: too many messages to this recipient"
    first_sent = dt.datetime.fromisoformat(log[0]["sent_at"])
    waits_until = dt.datetime.fromisoformat(log[2]["next_attempt_at"])
    assert abs((waits_until - (first_sent + dt.timedelta(hours=1))).total_seconds()) < 2, "until the first leaves the hour"
    assert len(smtp.messages) == 2

    other, _ = notify.apply(email="dewi@example.org", phone=None)  # another recipient is not held up
    notify.send()
    assert notify.log(other)[0]["status"] == "SENT"


def test_a_message_held_by_a_sender_that_died_goes_out_once_its_claim_lapses(notify_factory, smtp):
    notify = notify_factory(sms_providers="gateway", send_claim_seconds=300)
    application_id, _ = notify.apply(phone=None)
    with notify.runtime.uow() as uow:  # a sender claims the message and dies before sending it
        deliveries.claim(uow, utcnow(), 10, dt.timedelta(seconds=300), deliveries.RateLimit(10, dt.timedelta(hours=1)))
        uow.commit()
    notify.send()
    assert smtp.messages == [] and notify.log(application_id)[0]["status"] == "SENDING", "held while the claim runs"

    with notify.runtime.uow() as uow:
        uow.session.query(deliveries.Delivery).filter_by(application_id=application_id).one().claimed_until = utcnow()
        uow.commit()
    notify.send(2)
    assert len(smtp.wait_for(1)) == 1 and notify.log(application_id)[0]["status"] == "SENT"


def test_a_receipt_that_arrives_before_the_message_is_recorded_as_sent_still_counts(notify_factory):
    notify = notify_factory(sms_providers="gateway")
    application_id, _ = notify.apply(email=None)
    with notify.runtime.uow() as uow:
        [delivery_id] = deliveries.claim(uow, utcnow(), 10, dt.timedelta(seconds=60),
                                         deliveries.RateLimit(10, dt.timedelta(hours=1)))
        uow.commit()
    with notify.runtime.uow() as uow:
        assert deliveries.record_receipt(uow, "smpp", "msg-77", True, "", utcnow()) is False
        uow.commit()
    with notify.runtime.uow() as uow:
        deliveries.record_outcome(uow, delivery_id, Outcome((Attempt("smpp", ACCEPTED, message_ids=("msg-77",), parts=1),)),
                                  (10,), utcnow())
        uow.commit()
    assert notify.log(application_id)[0]["status"] == "DELIVERED"


def test_a_resubmission_updates_the_contact_and_a_repeated_submission_does_not(notify):
    application_id, receipt = notify.apply()
    again = submitted(application_id, receipt, email="other@example.org", phone="081298765432")
    resubmitted = CloudEvent.new(source="/test", type=f"{TYPE_PREFIX}.application.resubmitted.v1",
                                 correlationid=application_id, data={**again, "round": 2})
    with notify.runtime.uow() as uow:
        repeated = notify.event("application.submitted.v1", application_id, again)
        assert deliveries.remember_contact(uow, repeated, utcnow()).email == EMAIL, "the first submission's contact"
        contact = deliveries.remember_contact(uow, resubmitted, utcnow())
        assert (contact.email, contact.phone) == ("other@example.org", "+6281298765432")
        uow.commit()


def test_a_milestone_for_an_unknown_application_is_retried_not_dropped(notify):
    event = notify.event("card.ready_for_pickup.v1", str(uuid.uuid4()), MILESTONES["card.ready_for_pickup.v1"])
    assert notify.deliver_event(event) == "failed"


def test_the_delivery_log_is_for_officers_only(notify):
    application_id, _ = notify.apply()
    url = f"/v1/applications/{application_id}/notifications"
    assert notify.client.get(url).status_code == 401
    assert notify.client.get(url, headers=notify.token("x", "biometric_operator")).status_code == 403
    response = notify.client.get("/v1/applications/not-an-id/notifications", headers=notify.token("x", "supervisor"))
    assert response.status_code == 404 and response.json["errors"][0]["field"] == "application_id"


@pytest.mark.parametrize("role", ["verifier", "supervisor", "print_operator"])
def test_the_delivery_log_is_refused_to_another_office_and_follows_the_office_the_events_name(notify, role):
    application_id, _ = notify.apply()
    url = f"/v1/applications/{application_id}/notifications"
    own = notify.client.get(url, headers=notify.token("ana", role, offices=("DISDUKCAPIL-3273",)))
    assert own.status_code == 200 and {d["event"] for d in own.json} == {"application.submitted.v1"}
    other = notify.client.get(url, headers=notify.token("eka", role, offices=("UPT-3273-01",)))
    assert other.status_code == 403 and other.json["code"] == "other_office"
    upt = {**OFFICE, "code": "UPT-3273-01"}  # approved for capture at a UPT: the log is the UPT's from then on
    booked = notify.event("appointment.scheduled.v1", application_id,
                          {**MILESTONES["appointment.scheduled.v1"], "office": upt})
    assert notify.deliver_event(booked) == "handled"
    assert notify.client.get(url, headers=notify.token("eka", role, offices=("UPT-3273-01",))).status_code == 200
    assert notify.client.get(url, headers=notify.token("ana", role, offices=("DISDUKCAPIL-3273",))).status_code == 403
    national = notify.client.get(url, headers=notify.token("root", "admin", offices=()))
    assert national.status_code == 200 and len(national.json) == 4, "two milestones, each by email and SMS"


@pytest.mark.slow
def test_claims_receipts_and_the_rate_limit_on_postgresql(notify_factory, smtp, smsc):
    notify = notify_factory(real=True, rate_limit_per_recipient=3)
    application_id, _ = notify.apply()
    for key in ("card.ready_for_pickup.v1", "card.collected.v1", "card.pickup_reminder.v1"):
        notify.deliver_event(notify.event(key, application_id, MILESTONES[key]))
    notify.send(2)
    for _ in range(20):
        tasks.collect_receipts(notify.runtime)
        log = notify.log(application_id)
        if sum(d["status"] == "DELIVERED" for d in log) == 3:
            break
    assert sorted((d["channel"], d["status"]) for d in log) == sorted(
        [("email", "SENT")] * 3 + [("email", "PENDING")] + [("sms", "DELIVERED")] * 3 + [("sms", "PENDING")])
    assert len(smtp.messages) == 3 and len(smsc.messages()) == 3
