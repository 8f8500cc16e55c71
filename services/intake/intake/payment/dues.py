"""What an application owes: the charge of its regency's table when it is submitted, and its payment attempts
(the newest one counts)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ektp_shared.db import new_id
from ektp_shared.uow import UnitOfWork

from ..models import Application
from ..rules.states import Stage
from . import fees
from .models import Payment
from .rules import FREE_BASIS, PaymentState, regency_of


def charge_of(uow: UnitOfWork, application: Application) -> fees.Charge:
    regency = regency_of(application.applicant["address"]["village_code"], application.office_regency)
    return fees.charge(uow, regency, application.kind)


def open_attempt(uow: UnitOfWork, application: Application, rupiah: int, basis: str | None,
                 now: dt.datetime) -> Payment:
    payment = Payment(id=new_id(), application=application, rupiah=rupiah, basis=basis,
                      state=PaymentState.PENDING.value, created_at=now, updated_at=now)
    uow.session.add(payment)
    return payment


def pay_by(waiting_since: dt.datetime, days: int) -> dt.datetime:
    """Unpaid by then, the application expires: ``days`` after it began to wait (expire_unpaid's rule)."""
    return waiting_since + dt.timedelta(days=days)


def newest(application: Application) -> Payment | None:
    return application.payments[-1] if application.payments else None


def shown(application: Application, payment_days: int) -> dict[str, Any]:
    """The fee and the newest payment as the citizen sees them (Rp0 and the law when nothing is owed), with the
    pay-by date while the application waits for it."""
    payment = newest(application)
    if payment is None:
        return {"fee": _fee(None), "payment": None}
    waiting = application.status == Stage.AWAITING_PAYMENT.value
    return {"fee": _fee(payment),
            "payment": {"state": payment.state, "rupiah": payment.rupiah, "paid_at": payment.paid_at,
                        "payment_type": payment.payment_type,
                        "pay_url": payment.pay_url if payment.state == PaymentState.PENDING.value else None,
                        "pay_by": pay_by(application.status_since, payment_days) if waiting else None,
                        "refund_state": payment.refund_state}}


def _fee(payment: Payment | None) -> dict[str, Any]:
    if payment is None:
        return {"rupiah": 0, "basis": FREE_BASIS}
    return {"rupiah": payment.rupiah, "basis": payment.basis}


def fee_before_submission(uow: UnitOfWork, application: Application) -> dict[str, Any]:
    """The fee the review names: the regency's table's for a draft, else what was fixed at submission."""
    if application.receipt_number is None:
        charge = charge_of(uow, application)
        return {"rupiah": charge.rupiah, "basis": charge.basis}
    return _fee(newest(application))


def receipt_line(application: Application) -> str | None:
    """The receipt's fee line when a fee applies (None: the kind's Rp0 line)."""
    payment = newest(application)
    if payment is None:
        return None
    amount = f"Rp{payment.rupiah:,}".replace(",", ".")
    paid = "lunas" if payment.state == PaymentState.PAID.value else "belum dibayar"
    return f"{amount} ({payment.basis}), {paid}"
