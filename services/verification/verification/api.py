"""HTTP routes of the verification service (officers, bearer JWT): the case queue and decisions."""
from __future__ import annotations

import uuid
from typing import Any

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from ektp_shared import logs
from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from . import cases
from .decisions import DecisionNotAllowed
from .models import Case
from .schemas import CaseOut, CaseQuery, CaseSummaryOut, DecisionIn

BEARER = [{"bearerAuth": []}]


def _case(uow: Any, case_id: str) -> Case:
    try:
        case = uow.session.get(Case, str(uuid.UUID(case_id)))
    except ValueError:
        case = None
    if case is None:
        raise ApiError(404, "not_found", "no case has this id", field="case_id", location="path")
    logs.correlation_id.set(case.application_id)
    return case


def _view(uow: Any, case: Case) -> dict[str, Any]:
    view = {column: getattr(case, column) for column in CaseOut().fields if hasattr(case, column)}
    appointment = cases.appointment_of(uow, case)
    view["appointment"] = appointment and {"id": appointment.id, "office_code": appointment.office_code,
                                           "starts_at": appointment.starts_at}
    return view


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("cases", __name__, url_prefix="/v1/cases", description="Verification cases and officers' decisions.")

    @blp.route("", methods=["GET"])
    @requires("verifier", "supervisor")
    @blp.arguments(CaseQuery, location="query")
    @blp.response(200, CaseSummaryOut(many=True))
    @blp.doc(summary="The work queue: cases in a state, oldest first.", security=BEARER)
    def list_cases(query: dict[str, Any]):
        with runtime.uow() as uow:
            statement = select(Case).where(Case.state == query["state"]).order_by(Case.opened_at).limit(query["limit"])
            if query["application_id"]:
                statement = select(Case).where(Case.application_id == str(query["application_id"]))
            return list(uow.session.scalars(statement))

    @blp.route("/<case_id>", methods=["GET"])
    @requires("verifier", "supervisor")
    @blp.response(200, CaseOut)
    @blp.doc(summary="One case with the applicant's data, documents, decision and appointment.", security=BEARER)
    def read(case_id: str):
        with runtime.uow() as uow:
            return _view(uow, _case(uow, case_id))

    @blp.route("/<case_id>/decision", methods=["POST"])
    @requires("verifier")
    @blp.arguments(DecisionIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Approve (books the capture appointment), request a correction, or reject.", security=BEARER)
    def decide(body: dict[str, Any], case_id: str):
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            try:
                cases.decide_case(uow, case, g.principal.subject, body, utcnow(), runtime.settings.office_daily_capacity)
            except DecisionNotAllowed as exc:
                raise ApiError(409, "decision_not_allowed", str(exc), field="decision") from exc
            uow.commit()
            return _view(uow, case)

    return blp
