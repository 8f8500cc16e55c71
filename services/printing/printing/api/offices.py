"""HTTP routes of an office's blank-card stock, its policy, and the report of uncollected cards."""
from __future__ import annotations

import re
from typing import Any

from flask import g
from flask_smorest import Blueprint

from ektp_shared.auth import office_scope, require_office, requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from .. import audit, blank_cards, pickups, policies, views
from .schemas import OFFICE_CODE, BatchIn, PolicyIn, PolicyOut, ReportQuery, StockOut, UncollectedOut, VoidIn

BEARER = [{"bearerAuth": []}]
_OFFICE_CODE = re.compile(OFFICE_CODE)


def _office(office_code: str) -> str:
    """The office of the path, if the officer works for it (403 otherwise)."""
    if not _OFFICE_CODE.match(office_code):
        raise ApiError(404, "not_found", "not an office code (e.g. DISDUKCAPIL-3201)", field="office_code",
                       location="path")
    require_office(office_code)
    return office_code


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("offices", __name__, url_prefix="/v1", description="Blank-card stock, office policy, reports.")

    @blp.route("/offices/<office_code>/stock", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.response(200, StockOut)
    @blp.doc(summary="The office's blank cards by state, whether stock is low, and the batches received.",
             security=BEARER)
    def read_stock(office_code: str):
        with runtime.uow() as uow:
            return views.stock(uow, _office(office_code), runtime.settings)

    @blp.route("/offices/<office_code>/stock/batches", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(BatchIn)
    @blp.response(201, StockOut)
    @blp.doc(summary="Record a batch of blank cards received by the office.", security=BEARER)
    def receive(body: dict[str, Any], office_code: str):
        with runtime.uow() as uow:
            batch = blank_cards.receive(uow, _office(office_code), body["reference"], body["first_serial"], body["count"],
                                        g.principal.subject, utcnow())
            audit.record(uow, g.principal.subject, "stock_received", utcnow(), office_code=office_code,
                         batch=batch.id, first_serial=batch.first_serial, count=batch.count)
            uow.commit()
            return views.stock(uow, office_code, runtime.settings)

    @blp.route("/offices/<office_code>/stock/void", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(VoidIn)
    @blp.response(200, StockOut)
    @blp.doc(summary="Void a blank card spoiled outside printing (damaged, lost), with the reason.", security=BEARER)
    def void(body: dict[str, Any], office_code: str):
        with runtime.uow() as uow:
            blank = blank_cards.void_unused(uow, _office(office_code), body["serial"], body["reason"], utcnow())
            audit.record(uow, g.principal.subject, "blank_voided", utcnow(), office_code=office_code,
                         serial=blank.serial, reason=body["reason"])
            uow.commit()
            return views.stock(uow, office_code, runtime.settings)

    @blp.route("/offices/<office_code>/policy", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.response(200, PolicyOut)
    @blp.doc(summary="Who may collect for the applicant, the low-stock threshold, operator inspection.",
             security=BEARER)
    def read_policy(office_code: str):
        with runtime.uow() as uow:
            return policies.policy_of(uow, _office(office_code), runtime.settings)

    @blp.route("/offices/<office_code>/policy", methods=["PUT"])
    @requires("admin")
    @blp.arguments(PolicyIn)
    @blp.response(200, PolicyOut)
    @blp.doc(summary="Set the office's policy (admin).", security=BEARER)
    def put_policy(body: dict[str, Any], office_code: str):
        with runtime.uow() as uow:
            policy = policies.set_policy(uow, _office(office_code), body["representative"], body["low_stock_threshold"],
                                         body["qc_by_operator"], g.principal.subject, utcnow())
            audit.record(uow, g.principal.subject, "policy_set", utcnow(), office_code=office_code, **body)
            uow.commit()
            return policy

    @blp.route("/reports/uncollected", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, UncollectedOut(many=True))
    @blp.doc(summary="Cards uncollected past the reporting time, oldest pickup date first.", security=BEARER)
    def uncollected(query: dict[str, Any]):
        with runtime.uow() as uow:
            if query["office_code"] is not None:
                require_office(query["office_code"], location="query")
            return pickups.uncollected(uow, query["office_code"], office_scope())

    return blp
