"""HTTP routes of fees and payments: the fee table (admin, audited), the gateway's notifications, and the
citizen's pay link."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint

from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from .. import views
from ..api.access import citizen_required, mine
from ..schemas import ApplicationOut
from . import fees, payments
from .midtrans import GatewayError
from .schemas import FeeChangeOut, FeeIn, FeeQuery, FeeRowOut, NotificationIn, NotificationOut

BEARER = [{"bearerAuth": []}]


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("payments", __name__, description="Regional fees by regency and application kind (Rp0 unless an "
                    "admin sets one) and their payment through Midtrans Snap.")

    @blp.route("/v1/admin/fees", methods=["GET"])
    @requires("admin")
    @blp.arguments(FeeQuery, location="query")
    @blp.response(200, FeeRowOut(many=True))
    @blp.doc(summary="The fees set (every regency and kind not listed is Rp0).", security=BEARER)
    def list_fees(query: dict[str, Any]):
        with runtime.uow() as uow:
            return fees.table(uow, query["regency_code"])

    @blp.route("/v1/admin/fees/<regency_code>/<kind>", methods=["PUT"])
    @requires("admin")
    @blp.arguments(FeeIn)
    @blp.response(200, FeeRowOut)
    @blp.doc(summary="Set a regency's fee for a kind (0 = free); audited. Applies to applications submitted after.",
             security=BEARER)
    def set_fee(body: dict[str, Any], regency_code: str, kind: str):
        with runtime.uow() as uow:
            row = fees.set_fee(uow, regency_code, kind, body["rupiah"], body["basis"], g.principal.subject, utcnow(),
                               payments.gateway(runtime.settings).configured)
            uow.commit()
            return row

    @blp.route("/v1/admin/fees/<regency_code>/changes", methods=["GET"])
    @requires("admin")
    @blp.response(200, FeeChangeOut(many=True))
    @blp.doc(summary="Who changed the regency's fees, from what to what, when.", security=BEARER)
    def fee_changes(regency_code: str):
        with runtime.uow() as uow:
            return fees.changes(uow, regency_code)

    @blp.route("/v1/payments/midtrans/notification", methods=["POST"])
    @blp.arguments(NotificationIn)
    @blp.response(200, NotificationOut)
    @blp.doc(summary="Midtrans's HTTP notification. Refused (403) unless signature_key is SHA512(order_id + "
                     "status_code + gross_amount + server key); the status is confirmed with the gateway before it "
                     "counts; a repeated notification changes nothing.")
    def notification(body: dict[str, Any]):
        try:
            return payments.receive(runtime, body, utcnow())
        except GatewayError as error:
            raise ApiError(503, "payment.gateway_unavailable", "the payment gateway did not confirm the status; "
                           "send the notification again", headers={"Retry-After": "30"}) from error

    @blp.route("/v1/applications/<application_id>/payment", methods=["POST"])
    @citizen_required
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="A pay link for an application that waits for payment (a new one after an attempt expired).",
             security=BEARER)
    def pay_link(application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application_id = mine(uow, runtime.context, application_id).id
        payments.ensure_pay_link(runtime, application_id, now)
        with runtime.uow() as uow:
            return views.view(mine(uow, runtime.context, application_id), now, runtime.settings.payment_days)

    return blp
