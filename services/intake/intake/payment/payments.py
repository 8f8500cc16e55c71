"""Paying a fee: the pay link from the gateway, and the gateway's notifications that settle it.

A notification is trusted only when its signature is the gateway's and the gateway, asked again
(``GET /v2/{order_id}/status``), confirms the status and the amount. It is idempotent: a payment is settled
once, and the application goes to verification (``application.submitted``) in the same transaction.
The gateway is called outside any transaction; a failed call leaves the attempt without a pay link, asked for
again by the citizen's next request (``POST /v1/applications/{id}/payment``).
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select

from ektp_shared import transitions
from ektp_shared.db import utcnow
from ektp_shared.refusal import Refused, Why, conflict, not_found
from ektp_shared.service import Runtime
from ektp_shared.uow import UnitOfWork

from .. import applications
from ..models import Application, TimelineEntry
from ..rules.states import APPLICATION, Stage
from . import dues
from .metrics import CHECKOUTS, NOTIFICATIONS, PAID_RUPIAH
from .midtrans import GatewayError, Midtrans
from .models import Payment
from .rules import Outcome, PaymentState, outcome, same_amount, signature_matches

log = logging.getLogger(__name__)
ITEM = "Biaya permohonan KTP-el"
BATCH = 200


def gateway(settings: Any) -> Midtrans:
    return Midtrans(settings.payment_snap_url, settings.payment_api_url, settings.payment_server_key,
                    settings.payment_notification_url)


def ensure_pay_link(runtime: Runtime, application_id: str, now: dt.datetime) -> None:
    """A pay link for an application that waits for payment: the current attempt's, or a new attempt's when the
    last one ended (expired, cancelled). A gateway failure is logged and counted; the citizen asks again."""
    with runtime.uow() as uow:
        application = applications.get(uow, application_id)
        payment = dues.newest(application)
        if application.status != Stage.AWAITING_PAYMENT.value or payment is None:
            return
        if payment.state == PaymentState.FAILED.value:
            payment = dues.open_attempt(uow, application, payment.rupiah, payment.basis, now)
            uow.commit()
        elif payment.pay_url:
            return
        order_id, rupiah = payment.id, payment.rupiah
    try:
        checkout = gateway(runtime.settings).create(order_id, rupiah, ITEM, runtime.settings.payment_finish_url or None)
    except GatewayError as error:
        CHECKOUTS.labels("gateway_error").inc()
        log.warning("payment gateway refused a checkout", extra={"error": str(error)})
        return
    CHECKOUTS.labels("created").inc()
    with runtime.uow() as uow:
        payment = uow.session.get(Payment, order_id, with_for_update=True)
        payment.pay_url = payment.pay_url or checkout.redirect_url
        payment.updated_at = now
        uow.commit()


def receive(runtime: Runtime, notification: dict[str, str], now: dt.datetime) -> dict[str, str]:
    """A gateway notification: checked, confirmed with the gateway, then recorded once."""
    settings = runtime.settings
    if not signature_matches(notification, settings.payment_server_key):
        NOTIFICATIONS.labels("signature_invalid").inc()
        raise Refused("payment.signature_invalid", "signature_key is not SHA512(order_id + status_code + "
                      "gross_amount + server key): the notification is not the gateway's", field="signature_key",
                      why=Why.FORBIDDEN)
    order_id = notification["order_id"]
    with runtime.uow() as uow:
        if uow.session.get(Payment, order_id) is None:
            NOTIFICATIONS.labels("unknown_order").inc()
            raise not_found("payment.unknown_order", "no payment has this order_id", field="order_id")
    confirmed = gateway(settings).status(order_id)  # GatewayError: 503, and the gateway sends it again
    with runtime.uow() as uow:
        payment = uow.session.get(Payment, order_id, with_for_update=True)
        if confirmed.get("order_id") != order_id or not same_amount(str(confirmed.get("gross_amount")), payment.rupiah):
            NOTIFICATIONS.labels("unconfirmed").inc()
            raise conflict("payment.unconfirmed", "the gateway does not confirm this order and amount",
                           field="order_id")
        if payment.state == PaymentState.PAID.value:
            NOTIFICATIONS.labels("duplicate").inc()
            return {"order_id": order_id, "state": payment.state, "result": "duplicate"}
        status = str(confirmed.get("transaction_status"))
        result = outcome(status, confirmed.get("fraud_status"))
        payment.transaction_status, payment.updated_at = status, now
        payment.transaction_id = confirmed.get("transaction_id") or payment.transaction_id
        payment.payment_type = confirmed.get("payment_type") or payment.payment_type
        if result is Outcome.PAID:
            payment.state, payment.paid_at = PaymentState.PAID.value, now
            application = applications.get(uow, payment.application_id, for_update=True)
            PAID_RUPIAH.inc(payment.rupiah)
            if application.status != Stage.AWAITING_PAYMENT.value:
                # Paid after the application expired unpaid: the money is recorded for a refund, nothing moves.
                uow.commit()
                NOTIFICATIONS.labels("paid_late").inc()
                log.warning("payment received for an application no longer awaiting it", extra={"order_id": order_id})
                return {"order_id": order_id, "state": payment.state, "result": "paid_late"}
            applications.hand_to_verification(uow, application, now, {"paid_rupiah": payment.rupiah})
        elif result is Outcome.FAILED:
            payment.state = PaymentState.FAILED.value
        uow.commit()
        NOTIFICATIONS.labels(result.value).inc()
        return {"order_id": order_id, "state": payment.state, "result": result.value}


def expire_unpaid(uow: UnitOfWork, now: dt.datetime, days: int) -> int:
    """Applications that waited ``days`` for their fee end as EXPIRED (the citizen may apply again); returns how
    many. Their open attempt is left to the gateway, which expires it too."""
    stale = uow.session.scalars(select(Application).where(
        Application.status == Stage.AWAITING_PAYMENT.value, Application.status_since < now - dt.timedelta(days=days))
        .limit(BATCH)).all()
    expired = 0
    for application in stale:
        if transitions.move(uow.session, APPLICATION, application, Stage.EXPIRED, now, status_reason="payment_missing",
                            active_nik=None):
            uow.session.add(TimelineEntry(application_id=application.id, stage=Stage.EXPIRED.value, occurred_at=now,
                                          detail={"reason": "payment_missing"}))
            expired += 1
    return expired


def expire_unpaid_task(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        expired = expire_unpaid(uow, utcnow(), runtime.settings.payment_days)
        uow.commit()
    if expired:
        log.info("unpaid applications expired", extra={"expired": expired})
