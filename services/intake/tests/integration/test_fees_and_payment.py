"""Regional fees: an admin's fee table (audited, every bad input named), a replacement that waits for its payment
through the Midtrans fake before verification hears of it, forged and repeated notifications, the citizen told of
the fee, reminded and told of the expiry, a late payment refunded, and the free journey unchanged."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from ektp_peers.midtrans import MidtransFake, RefundRequest, signature
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY
from pypdf import PdfReader

from ektp_shared.auth import issue_development_token
from ektp_shared.db import utcnow
from ektp_shared.settings import SettingsError
from ektp_shared.testing.fuzz import answered_properly, mutated
from ektp_shared.testing.ports import free_port
from intake.payment import payments
from intake.payment.models import Payment
from intake.payment.rules import REFUND_REASON

BOGOR = "32.01"  # the regency of the test citizens' address
WEBHOOK = "/v1/payments/midtrans/notification"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def gateway():
    with MidtransFake(server_key="SB-Mid-server-intake-test") as fake:
        yield fake


@pytest.fixture
def paying(make_intake, gateway):
    return make_intake(payment_snap_url=gateway.url, payment_api_url=gateway.url,
                       payment_server_key=gateway.server_key,
                       payment_notification_url="http://127.0.0.1:9/v1/payments/midtrans/notification")


@pytest.fixture
def paying_on_postgresql(make_intake, gateway):
    return make_intake(real=True, payment_snap_url=gateway.url, payment_api_url=gateway.url,
                       payment_server_key=gateway.server_key,
                       payment_notification_url="http://127.0.0.1:9/v1/payments/midtrans/notification")


def refunds_counted() -> dict[str, float]:
    return {result: REGISTRY.get_sample_value("ektp_payment_refunds_total", {"result": result}) or 0.0
            for result in ("refunded", "gateway_error", "refused", "not_refundable")}


def paid_after_it_expired(intake, gateway, citizen, photos, seed: int, payment_type: str) -> tuple[str, str]:
    """An application with a fee that expired unpaid, then paid at the gateway (nobody told yet): its id and order."""
    set_fee(intake, BOGOR, "replacement_lost", {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"})
    application_id = replacement(intake, citizen, photos, seed)
    intake.submit(application_id)
    with intake.runtime.uow() as uow:
        payments.expire_unpaid(uow, utcnow() + dt.timedelta(days=15), 14)
        uow.commit()
    [order_id] = gateway.orders
    gateway.settle(order_id, payment_type=payment_type)
    return application_id, order_id


def officer(intake, *roles: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + issue_development_token(intake.runtime.settings, "rina", list(roles))}


def set_fee(intake, regency: str, kind: str, body: dict, *roles: str):
    return intake.client.put(f"/v1/admin/fees/{regency}/{kind}", json=body, headers=officer(intake, *(roles or ("admin",))))


def fields(response) -> list[str]:
    return [e["field"] for e in response.get_json()["errors"]]


def replacement(intake, citizen, photos, seed: int) -> str:
    application_id = intake.create(citizen(seed, kind="replacement_lost"))["id"]
    assert intake.upload(application_id, "surat_kehilangan", photos.scan("SURAT KEHILANGAN")).status_code == 201
    return application_id


def test_an_admin_sets_a_regency_s_fee_with_its_basis_and_every_change_is_audited(paying):
    assert set_fee(paying, BOGOR, "replacement_lost", {"rupiah": 50000}, "verifier").status_code == 403
    for regency, kind, body, field in [
        ("32.99", "replacement_lost", {"rupiah": 50000, "basis": "Perda 1/2025"}, "regency_code"),
        ("32.01.01", "replacement_lost", {"rupiah": 50000, "basis": "Perda 1/2025"}, "regency_code"),
        (BOGOR, "passport", {"rupiah": 50000, "basis": "Perda 1/2025"}, "kind"),
        (BOGOR, "replacement_lost", {"rupiah": 50000}, "basis"),
        (BOGOR, "replacement_lost", {"rupiah": 7.5, "basis": "Perda 1/2025"}, "rupiah"),
        (BOGOR, "replacement_lost", {"rupiah": "50000", "basis": "Perda 1/2025"}, "rupiah"),
        (BOGOR, "replacement_lost", {"rupiah": 50_000_000, "basis": "Perda 1/2025"}, "rupiah"),
    ]:
        refused = set_fee(paying, regency, kind, body)
        assert refused.status_code == 422 and fields(refused) == [field], (regency, kind, body, refused.get_json())

    assert set_fee(paying, BOGOR, "replacement_lost", {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"}).status_code == 200
    assert set_fee(paying, BOGOR, "replacement_lost", {"rupiah": 0}).status_code == 200
    listed = paying.client.get("/v1/admin/fees", query_string={"regency_code": BOGOR}, headers=officer(paying, "admin"))
    assert [(f["kind"], f["rupiah"]) for f in listed.get_json()] == [("replacement_lost", 0)]
    changes = paying.client.get(f"/v1/admin/fees/{BOGOR}/changes", headers=officer(paying, "admin")).get_json()
    assert [(c["before"], c["after"], c["actor"]) for c in changes] == [(0, 50000, "rina"), (50000, 0, "rina")]
    assert changes[0]["basis"] == "Perda Kab. Bogor 3/2025"


def test_a_fee_cannot_be_set_without_a_payment_gateway(intake):
    refused = set_fee(intake, BOGOR, "replacement_lost", {"rupiah": 50000, "basis": "Perda 1/2025"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "fee.no_gateway"
    assert set_fee(intake, BOGOR, "replacement_lost", {"rupiah": 0}).status_code == 200


def test_a_replacement_with_a_fee_reaches_verification_only_once_the_gateway_confirms_the_payment(
        paying, gateway, citizen, photos):
    set_fee(paying, BOGOR, "replacement_lost", {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"})
    application_id = replacement(paying, citizen, photos, 31)
    review = paying.client.get(f"/v1/applications/{application_id}/review").get_json()
    assert review["fee"] == {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"}, "said before submitting"
    submitted = paying.submit(application_id)
    assert submitted.status_code == 200
    waiting = submitted.get_json()
    assert waiting["status"] == "AWAITING_PAYMENT" and waiting["receipt_number"]
    assert waiting["fee"] == {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"}
    assert waiting["payment"]["state"] == "PENDING"
    assert waiting["payment"]["pay_url"].startswith(f"{gateway.url}/snap/v2/vtweb/")
    assert paying.emitted("application.submitted.v1", application_id) == [], "verification must not hear of it yet"
    receipt = PdfReader(io.BytesIO(paying.client.get(f"/v1/applications/{application_id}/receipt.pdf").data))
    assert "Rp50.000 (Perda Kab. Bogor 3/2025), belum dibayar" in receipt.pages[0].extract_text()

    [order_id] = gateway.orders
    transaction = gateway.transaction(order_id)
    assert transaction.gross_amount == 50000
    notification = gateway.notification(order_id)  # still pending at the gateway
    claimed = paying.client.post(WEBHOOK, json={**notification, "transaction_status": "settlement"})
    assert claimed.get_json()["result"] == "open", "the signature does not cover the status: the gateway is asked"
    forged = {**notification, "status_code": "200", "transaction_status": "settlement"}
    forged["signature_key"] = signature(forged["order_id"], "200", forged["gross_amount"], "another-key")
    refused = paying.client.post(WEBHOOK, json=forged)
    assert refused.status_code == 403 and refused.get_json()["code"] == "payment.signature_invalid"
    assert fields(refused) == ["signature_key"]
    assert paying.client.post(WEBHOOK, json=notification).get_json()["result"] == "open"
    assert paying.status(application_id)["status"] == "AWAITING_PAYMENT"
    assert paying.emitted("application.submitted.v1", application_id) == []

    gateway.settle(order_id)
    settled = gateway.notification(order_id)
    first = paying.client.post(WEBHOOK, json=settled)
    assert first.status_code == 200 and first.get_json()["result"] == "paid"
    again = paying.client.post(WEBHOOK, json=settled)
    assert again.status_code == 200 and again.get_json()["result"] == "duplicate"
    status = paying.status(application_id)
    assert status["status"] == "SUBMITTED"
    assert status["payment"]["state"] == "PAID" and status["payment"]["pay_url"] is None
    assert [t["stage"] for t in status["timeline"]] == ["DRAFT", "AWAITING_PAYMENT", "SUBMITTED"]
    receipt = PdfReader(io.BytesIO(paying.client.get(f"/v1/applications/{application_id}/receipt.pdf").data))
    assert "Rp50.000 (Perda Kab. Bogor 3/2025), lunas" in receipt.pages[0].extract_text()
    [event] = paying.emitted("application.submitted.v1", application_id)
    assert event["receipt_number"] == waiting["receipt_number"] and event["kind"] == "replacement_lost"


def test_an_expired_payment_gets_a_new_pay_link_and_an_unknown_order_is_named(paying, gateway, citizen, photos):
    set_fee(paying, BOGOR, "replacement_lost", {"rupiah": 25000, "basis": "Perda Kab. Bogor 3/2025"})
    application_id = replacement(paying, citizen, photos, 32)
    first_link = paying.submit(application_id).get_json()["payment"]["pay_url"]
    [order_id] = gateway.orders
    gateway.settle(order_id, "expire")
    assert paying.client.post(WEBHOOK, json=gateway.notification(order_id)).get_json()["result"] == "failed"
    renewed = paying.client.post(f"/v1/applications/{application_id}/payment").get_json()
    assert renewed["status"] == "AWAITING_PAYMENT" and renewed["payment"]["state"] == "PENDING"
    assert renewed["payment"]["pay_url"] and renewed["payment"]["pay_url"] != first_link
    unknown = {**gateway.notification(order_id), "order_id": "no-such-order"}
    unknown["signature_key"] = signature("no-such-order", unknown["status_code"], unknown["gross_amount"],
                                         gateway.server_key)
    missing = paying.client.post(WEBHOOK, json=unknown)
    assert missing.status_code == 404 and fields(missing) == ["order_id"]
    incomplete = paying.client.post(WEBHOOK, json={"order_id": order_id})
    assert incomplete.status_code == 422 and "signature_key" in fields(incomplete)


def test_without_a_fee_nothing_is_charged_and_the_journey_is_unchanged(paying, gateway, citizen, photos):
    set_fee(paying, "32.73", "replacement_lost", {"rupiah": 50000, "basis": "Perda Kota Bandung 2/2025"})
    application_id = replacement(paying, citizen, photos, 33)  # an address in Bogor: Bandung's fee is not Bogor's
    submitted = paying.submit(application_id).get_json()
    assert submitted["status"] == "SUBMITTED"
    assert submitted["fee"] == {"rupiah": 0, "basis": "UU 24/2013 Pasal 79A"} and submitted["payment"] is None
    assert len(paying.emitted("application.submitted.v1", application_id)) == 1
    assert paying.emitted("payment.due.v1", application_id) == [], "nothing to pay, nothing to tell"
    assert gateway.orders == []


def test_an_application_never_paid_expires_and_a_late_payment_moves_nothing(paying, gateway, citizen, photos):
    set_fee(paying, BOGOR, "replacement_lost", {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"})
    application_id = replacement(paying, citizen, photos, 34)
    paying.submit(application_id)
    with paying.runtime.uow() as uow:
        assert payments.expire_unpaid(uow, utcnow() + dt.timedelta(days=13), paying.settings.payment_days) == 0
        assert payments.expire_unpaid(uow, utcnow() + dt.timedelta(days=15), paying.settings.payment_days) == 1
        uow.commit()
    status = paying.status(application_id)
    assert status["status"] == "EXPIRED" and status["timeline"][-1]["detail"] == {"reason": "payment_missing"}
    again = paying.client.post("/v1/applications", json=citizen(34, kind="replacement_lost"))
    assert again.status_code == 201, "the NIK may apply again"

    [order_id] = gateway.orders
    gateway.settle(order_id)
    late = paying.client.post(WEBHOOK, json=gateway.notification(order_id))
    assert late.status_code == 200 and late.get_json()["result"] == "paid_late"
    status = paying.status(application_id)
    assert status["status"] == "EXPIRED" and status["payment"]["refund_state"] == "REFUNDED"
    assert paying.emitted("application.submitted.v1", application_id) == []
    assert [(r.order_id, r.amount) for r in gateway.refunds] == [(order_id, 50000)]


@FUZZ
@given(data=st.data())
def test_whatever_reaches_the_webhook_or_the_fee_table_is_answered_with_a_4xx_naming_the_field(paying, data):
    notification = {"order_id": "0b8e6a1e", "status_code": "200", "gross_amount": "50000.00",
                    "transaction_status": "settlement", "signature_key": signature("0b8e6a1e", "200", "50000.00", "x")}
    answered_properly(paying.client.post(WEBHOOK, json=mutated(notification, data)))
    answered_properly(paying.client.put("/v1/admin/fees/32.01/replacement_lost", headers=officer(paying, "admin"),
                                        json=mutated({"rupiah": 1000, "basis": "Perda Kab. Bogor 3/2025"}, data)))


def test_a_gateway_that_does_not_answer_leaves_the_submission_standing_without_a_pay_link(make_intake, citizen, photos):
    down = f"http://127.0.0.1:{free_port()}"
    intake = make_intake(payment_snap_url=down, payment_api_url=down, payment_server_key="SB-Mid-server-x")
    set_fee(intake, BOGOR, "replacement_lost", {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"})
    application_id = replacement(intake, citizen, photos, 35)
    submitted = intake.submit(application_id)
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "AWAITING_PAYMENT"
    payment = submitted.get_json()["payment"]
    assert payment.pop("pay_by") is not None, "the date to pay by is known without the gateway"
    assert payment == {"state": "PENDING", "rupiah": 50000, "paid_at": None, "payment_type": None, "pay_url": None,
                       "refund_state": None}
    again = intake.client.post(f"/v1/applications/{application_id}/payment")
    assert again.status_code == 200 and again.get_json()["payment"]["pay_url"] is None


def test_the_citizen_is_told_the_fee_and_its_date_reminded_once_and_told_when_it_expired_unpaid(
        paying_on_postgresql, citizen, photos):
    intake = paying_on_postgresql
    set_fee(intake, BOGOR, "replacement_lost", {"rupiah": 50000, "basis": "Perda Kab. Bogor 3/2025"})
    body = citizen(36, kind="replacement_lost")
    application_id = replacement(intake, citizen, photos, 36)
    before = utcnow()
    waiting = intake.submit(application_id).get_json()
    [due] = intake.emitted("payment.due.v1", application_id)
    pay_by = dt.datetime.fromisoformat(due["pay_by"])
    assert (due["rupiah"], due["basis"], due["receipt_number"]) == (50000, "Perda Kab. Bogor 3/2025",
                                                                   waiting["receipt_number"])
    assert due["contact"] == body["contact"] and due["document_type"] == "ektp" and due["language"] == "id"
    assert before + dt.timedelta(days=14) <= pay_by <= utcnow() + dt.timedelta(days=14), "the days to pay"
    assert body["applicant"]["nik"] not in json.dumps(due) and "applicant" not in due
    assert dt.datetime.fromisoformat(waiting["payment"]["pay_by"]) == pay_by, "the status names the same date"

    with intake.runtime.uow() as uow:
        assert payments.remind_unpaid(uow, utcnow() + dt.timedelta(days=10), 14, 3) == 0, "not yet"
        assert payments.remind_unpaid(uow, utcnow() + dt.timedelta(days=11, hours=1), 14, 3) == 1
        uow.commit()
    with intake.runtime.uow() as uow:
        assert payments.remind_unpaid(uow, utcnow() + dt.timedelta(days=12), 14, 3) == 0, "once"
        uow.commit()
    [reminder] = intake.emitted("payment.reminder.v1", application_id)
    assert reminder["rupiah"] == 50000 and dt.datetime.fromisoformat(reminder["pay_by"]) == pay_by

    with intake.runtime.uow() as uow:
        assert payments.expire_unpaid(uow, utcnow() + dt.timedelta(days=15), 14) == 1
        uow.commit()
    [expired] = intake.emitted("application.expired_unpaid.v1", application_id)
    assert expired["rupiah"] == 50000 and dt.datetime.fromisoformat(expired["pay_by"]) == pay_by
    assert intake.event_keys(application_id) == ["payment.due.v1", "payment.reminder.v1",
                                                 "application.expired_unpaid.v1"]
    status = intake.status(application_id)
    assert status["status"] == "EXPIRED" and status["payment"]["pay_by"] is None, "nothing to pay by any more"


def test_a_payment_after_the_application_expired_is_refunded_once_though_the_gateway_failed_first(
        paying_on_postgresql, gateway, citizen, photos):
    intake = paying_on_postgresql
    application_id, order_id = paid_after_it_expired(intake, gateway, citizen, photos, 37, "qris")
    gateway.fail_refunds(1)
    before = refunds_counted()

    late = intake.client.post(WEBHOOK, json=gateway.notification(order_id))
    assert late.status_code == 200 and late.get_json()["result"] == "paid_late", "the gateway's failure is not theirs"
    assert intake.status(application_id)["payment"]["refund_state"] == "DUE" and gateway.refunds == []
    payments.refund_due_task(intake.runtime)  # the worker's retry
    assert gateway.refunds == [RefundRequest(order_id, f"refund-{order_id}", 50000, REFUND_REASON)]
    status = intake.status(application_id)
    assert (status["status"], status["payment"]["state"], status["payment"]["refund_state"]) == (
        "EXPIRED", "PAID", "REFUNDED")

    # Midtrans's notification of the refund, and the next rounds of the task, refund nothing more.
    again = intake.client.post(WEBHOOK, json=gateway.notification(order_id))
    assert again.get_json()["result"] == "duplicate"
    payments.refund_due_task(intake.runtime)
    # Intake dies after the gateway refunded and before it recorded so: asked again, the same key refunds once.
    with intake.runtime.uow() as uow:
        uow.session.get(Payment, order_id).refund_state = "DUE"
        uow.commit()
    payments.refund_due_task(intake.runtime)
    assert len(gateway.refunds) == 1 and intake.status(application_id)["payment"]["refund_state"] == "REFUNDED"
    after = refunds_counted()
    assert {result: after[result] - before[result] for result in after} == {
        "refunded": 2, "gateway_error": 1, "refused": 0, "not_refundable": 0}
    assert intake.emitted("application.submitted.v1", application_id) == []


@pytest.mark.parametrize("payment_type, why", [
    ("bank_transfer", "bank_transfer has no refund API"),  # a virtual account: not asked at all
    ("qris", "412"),  # past the refund window: Midtrans refuses
])
def test_a_late_payment_the_gateway_cannot_refund_is_left_to_the_office_and_not_asked_again(
        paying, gateway, citizen, photos, payment_type, why):
    application_id, order_id = paid_after_it_expired(paying, gateway, citizen, photos, 38, payment_type)
    gateway.refuse_refunds(1)
    before = refunds_counted()
    assert paying.client.post(WEBHOOK, json=gateway.notification(order_id)).get_json()["result"] == "paid_late"
    payments.refund_due_task(paying.runtime)
    assert paying.status(application_id)["payment"]["refund_state"] == "MANUAL" and gateway.refunds == []
    with paying.runtime.uow() as uow:
        assert why in uow.session.get(Payment, order_id).refund_error
    after = refunds_counted()
    counted = "not_refundable" if payment_type == "bank_transfer" else "refused"
    assert {result: after[result] - before[result] for result in after if after[result] != before[result]} == {
        counted: 1}


@pytest.mark.parametrize("reminder_days", [-1, 14, 20])
def test_a_reminder_that_would_not_come_before_the_pay_by_date_is_refused_at_start(make_intake, reminder_days):
    with pytest.raises(SettingsError, match="PAYMENT_REMINDER_DAYS"):
        make_intake(payment_days=14, payment_reminder_days=reminder_days)
