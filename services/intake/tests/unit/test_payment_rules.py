"""The payment rules with plain values: Midtrans's notification signature, what a transaction status means, the
amounts as Midtrans writes them, which regency's fee applies, and which late payments the gateway can refund."""
import hashlib

import pytest

from ektp_shared.refusal import Refused
from intake.payment.rules import (
    Outcome,
    check_fee,
    outcome,
    refund_key,
    refundable,
    regency_of,
    same_amount,
    signature_matches,
)

KEY = "SB-Mid-server-abc"


def signed(order_id="0b8e6a1e", status_code="200", gross_amount="50000.00", key=KEY) -> dict[str, str]:
    digest = hashlib.sha512(f"{order_id}{status_code}{gross_amount}{key}".encode()).hexdigest()
    return {"order_id": order_id, "status_code": status_code, "gross_amount": gross_amount, "signature_key": digest}


def test_a_notification_is_the_gateway_s_only_with_the_signature_of_its_order_status_amount_and_server_key():
    assert signature_matches(signed(), KEY)
    assert signature_matches({**signed(), "signature_key": signed()["signature_key"].upper()}, KEY)
    assert not signature_matches(signed(key="another"), KEY)
    for changed in ({"order_id": "other"}, {"status_code": "201"}, {"gross_amount": "5000.00"}):
        assert not signature_matches({**signed(), **changed}, KEY), changed


@pytest.mark.parametrize("status, fraud, expected", [
    ("settlement", None, Outcome.PAID), ("capture", "accept", Outcome.PAID), ("capture", "challenge", Outcome.OPEN),
    ("pending", None, Outcome.OPEN), ("expire", None, Outcome.FAILED), ("cancel", None, Outcome.FAILED),
    ("deny", "deny", Outcome.FAILED), ("refund", None, Outcome.OPEN),
])
def test_what_a_transaction_status_means_for_the_application(status, fraud, expected):
    assert outcome(status, fraud) is expected


def test_amounts_as_midtrans_writes_them():
    assert same_amount("50000.00", 50000) and not same_amount("50000.01", 50000) and not same_amount("lima", 50000)


def test_the_office_s_regency_decides_the_fee_outside_the_domicile():
    assert regency_of("32.01.01.1002", None) == "32.01"
    assert regency_of("32.01.01.1002", "32.73") == "32.73"


@pytest.mark.parametrize("regency, kind, rupiah, basis, field", [
    ("32.99", "replacement_lost", 1000, "Perda", "regency_code"),
    ("32", "replacement_lost", 1000, "Perda", "regency_code"),
    ("32.01", "visa", 1000, "Perda", "kind"),
    ("32.01", "replacement_lost", -1, "Perda", "rupiah"),
    ("32.01", "replacement_lost", 1000, "  ", "basis"),
])
def test_what_an_admin_may_not_set_names_its_field(regency, kind, rupiah, basis, field):
    with pytest.raises(Refused) as refused:
        check_fee(regency, kind, rupiah, basis)
    assert refused.value.field == field


def test_a_free_kind_needs_no_basis():
    check_fee("32.01", "replacement_lost", 0, None)


@pytest.mark.parametrize("payment_type, by_api", [
    ("qris", True), ("gopay", True), ("shopeepay", True), ("credit_card", True),
    ("bank_transfer", False), ("echannel", False), ("cstore", False), (None, False),
])
def test_only_the_payment_types_midtrans_refunds_by_api_are_asked_the_others_are_refunded_by_hand(payment_type, by_api):
    assert refundable(payment_type) is by_api


def test_a_refund_is_asked_with_the_same_key_every_time_so_the_gateway_refunds_once():
    order_id = "0b8e6a1e-5f3c-4d2a-9c1b-7a6e5d4c3b2a"
    assert refund_key(order_id) == refund_key(order_id) != refund_key("another-order")
    assert set(refund_key(order_id)) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_"), "Midtrans's allowed characters"
