"""The rules of fees and payments, with plain values (no I/O): which regency's table applies, what an admin may
set, a Midtrans notification's signature, and what a transaction status means for the application.

Midtrans signs each HTTP notification with ``signature_key = SHA512(order_id + status_code + gross_amount +
server key)`` (hex). Its ``transaction_status``: ``settlement``, and ``capture`` that the fraud check accepted,
are paid; ``deny``, ``cancel``, ``expire`` and ``failure`` end the attempt; anything else (``pending``, a
``capture`` under ``challenge``) is still open.
"""
from __future__ import annotations

import enum
import hashlib
import hmac

from ektp_shared.reference.application_kinds import application_kinds
from ektp_shared.reference.regions import Level, region
from ektp_shared.refusal import Refused

# The highest fee an admin may set: far above any regional replacement fee, so a typo of extra zeros is caught.
MAX_FEE_RUPIAH = 1_000_000
FREE_BASIS = "UU 24/2013 Pasal 79A"


class PaymentState(str, enum.Enum):
    PENDING = "PENDING"  # a payment is due; the citizen has not paid (yet)
    PAID = "PAID"
    FAILED = "FAILED"  # the gateway ended the attempt (expired, cancelled, denied); another may be opened


class Outcome(str, enum.Enum):
    PAID = "paid"
    FAILED = "failed"
    OPEN = "open"


class RefundState(str, enum.Enum):
    """A payment confirmed after its application ended: the fee is given back through the gateway."""

    DUE = "DUE"  # to be refunded; tried again while the gateway does not answer
    REFUNDED = "REFUNDED"  # the gateway approved the refund
    MANUAL = "MANUAL"  # the gateway cannot refund it (payment type, refund window): the office refunds by hand


# Midtrans refunds through its API only these payment types; a bank transfer (virtual account) or a payment at a
# shop (cstore) has no refund API and is refunded by hand.
REFUNDABLE_TYPES = frozenset({"credit_card", "gopay", "shopeepay", "dana", "ovo", "qris", "kredivo", "akulaku"})
REFUND_REASON = "Biaya permohonan dibayar setelah permohonan kedaluwarsa"


def refundable(payment_type: str | None) -> bool:
    return payment_type in REFUNDABLE_TYPES


def refund_key(order_id: str) -> str:
    """Stable per payment: the gateway refunds a repeated request with the same key only once."""
    return f"refund-{order_id}"


PAID_STATUSES = frozenset({"settlement"})
FAILED_STATUSES = frozenset({"deny", "cancel", "expire", "failure"})


def regency_of(village_code: str, office_regency: str | None) -> str:
    """The regency whose table applies: the office's that serves the application (the chosen one outside the
    domicile), else that of the applicant's address."""
    return office_regency or village_code[:5]


def check_fee(regency_code: str, kind: str, rupiah: int, basis: str | None) -> None:
    """What an admin may set: a known regency, a known kind, 0 … MAX_FEE_RUPIAH, and for a fee the regional
    regulation it rests on (the national law makes issuance free, so a fee must name its own ground)."""
    known = region(regency_code)
    if known is None or known.level != Level.REGENCY or not known.current:
        raise Refused("fee.regency_unknown", f"{regency_code!r} is not a regency code (e.g. 32.01)",
                      field="regency_code", location="path")
    kinds = sorted(k.code for k in application_kinds())
    if kind not in kinds:
        raise Refused("fee.kind_unknown", f"{kind!r} is not an application kind; one of {', '.join(kinds)}",
                      field="kind", location="path")
    if not 0 <= rupiah <= MAX_FEE_RUPIAH:
        raise Refused("fee.out_of_range", f"rupiah must be between 0 and {MAX_FEE_RUPIAH}", field="rupiah")
    if rupiah and not (basis or "").strip():
        raise Refused("fee.basis_missing", "a fee needs the regional regulation it rests on (e.g. Perda No. 3/2025)",
                      field="basis")


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def signature_matches(notification: dict[str, str], server_key: str) -> bool:
    expected = signature(notification["order_id"], notification["status_code"], notification["gross_amount"],
                         server_key)
    return hmac.compare_digest(expected, notification["signature_key"].lower())


def outcome(transaction_status: str, fraud_status: str | None = None) -> Outcome:
    if transaction_status in PAID_STATUSES or (transaction_status == "capture" and fraud_status in (None, "accept")):
        return Outcome.PAID
    if transaction_status in FAILED_STATUSES:
        return Outcome.FAILED
    return Outcome.OPEN


def same_amount(gross_amount: str, rupiah: int) -> bool:
    """Midtrans writes amounts as decimal strings ("50000.00")."""
    try:
        return float(gross_amount) == rupiah
    except ValueError:
        return False
