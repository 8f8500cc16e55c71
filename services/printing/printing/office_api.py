"""HTTP routes of an office's blank-card stock, its policy, and the report of uncollected cards."""
from __future__ import annotations

import re
from typing import Any

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from . import audit, blanks, pickup, pickups, policies, stock

BEARER = [{"bearerAuth": []}]
OFFICE_CODE = r"^[A-Z0-9][A-Z0-9-]{1,39}$"
_OFFICE_CODE = re.compile(OFFICE_CODE)


class BatchIn(Schema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=80),
                              metadata={"description": "The delivery's reference (berita acara / delivery note)."})
    first_serial = fields.String(required=True, validate=validate.Length(min=1, max=40),
                                 metadata={"description": "Serial of the first blank; the batch counts up from it."})
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=stock.MAX_BATCH))


class VoidIn(Schema):
    serial = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=150))


class PolicyIn(Schema):
    representative = fields.String(required=True, validate=validate.OneOf(pickup.POLICIES))
    low_stock_threshold = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=stock.MAX_BATCH))
    qc_by_operator = fields.Boolean(required=True)


class PolicyOut(Schema):
    office_code = fields.String()
    representative = fields.String()
    low_stock_threshold = fields.Integer()
    qc_by_operator = fields.Boolean()
    own = fields.Boolean(metadata={"description": "False: the office follows the service's defaults."})


class BatchOut(Schema):
    id = fields.String()
    reference = fields.String()
    first_serial = fields.String()
    last_serial = fields.String()
    count = fields.Integer()
    received_at = fields.AwareDateTime()
    received_by = fields.String()


class StockOut(Schema):
    office_code = fields.String()
    available = fields.Integer()
    reserved = fields.Integer()
    issued = fields.Integer()
    void = fields.Integer()
    low_stock_threshold = fields.Integer()
    low = fields.Boolean()
    batches = fields.List(fields.Nested(BatchOut))


class ReportQuery(Schema):
    office_code = fields.String(load_default=None, validate=validate.Regexp(OFFICE_CODE))


class UncollectedOut(Schema):
    application_id = fields.String()
    receipt_number = fields.String()
    office_code = fields.String()
    serial = fields.String(allow_none=True)
    pickup_from = fields.Date()
    reminders_sent = fields.Integer()
    reported_at = fields.AwareDateTime(attribute="reported_uncollected_at")


def _office(office_code: str) -> str:
    if not _OFFICE_CODE.match(office_code):
        raise ApiError(404, "not_found", "not an office code (e.g. DISDUKCAPIL-3201)", field="office_code",
                       location="path")
    return office_code


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("offices", __name__, url_prefix="/v1", description="Blank-card stock, office policy, reports.")

    def stock_view(uow: Any, office_code: str) -> dict[str, Any]:
        counts = blanks.counts(uow, office_code)
        threshold = policies.policy_of(uow, office_code, runtime.settings).low_stock_threshold
        return {"office_code": office_code, **counts, "low_stock_threshold": threshold,
                "low": stock.is_low(counts[stock.AVAILABLE], threshold), "batches": blanks.batches(uow, office_code)}

    @blp.route("/offices/<office_code>/stock", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.response(200, StockOut)
    @blp.doc(summary="The office's blank cards by state, whether stock is low, and the batches received.",
             security=BEARER)
    def read_stock(office_code: str):
        with runtime.uow() as uow:
            return stock_view(uow, _office(office_code))

    @blp.route("/offices/<office_code>/stock/batches", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(BatchIn)
    @blp.response(201, StockOut)
    @blp.doc(summary="Record a batch of blank cards received by the office.", security=BEARER)
    def receive(body: dict[str, Any], office_code: str):
        with runtime.uow() as uow:
            try:
                batch = blanks.receive(uow, _office(office_code), body["reference"], body["first_serial"], body["count"],
                                       g.principal.subject, utcnow())
            except blanks.SerialConflict as exc:
                raise ApiError(409, "serial_conflict", str(exc), field="first_serial") from exc
            except ValueError as exc:
                field = "count" if str(exc).startswith("count") else "first_serial"
                raise ApiError(422, "validation_failed", str(exc), field=field) from exc
            audit.record(uow, g.principal.subject, "stock_received", utcnow(), office_code=office_code,
                         batch=batch.id, first_serial=batch.first_serial, count=batch.count)
            uow.commit()
            return stock_view(uow, office_code)

    @blp.route("/offices/<office_code>/stock/void", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(VoidIn)
    @blp.response(200, StockOut)
    @blp.doc(summary="Void a blank card spoiled outside printing (damaged, lost), with the reason.", security=BEARER)
    def void(body: dict[str, Any], office_code: str):
        with runtime.uow() as uow:
            blank = blanks.find(uow, body["serial"])
            if blank is None or blank.office_code != _office(office_code):
                raise ApiError(404, "not_found", "the office has no blank card with this serial", field="serial")
            if blank.state != stock.AVAILABLE:
                raise ApiError(409, "not_available", f"the blank card is {blank.state}; cards in printing or issued "
                                                     "are voided through their card", field="serial")
            blanks.void(uow, blank.serial, body["reason"], utcnow())
            audit.record(uow, g.principal.subject, "blank_voided", utcnow(), serial=blank.serial, reason=body["reason"])
            uow.commit()
            return stock_view(uow, office_code)

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
            return pickups.uncollected(uow, query["office_code"])

    return blp
