"""HTTP routes of the verification service (officers, bearer JWT): the work queue and claims, decisions,
interviews, adjudication, offices, and the operators' admin actions. Every read of a case is audited."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ektp_shared import logs
from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.reference.regions import region
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError
from ektp_shared.web.paths import get_or_404

from . import adjudication, appointments, cases, interviews, operations, registry, work_queue
from .decisions import CaseState, DecisionNotAllowed, RetryStage
from .models import AuditEntry, Case, CaseFlag, Interview
from .models import Office as OfficeRow
from .offices import timezone_of
from .schemas import (
    AdjudicationIn,
    CaseOut,
    CaseQuery,
    CaseSummaryOut,
    ClaimNextIn,
    DecisionIn,
    InterviewIn,
    InterviewOutcomeIn,
    OfficeIn,
    OfficeOut,
    PauseIn,
    RejectionReviewIn,
    RetryIn,
)

BEARER = [{"bearerAuth": []}]
OFFICERS = ("verifier", "supervisor", "biometric_adjudicator")


def _case(uow: Any, case_id: str) -> Case:
    case = get_or_404(uow.session, Case, case_id, "case_id", "no case has this id")
    logs.correlation_id.set(case.application_id)
    return case


def _refused(exc: Exception, field: str) -> ApiError:
    return ApiError(409, "not_allowed", str(exc), field=field)


def _officer() -> tuple[str, frozenset[str]]:
    return g.principal.subject, g.principal.roles


def _flags(uow: Any, case: Case) -> list[str]:
    return list(uow.session.scalars(select(CaseFlag.code).where(CaseFlag.case_id == case.id).order_by(CaseFlag.code)))


SUMMARY_FIELDS = tuple(name for name in CaseSummaryOut().fields if name != "flags")
CASE_FIELDS = tuple(name for name in CaseOut().fields if name not in CaseSummaryOut().fields)


def _summary(uow: Any, case: Case) -> dict[str, Any]:
    return {**{name: getattr(case, name) for name in SUMMARY_FIELDS}, "flags": _flags(uow, case)}


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("cases", __name__, url_prefix="/v1/cases",
                    description="The officers' work queue: claims, decisions, interviews and adjudication.")
    settings = runtime.settings

    def link(base: str, path: str) -> str:
        return base.rstrip("/") + runtime.links.sign(path, settings.document_link_seconds)

    def view(uow: Any, case: Case) -> dict[str, Any]:
        out = {**_summary(uow, case), **{name: getattr(case, name) for name in CASE_FIELDS if hasattr(case, name)}}
        out["documents"] = [{**d, "url": link(settings.intake_url, f"/v1/documents/{d['document_id']}")}
                            for d in case.documents]
        booked = appointments.current(uow, case)
        out["appointment"] = booked and {"id": booked.id, "office_code": booked.office_code,
                                         "starts_at": booked.starts_at, "state": booked.state}
        out["interviews"] = [{"id": i.id, "starts_at": i.starts_at.isoformat(), "channel": i.channel, "state": i.state,
                              "contact": i.contact, "outcome_notes": i.outcome_notes}
                             for i in uow.session.scalars(select(Interview).where(Interview.case_id == case.id)
                                                          .order_by(Interview.created_at))]
        return out

    def audited_view(uow: Any, case: Case, action: str = "case.read") -> dict[str, Any]:
        cases.audit(uow, g.principal.subject, action, case, utcnow(), after={"state": case.state})
        out = view(uow, case)
        uow.commit()
        return out

    @blp.route("", methods=["GET"])
    @requires(*OFFICERS)
    @blp.arguments(CaseQuery, location="query")
    @blp.response(200, CaseSummaryOut(many=True))
    @blp.doc(summary="The work queue: cases in a state, highest priority first, then oldest; filter by office, "
                     "kind, flag (an automatic check's code) or unclaimed.", security=BEARER)
    def list_cases(query: dict[str, Any]):
        with runtime.uow() as uow:
            if query["application_id"]:
                found = cases.by_application(uow, str(query["application_id"]))
                return [_summary(uow, found)] if found else []
            filters = work_queue.Filters(CaseState(query["state"]), query["office"], query["kind"], query["flag"],
                                         query["unclaimed"])
            return [_summary(uow, c) for c in work_queue.listing(uow, filters, utcnow(), query["limit"])]

    @blp.route("/claim-next", methods=["POST"])
    @requires(*OFFICERS)
    @blp.arguments(ClaimNextIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Claim the next free case of a queue (priority, then oldest) and see it.", security=BEARER)
    def claim_next(body: dict[str, Any]):
        officer, roles = _officer()
        with runtime.uow() as uow:
            filters = work_queue.Filters(CaseState(body["state"]), body["office"], body["kind"], body["flag"])
            case = work_queue.claim_next(uow, filters, officer, roles, utcnow(), settings.claim_lease_seconds)
            if case is None:
                raise ApiError(404, "queue_empty", "no free case in this queue", field="state")
            logs.correlation_id.set(case.application_id)
            return audited_view(uow, case, "case.claimed")

    @blp.route("/<case_id>", methods=["GET"])
    @requires(*OFFICERS)
    @blp.response(200, CaseOut)
    @blp.doc(summary="One case: the data, the automatic findings, short-lived links to the documents, the "
                     "appointment and interviews.", security=BEARER)
    def read(case_id: str):
        with runtime.uow() as uow:
            return audited_view(uow, _case(uow, case_id))

    @blp.route("/<case_id>/claim", methods=["POST"])
    @requires(*OFFICERS)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Claim (or renew the claim on) a case; refused while another officer's lease runs.",
             security=BEARER)
    def claim(case_id: str):
        officer, roles = _officer()
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            try:
                work_queue.claim(uow, case, officer, roles, utcnow(), settings.claim_lease_seconds)
            except DecisionNotAllowed as exc:
                raise _refused(exc, "case_id") from exc
            return audited_view(uow, case, "case.claimed")

    @blp.route("/<case_id>/claim", methods=["DELETE"])
    @requires(*OFFICERS)
    @blp.response(204)
    @blp.doc(summary="Give a claimed case back to the queue.", security=BEARER)
    def release(case_id: str):
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            if work_queue.release(uow, case, g.principal.subject):
                cases.audit(uow, g.principal.subject, "case.released", case, utcnow())
            uow.commit()

    def claimed(uow: Any, case_id: str) -> Case:
        case = _case(uow, case_id)
        try:
            work_queue.require_claim(case, g.principal.subject, utcnow())
        except DecisionNotAllowed as exc:
            raise _refused(exc, "case_id") from exc
        return case

    @blp.route("/<case_id>/decision", methods=["POST"])
    @requires("verifier", "supervisor")
    @blp.arguments(DecisionIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Approve (books the capture appointment), request a correction (per field or document), or "
                     "propose a rejection (a second officer confirms it). Needs a claim.", security=BEARER)
    def decide(body: dict[str, Any], case_id: str):
        officer, roles = _officer()
        with runtime.uow() as uow:
            case = claimed(uow, case_id)
            try:
                cases.decide_case(uow, case, officer, roles, body, utcnow(), settings)
            except DecisionNotAllowed as exc:
                raise _refused(exc, "decision") from exc
            except LookupError as exc:
                raise ApiError(409, "no_free_slot", str(exc), field="office") from exc
            uow.commit()
            return view(uow, case)

    @blp.route("/<case_id>/rejection", methods=["POST"])
    @requires("supervisor")
    @blp.arguments(RejectionReviewIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Four eyes: confirm a proposed rejection (another officer than the proposer) or overturn it.",
             security=BEARER)
    def review_rejection(body: dict[str, Any], case_id: str):
        officer, roles = _officer()
        with runtime.uow() as uow:
            case = claimed(uow, case_id)
            try:
                cases.confirm_rejection(uow, case, officer, roles, body["confirm"], body["note"], utcnow())
            except DecisionNotAllowed as exc:
                raise _refused(exc, "confirm") from exc
            uow.commit()
            return view(uow, case)

    @blp.route("/<case_id>/interviews", methods=["POST"])
    @requires("verifier", "supervisor")
    @blp.arguments(InterviewIn)
    @blp.response(201, CaseOut)
    @blp.doc(summary="Schedule a phone or video interview; the citizen is told. Needs a claim.", security=BEARER)
    def schedule_interview(body: dict[str, Any], case_id: str):
        officer, roles = _officer()
        with runtime.uow() as uow:
            case = claimed(uow, case_id)
            try:
                interviews.schedule(uow, case, officer, roles, body, utcnow())
            except DecisionNotAllowed as exc:
                raise _refused(exc, "starts_at") from exc
            uow.commit()
            return view(uow, case)

    @blp.route("/<case_id>/interviews/<interview_id>/outcome", methods=["POST"])
    @requires("verifier", "supervisor")
    @blp.arguments(InterviewOutcomeIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Record how the interview went; the case comes back claimed by you, to decide.", security=BEARER)
    def interview_outcome(body: dict[str, Any], case_id: str, interview_id: str):
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            interview = uow.session.get(Interview, interview_id)
            if interview is None or interview.case_id != case.id:
                raise ApiError(404, "not_found", "this case has no interview with this id", field="interview_id",
                               location="path")
            try:
                interviews.record_outcome(uow, case, interview, g.principal.subject, body, utcnow(),
                                          settings.claim_lease_seconds)
            except DecisionNotAllowed as exc:
                raise _refused(exc, "outcome") from exc
            uow.commit()
            return view(uow, case)

    @blp.route("/<case_id>/adjudication", methods=["GET"])
    @requires("biometric_adjudicator", "supervisor")
    @blp.doc(summary="A suspected duplicate side by side: this applicant and each candidate (data, face image "
                     "by short-lived link, match score).", security=BEARER)
    def adjudication_view(case_id: str):
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            if case.biometric_reference is None:
                raise ApiError(404, "not_found", "no duplicate was suspected for this case", field="case_id",
                               location="path")

            def record(application_id: str) -> dict[str, Any]:
                other = cases.by_application(uow, application_id)
                return {"application_id": application_id,
                        "receipt_number": other.receipt_number if other else None,
                        "state": other.state if other else None, "applicant": other.applicant if other else None,
                        "face_url": link(settings.biometrics_url, f"/v1/enrolments/{application_id}/portrait")}

            out = {"case_id": case.id, "state": case.state, "reference_id": case.biometric_reference,
                   "applicant": record(case.application_id),
                   "candidates": [{**record(c["application_id"]), "reference_id": c["reference_id"], "score": c["score"]}
                                  for c in case.candidates or []]}
            cases.audit(uow, g.principal.subject, "adjudication.read", case, utcnow(), after={"state": case.state})
            uow.commit()
            return out

    @blp.route("/<case_id>/adjudication", methods=["POST"])
    @requires("biometric_adjudicator")
    @blp.arguments(AdjudicationIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Decide a suspected duplicate: `distinct` (different people, enrol) or `duplicate` (the same "
                     "person, reject). Needs a claim.", security=BEARER)
    def adjudicate(body: dict[str, Any], case_id: str):
        officer, roles = _officer()
        with runtime.uow() as uow:
            case = claimed(uow, case_id)
            try:
                adjudication.decide(uow, case, officer, roles, body, utcnow())
            except DecisionNotAllowed as exc:
                raise _refused(exc, "decision") from exc
            uow.commit()
            return view(uow, case)

    @blp.route("/<case_id>/audit", methods=["GET"])
    @requires("supervisor")
    @blp.doc(summary="The case's audit log: who did what, when, before and after (supervisor, admin).",
             security=BEARER)
    def audit_log(case_id: str):
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id))
            return {"case_id": case.id, "entries": [
                {"actor": e.actor, "action": e.action, "at": e.at.isoformat(), "before": e.before, "after": e.after}
                for e in entries]}

    return blp


def offices_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("offices", __name__, url_prefix="/v1/offices",
                    description="Offices that capture biometrics: capacity and opening hours.")

    @blp.route("", methods=["GET"])
    @requires(*OFFICERS)
    @blp.response(200, OfficeOut(many=True))
    @blp.doc(summary="Configured offices (regencies without one use the default capacity and hours).", security=BEARER)
    def list_offices():
        with runtime.uow() as uow:
            return list(uow.session.scalars(select(OfficeRow).order_by(OfficeRow.code)))

    @blp.route("/<code>", methods=["PUT"])
    @requires("admin")
    @blp.arguments(OfficeIn)
    @blp.response(200, OfficeOut)
    @blp.doc(summary="Create or change an office (admin): region served, daily capacity, opening hours.",
             security=BEARER)
    def put_office(body: dict[str, Any], code: str):
        if not 1 <= len(code) <= 40 or not code.replace("-", "").isalnum():
            raise ApiError(422, "validation_failed", "office code: 1–40 letters, digits and hyphens", field="code",
                           location="path")
        if region(body["serves"]) is None:
            raise ApiError(422, "region.unknown", "serves is not a current Kemendagri regency or district code",
                           field="serves")
        with runtime.uow() as uow:
            row = uow.session.get(OfficeRow, code) or OfficeRow(code=code)
            for name, value in body.items():
                setattr(row, name, value)
            row.timezone = body["timezone"] or timezone_of(body["serves"][:2])
            uow.session.add(row)
            try:
                uow.commit()
            except IntegrityError as exc:  # another admin created the same office at the same moment
                raise ApiError(409, "conflict", "the office was changed meanwhile; send it again", field="code",
                               location="path") from exc
            return row

    return blp


def admin_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("operations", __name__, url_prefix="/v1/admin/cases",
                    description="Operators' actions on one application: pause, resume, retry from a stage (audited).")
    settings = runtime.settings

    def act(case_id: str, action) -> dict[str, Any]:
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            try:
                action(uow, case)
            except DecisionNotAllowed as exc:
                raise _refused(exc, "case_id") from exc
            except LookupError as exc:
                raise ApiError(409, "no_free_slot", str(exc), field="office") from exc
            uow.commit()
            return {"case_id": case.id, "state": case.state, "resume_state": case.resume_state}

    @blp.route("/<case_id>/pause", methods=["POST"])
    @requires("admin")
    @blp.arguments(PauseIn)
    @blp.doc(summary="Pause a case: no claims, decisions or automatic expiry until resumed.", security=BEARER)
    def pause(body: dict[str, Any], case_id: str):
        return act(case_id, lambda uow, case: operations.pause(uow, case, g.principal.subject, body["reason"], utcnow()))

    @blp.route("/<case_id>/resume", methods=["POST"])
    @requires("admin")
    @blp.doc(summary="Resume a paused case in the state it had (or reached meanwhile through events).",
             security=BEARER)
    def resume(case_id: str):
        return act(case_id, lambda uow, case: operations.resume(uow, case, g.principal.subject, utcnow()))

    @blp.route("/<case_id>/retry", methods=["POST"])
    @requires("admin")
    @blp.arguments(RetryIn)
    @blp.doc(summary="Retry from a stage: `checks`, `review`, `appointment` or `verified` (re-publish the approval).",
             security=BEARER)
    def retry(body: dict[str, Any], case_id: str):
        return act(case_id, lambda uow, case: operations.retry(
            uow, case, g.principal.subject, RetryStage(body["stage"]), utcnow(),
            registry.cached(settings.registry_path), settings))

    return blp
