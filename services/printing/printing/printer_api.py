"""HTTP routes of the printer fleet and the print queue: printers with their status and rotation, and
the jobs an operator watches."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from . import audit, fleet, printjobs
from .models import Printer, PrintJob

BEARER = [{"bearerAuth": []}]
OFFICE_CODE = validate.Regexp(r"^(\*|[A-Z0-9][A-Z0-9-]{1,39})$",
                              error="an office code such as DISDUKCAPIL-3201 (or * for the shared fleet)")


class PrinterIn(Schema):
    office_code = fields.String(required=True, validate=OFFICE_CODE)
    uri = fields.String(required=True, validate=validate.Length(min=8, max=300),
                        metadata={"description": "cardprinter://host:port or ipp://host:631/printers/QUEUE"})


class RotationIn(Schema):
    in_rotation = fields.Boolean(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=150))


class PrinterOut(Schema):
    name = fields.String()
    office_code = fields.String()
    uri = fields.String(metadata={"description": "Without credentials."})
    in_rotation = fields.Boolean()
    held_by_operator = fields.Boolean()
    out_reason = fields.String(allow_none=True)
    online = fields.Boolean(allow_none=True)
    conditions = fields.String(allow_none=True)
    ribbon_remaining = fields.Integer(allow_none=True)
    cards_in_feeder = fields.Integer(allow_none=True)
    polled_at = fields.AwareDateTime(allow_none=True)
    last_used_at = fields.AwareDateTime(allow_none=True)


class JobQuery(Schema):
    state = fields.String(load_default=None, validate=validate.OneOf(printjobs.STATES))
    office_code = fields.String(load_default=None, validate=OFFICE_CODE)
    limit = fields.Integer(load_default=100, strict=True, validate=validate.Range(min=1, max=1000))


class QueuedJobOut(Schema):
    id = fields.String()
    application_id = fields.String()
    office_code = fields.String()
    state = fields.String()
    purpose = fields.String()
    priority = fields.Integer(metadata={"description": "0 first-time applicant, 1 replacement."})
    attempts = fields.Integer()
    spoiled = fields.Integer()
    outcome_unknown = fields.Boolean()
    reason = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()


def _view(printer: Printer) -> dict[str, Any]:
    return {**{name: getattr(printer, name) for name in PrinterOut().fields}, "uri": fleet.public_uri(printer.uri)}


def _printer(uow: Any, name: str) -> Printer:
    printer = fleet.by_name(uow, name)
    if printer is None:
        raise ApiError(404, "not_found", "no printer has this name", field="name", location="path")
    return printer


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("printers", __name__, url_prefix="/v1", description="Printer fleet and print queue.")

    @blp.route("/printers", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.response(200, PrinterOut(many=True))
    @blp.doc(summary="Every printer with its office, rotation and last reported status.", security=BEARER)
    def list_printers():
        with runtime.uow() as uow:
            return [_view(p) for p in fleet.all_printers(uow)]

    @blp.route("/printers/<name>", methods=["PUT"])
    @requires("admin")
    @blp.arguments(PrinterIn)
    @blp.response(200, PrinterOut)
    @blp.doc(summary="Register a printer of an office, or move or re-point it (admin).", security=BEARER)
    def put_printer(body: dict[str, Any], name: str):
        with runtime.uow() as uow:
            try:
                printer = fleet.register(uow, name, body["office_code"], body["uri"], utcnow())
            except ValueError as exc:
                field = "name" if str(exc).startswith("name") else "uri"
                raise ApiError(422, "validation_failed", str(exc), field=field,
                               location="path" if field == "name" else "json") from exc
            audit.record(uow, g.principal.subject, "printer_registered", utcnow(), printer=name,
                         office_code=body["office_code"], uri=fleet.public_uri(body["uri"]))
            uow.commit()
            return _view(printer)

    @blp.route("/printers/<name>/rotation", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(RotationIn)
    @blp.response(200, PrinterOut)
    @blp.doc(summary="Hold a printer out of rotation (maintenance), or release it to the status poll.",
             security=BEARER)
    def rotation(body: dict[str, Any], name: str):
        with runtime.uow() as uow:
            printer = _printer(uow, name)
            fleet.hold(printer, body["in_rotation"], body["reason"], utcnow())
            audit.record(uow, g.principal.subject, "printer_rotation", utcnow(), printer=name,
                         in_rotation=body["in_rotation"], reason=body["reason"])
            uow.commit()
            return _view(printer)

    @blp.route("/print-jobs", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.arguments(JobQuery, location="query")
    @blp.response(200, QueuedJobOut(many=True))
    @blp.doc(summary="Print jobs, in the order the queue takes them (filter by state and office).", security=BEARER)
    def list_jobs(query: dict[str, Any]):
        statement = select(PrintJob)
        if query["state"]:
            statement = statement.where(PrintJob.state == query["state"])
        if query["office_code"]:
            statement = statement.where(PrintJob.office_code == query["office_code"])
        statement = statement.order_by(PrintJob.priority, PrintJob.created_at).limit(query["limit"])
        with runtime.uow() as uow:
            return list(uow.session.scalars(statement))

    return blp
