"""Paying a fee: the pay link from the gateway, and the gateway's notifications that settle it.

A notification is trusted only when its signature is the gateway's and the gateway, asked again
(``GET /v2/{order_id}/status``), confirms the status and the amount. It is idempotent: a payment is settled
once, and the application goes to verification (``application.submitted``) in the same transaction.
The gateway is called outside any transaction; a failed call leaves the attempt without a pay link, asked for
again by the citizen's next request (``POST /v1/applications/{id}/payment``).

The citizen hears of the fee from notify: ``payment.due`` at submission, ``payment.reminder`` once a few days before
the pay-by date, ``application.expired_unpaid`` when it passed. A payment confirmed after that is refunded through
the gateway (a stable refund_key per payment, so a retry refunds once), tried again by a periodic task while the
gateway does not answer.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select

from ektp_shared import transitions
from ektp_shared.contracts.intake import APPLICATION_EXPIRED_UNPAID, PAYMENT_REMINDER
from ektp_shared.db import utcnow
from ektp_shared.refusal import Refused, Why, conflict, not_found
from ektp_shared.service import Runtime
from ektp_shared.uow import UnitOfWork

from .. import applications
from ..models import Application, TimelineEntry
from ..rules.states import APPLICATION, Stage
from . import dues
from .metrics import CHECKOUTS, NOTIFICATIONS, PAID_RUPIAH, REFUNDS
from .midtrans import GatewayError, Midtrans
from .models import Payment
from .rules import (
    REFUND_REASON,
    Outcome,
    PaymentState,
    RefundState,
    outcome,
    refund_key,
    refundable,
    same_amount,
    signature_matches,
)

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
        late = False
        if result is Outcome.PAID:
            payment.state, payment.paid_at = PaymentState.PAID.value, now
            application = applications.get(uow, payment.application_id, for_update=True)
            PAID_RUPIAH.inc(payment.rupiah)
            # Paid after the application expired unpaid: nothing moves, and the money goes back.
            late = application.status != Stage.AWAITING_PAYMENT.value
            if late:
                payment.refund_state = RefundState.DUE.value
            else:
                applications.hand_to_verification(uow, application, now, {"paid_rupiah": payment.rupiah})
        elif result is Outcome.FAILED:
            payment.state = PaymentState.FAILED.value
        uow.commit()
        answer = {"order_id": order_id, "state": payment.state, "result": "paid_late" if late else result.value}
    NOTIFICATIONS.labels(answer["result"]).inc()
    if late:
        log.warning("payment received for an application no longer awaiting it", extra={"order_id": order_id})
        refund(runtime, order_id, now)  # no transaction open; refund_due_task retries what the gateway did not take
    return answer


def expire_unpaid(uow: UnitOfWork, now: dt.datetime, days: int) -> int:
    """Applications that waited ``days`` for their fee end as EXPIRED (the citizen may apply again); returns how
    many. Their open attempt is left to the gateway, which expires it too."""
    stale = uow.session.scalars(select(Application).where(
        Application.status == Stage.AWAITING_PAYMENT.value, Application.status_since < now - dt.timedelta(days=days))
        .limit(BATCH)).all()
    expired = 0
    for application in stale:
        waited_since = application.status_since
        if transitions.move(uow.session, APPLICATION, application, Stage.EXPIRED, now, status_reason="payment_missing",
                            active_nik=None):
            uow.session.add(TimelineEntry(application_id=application.id, stage=Stage.EXPIRED.value, occurred_at=now,
                                          detail={"reason": "payment_missing"}))
            uow.emit(APPLICATION_EXPIRED_UNPAID, {"application_id": application.id,
                                                  "rupiah": dues.newest(application).rupiah,
                                                  "pay_by": dues.pay_by(waited_since, days), "expired_at": now},
                     correlation_id=application.id)
            expired += 1
    return expired


def remind_unpaid(uow: UnitOfWork, now: dt.datetime, days: int, before_days: int) -> int:
    """Remind, once, the applications still unpaid ``before_days`` before their pay-by date (0: never); returns how
    many."""
    if not before_days:
        return 0
    due = uow.session.scalars(select(Application).where(
        Application.status == Stage.AWAITING_PAYMENT.value, Application.payment_reminded_at.is_(None),
        Application.status_since <= now - dt.timedelta(days=days - before_days),
        Application.status_since > now - dt.timedelta(days=days))
        .limit(BATCH).with_for_update(skip_locked=True)).all()
    for application in due:
        application.payment_reminded_at = now
        uow.emit(PAYMENT_REMINDER, {"application_id": application.id, "rupiah": dues.newest(application).rupiah,
                                    "pay_by": dues.pay_by(application.status_since, days)},
                 correlation_id=application.id)
    return len(due)


def remind_unpaid_task(runtime: Runtime) -> None:
    settings = runtime.settings
    with runtime.uow() as uow:
        reminded = remind_unpaid(uow, utcnow(), settings.payment_days, settings.payment_reminder_days)
        uow.commit()
    if reminded:
        log.info("unpaid applications reminded", extra={"reminded": reminded})


def refund(runtime: Runtime, order_id: str, now: dt.datetime) -> RefundState | None:
    """Give back a late payment whose refund is due: through the gateway where its payment type allows, else
    left to the office (MANUAL). A gateway that does not answer leaves it due. Returns the state it is left in."""
    with runtime.uow() as uow:
        payment = uow.session.get(Payment, order_id)
        if payment is None or payment.refund_state != RefundState.DUE.value:
            return None
        rupiah, payment_type = payment.rupiah, payment.payment_type
    error = None
    if not refundable(payment_type):
        result, state, error = "not_refundable", RefundState.MANUAL, f"payment type {payment_type} has no refund API"
    else:
        try:
            answer = gateway(runtime.settings).refund(order_id, refund_key(order_id), rupiah, REFUND_REASON)
        except GatewayError as failure:
            result, state, error = "gateway_error", RefundState.DUE, str(failure)
        else:
            if answer.approved:
                result, state = "refunded", RefundState.REFUNDED
            else:
                result, state = "refused", RefundState.MANUAL
                error = f"{answer.status_code} {answer.message}"
    with runtime.uow() as uow:
        payment = uow.session.get(Payment, order_id, with_for_update=True)
        if payment.refund_state != RefundState.DUE.value:
            return RefundState(payment.refund_state)  # another worker settled it meanwhile (same refund_key)
        payment.refund_state, payment.refund_error, payment.updated_at = state.value, error, now
        payment.refund_attempts += 1
        if state is RefundState.REFUNDED:
            payment.refunded_at = now
        uow.commit()
    REFUNDS.labels(result).inc()
    if state is not RefundState.REFUNDED:
        log.warning("late payment not refunded", extra={"order_id": order_id, "refund": result, "error": error})
    return state


def refund_due_task(runtime: Runtime) -> None:
    """Refunds the gateway did not take (it did not answer) are tried again."""
    with runtime.uow() as uow:
        due = list(uow.session.scalars(select(Payment.id).where(Payment.refund_state == RefundState.DUE.value)
                                       .order_by(Payment.updated_at).limit(BATCH)))
    for order_id in due:
        refund(runtime, order_id, utcnow())


def expire_unpaid_task(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        expired = expire_unpaid(uow, utcnow(), runtime.settings.payment_days)
        uow.commit()
    if expired:
        log.info("unpaid applications expired", extra={"expired": expired})
