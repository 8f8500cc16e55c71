"""HTTP routes of the printer fleet and the print queue: printers with their status and rotation, and the jobs
an operator watches."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint

from ektp_shared.auth import office_scope, require_office, requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime

from .. import audit, print_jobs, printers, views
from .schemas import JobQuery, PrinterIn, PrinterOut, QueuedJobOut, RotationIn

BEARER = [{"bearerAuth": []}]


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("printers", __name__, url_prefix="/v1", description="Printer fleet and print queue.")

    @blp.route("/printers", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.response(200, PrinterOut(many=True))
    @blp.doc(summary="Every printer with its office, rotation and last reported status.", security=BEARER)
    def list_printers():
        with runtime.uow() as uow:
            scope = office_scope()  # an office sees its own printers and the shared fleet it prints on
            return [views.printer(p) for p in printers.all_printers(uow)
                    if scope is None or p.office_code in scope or p.office_code == printers.SHARED]

    @blp.route("/printers/<name>", methods=["PUT"])
    @requires("admin")
    @blp.arguments(PrinterIn)
    @blp.response(200, PrinterOut)
    @blp.doc(summary="Register a printer of an office, or move or re-point it (admin).", security=BEARER)
    def put_printer(body: dict[str, Any], name: str):
        with runtime.uow() as uow:
            printer = printers.register(uow, name, body["office_code"], body["uri"], utcnow())
            audit.record(uow, g.principal.subject, "printer_registered", utcnow(), printer=name,
                         office_code=body["office_code"], uri=printers.public_uri(body["uri"]))
            uow.commit()
            return views.printer(printer)

    @blp.route("/printers/<name>/rotation", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(RotationIn)
    @blp.response(200, PrinterOut)
    @blp.doc(summary="Hold a printer out of rotation (maintenance), or release it to the status poll.",
             security=BEARER)
    def rotation(body: dict[str, Any], name: str):
        with runtime.uow() as uow:
            printer = printers.by_name(uow, name)
            require_office(printer.office_code, field="name")
            printers.hold(printer, body["in_rotation"], body["reason"], utcnow())
            audit.record(uow, g.principal.subject, "printer_rotation", utcnow(), office_code=printer.office_code, printer=name,
                         in_rotation=body["in_rotation"], reason=body["reason"])
            uow.commit()
            return views.printer(printer)

    @blp.route("/print-jobs", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.arguments(JobQuery, location="query")
    @blp.response(200, QueuedJobOut(many=True))
    @blp.doc(summary="Print jobs, in the order the queue takes them (filter by state and office).", security=BEARER)
    def list_jobs(query: dict[str, Any]):
        with runtime.uow() as uow:
            if query["office_code"] is not None:
                require_office(query["office_code"], location="query")
            return print_jobs.listing(uow, query["state"], query["office_code"], query["limit"], office_scope())

    return blp
