"""HTTP routes of the verification service (officers, bearer JWT): the work queue and claims, decisions,
interviews, adjudication, offices, and the operators' admin actions. Every read of a case is audited.
Routes parse, call a use case and respond; a use case's refusal becomes its 4xx in ektp_shared.web."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ektp_shared import logs
from ektp_shared.auth import office_scope, require_office, requires
from ektp_shared.db import utcnow
from ektp_shared.links import LinkSigner
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError
from ektp_shared.web.paths import get_or_404

from . import adjudication, appointments, cases, dashboard, interviews, offices, operations, views, work_queue
from .context import VerificationContext
from .models import AuditEntry, Case, Interview
from .rules.decisions import RetryStage
from .rules.states import CaseState
from .schemas import (
    AdjudicationIn,
    AppointmentQuery,
    AvailabilityIn,
    CaseOut,
    CaseQuery,
    CaseSummaryOut,
    ClaimNextIn,
    DashboardOut,
    DashboardQuery,
    DayAppointmentOut,
    DecisionIn,
    InterviewIn,
    InterviewOutcomeIn,
    OfficeIn,
    OfficeOut,
    PauseIn,
    RejectionReviewIn,
    RetryIn,
    SlotOut,
    SlotQuery,
)

BEARER = [{"bearerAuth": []}]
OFFICERS = ("verifier", "supervisor", "biometric_adjudicator")
WIB = ZoneInfo("Asia/Jakarta")


def _case(uow: Any, case_id: str) -> Case:
    """The case, if it is of an office the officer works for (403 otherwise)."""
    case = get_or_404(uow.session, Case, case_id, "case_id", "no case has this id")
    require_office(case.office_code, field="case_id")
    logs.correlation_id.set(case.application_id)
    return case


def _filters(state: str, office: str | None, kind: str | None, flag: str | None,
             unclaimed: bool = False) -> work_queue.Filters:
    if office is not None:
        require_office(office, field="office", location="query")
    return work_queue.Filters(CaseState(state), office, kind, flag, unclaimed, office_scope())


def _officer() -> tuple[str, frozenset[str]]:
    return g.principal.subject, g.principal.roles


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("cases", __name__, url_prefix="/v1/cases",
                    description="The officers' work queue: claims, decisions, interviews and adjudication.")
    settings = runtime.settings

    def context() -> VerificationContext:
        return runtime.context

    def signed_by(signer: LinkSigner) -> views.Link:
        # Each document service checks its links with its own key: intake's documents, biometrics' faces.
        return lambda base, path: base.rstrip("/") + signer.sign(path, settings.document_link_seconds)

    intake_link = signed_by(LinkSigner(settings.intake_link_secret))
    biometrics_link = signed_by(LinkSigner(settings.biometrics_link_secret))

    def view(uow: Any, case: Case) -> dict[str, Any]:
        return views.case_view(uow, case, intake_link, settings.intake_url)

    def audited_view(uow: Any, case: Case, action: str = "case.read") -> dict[str, Any]:
        cases.audit(uow, g.principal.subject, action, case, utcnow(), after={"state": case.state})
        out = view(uow, case)
        uow.commit()
        return out

    def claimed(uow: Any, case_id: str) -> Case:
        case = _case(uow, case_id)
        work_queue.require_claim(case, g.principal.subject, utcnow())
        return case

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
                return [views.summary(uow, found)] if found and g.principal.serves(found.office_code) else []
            filters = _filters(query["state"], query["office"], query["kind"], query["flag"], query["unclaimed"])
            return [views.summary(uow, c) for c in work_queue.listing(uow, filters, utcnow(), query["limit"])]

    @blp.route("/claim-next", methods=["POST"])
    @requires(*OFFICERS)
    @blp.arguments(ClaimNextIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Claim the next free case of a queue (priority, then oldest) and see it.", security=BEARER)
    def claim_next(body: dict[str, Any]):
        officer, roles = _officer()
        with runtime.uow() as uow:
            filters = _filters(body["state"], body["office"], body["kind"], body["flag"])
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
            work_queue.claim(uow, case, officer, roles, utcnow(), settings.claim_lease_seconds)
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
            cases.decide_case(uow, case, officer, roles, body, utcnow(), context())
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
            cases.confirm_rejection(uow, case, officer, roles, body["confirm"], body["note"], utcnow())
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
            interviews.schedule(uow, case, officer, roles, body, utcnow())
            uow.commit()
            return view(uow, case)

    @blp.route("/<case_id>/interviews/<interview_id>/outcome", methods=["POST"])
    @requires("verifier", "supervisor")
    @blp.arguments(InterviewOutcomeIn)
    @blp.response(200, CaseOut)
    @blp.doc(summary="Record how the interview went (held or no_show); the case comes back claimed by you, to decide "
                     "or to schedule another interview, or after too many no-shows goes to a supervisor.",
             security=BEARER)
    def interview_outcome(body: dict[str, Any], case_id: str, interview_id: str):
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            interview = uow.session.get(Interview, interview_id)
            if interview is None or interview.case_id != case.id:
                raise ApiError(404, "not_found", "this case has no interview with this id", field="interview_id",
                               location="path")
            interviews.record_outcome(uow, case, interview, g.principal.subject, body, utcnow(),
                                      settings.claim_lease_seconds, settings.interview_max_no_shows)
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
            out = views.adjudication_view(uow, case, biometrics_link, settings.biometrics_url)
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
            adjudication.decide(uow, case, officer, roles, body, utcnow())
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
                {"actor": e.actor, "office_code": e.office_code, "action": e.action, "at": e.at.isoformat(),
                 "before": e.before, "after": e.after}
                for e in entries]}

    return blp


def slots_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("interview_slots", __name__, url_prefix="/v1/interview-slots",
                    description="Officers' availability for interviews.")

    @blp.route("", methods=["POST"])
    @requires("verifier", "supervisor")
    @blp.arguments(AvailabilityIn)
    @blp.response(201, SlotOut(many=True))
    @blp.doc(summary="Offer your availability: `count` consecutive slots of `minutes` from `starts_at`; an interview "
                     "scheduled without a time takes one.", security=BEARER)
    def offer(body: dict[str, Any]):
        with runtime.uow() as uow:
            offered = interviews.offer(uow, g.principal.subject, body, utcnow())
            uow.commit()
            return [views.slot(s) for s in offered]

    @blp.route("", methods=["GET"])
    @requires("verifier", "supervisor")
    @blp.arguments(SlotQuery, location="query")
    @blp.response(200, SlotOut(many=True))
    @blp.doc(summary="Future interview slots, earliest first: free ones unless free=false; one officer's with "
                     "officer=.", security=BEARER)
    def list_slots(query: dict[str, Any]):
        with runtime.uow() as uow:
            return [views.slot(s) for s in interviews.slots(uow, query["officer"], query["free"], utcnow())]

    return blp


def appointments_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("appointments", __name__, url_prefix="/v1/appointments",
                    description="Biometric-capture appointments, by office day (the capture desk's list).")

    @blp.route("", methods=["GET"])
    @requires("biometric_operator", "supervisor", "verifier")
    @blp.arguments(AppointmentQuery, location="query")
    @blp.response(200, DayAppointmentOut(many=True))
    @blp.doc(summary="An office day's capture appointments in time order, of your offices (or one of them with "
                     "office=): who is expected, who came (ATTENDED) and who did not (NO_SHOW).", security=BEARER)
    def of_day(query: dict[str, Any]):
        if query["office"] is not None:
            require_office(query["office"], field="office", location="query")
        with runtime.uow() as uow:
            found = appointments.of_day(uow, query["day"], WIB, query["office"], office_scope())
            return [views.appointment(appointment, case) for appointment, case in found]

    return blp


def dashboard_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("dashboard", __name__, url_prefix="/v1/dashboard",
                    description="The supervisor's view of an office: the funnel, the age per stage, stuck cases.")

    @blp.route("", methods=["GET"])
    @requires("supervisor")
    @blp.arguments(DashboardQuery, location="query")
    @blp.response(200, DashboardOut)
    @blp.doc(summary="Cases per state in funnel order with the oldest's wait, and the open cases stuck longer than "
                     "stuck_hours: of your offices, or one of them with office=.", security=BEARER)
    def read(query: dict[str, Any]):
        if query["office"] is not None:
            require_office(query["office"], field="office", location="query")
        now, scope = utcnow(), office_scope()
        with runtime.uow() as uow:
            return {"stages": dashboard.stages(uow, query["office"], scope, now),
                    "stuck": dashboard.stuck(uow, query["office"], scope, now, query["stuck_hours"])}

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
            return offices.listing(uow, office_scope())

    @blp.route("/<code>", methods=["PUT"])
    @requires("admin")
    @blp.arguments(OfficeIn)
    @blp.response(200, OfficeOut)
    @blp.doc(summary="Create or change an office (admin): region served, daily capacity, opening hours.",
             security=BEARER)
    def put_office(body: dict[str, Any], code: str):
        with runtime.uow() as uow:
            row = offices.put(uow, code, body)
            try:
                uow.commit()
            except IntegrityError as exc:  # another admin created the same office at the same moment
                raise ApiError(409, "conflict", "the office was changed meanwhile; send it again", field="code",
                               location="path") from exc
            return row

    return blp


def admin_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("operations", __name__, url_prefix="/v1/admin/cases",
                    description="Operators' actions on one application: pause, resume, retry from a stage (audited; "
                                "a supervisor of the case's office, or the national admin).")

    def act(case_id: str, action) -> dict[str, Any]:
        with runtime.uow() as uow:
            case = _case(uow, case_id)
            action(uow, case)
            uow.commit()
            return {"case_id": case.id, "state": case.state, "resume_state": case.resume_state}

    @blp.route("/<case_id>/pause", methods=["POST"])
    @requires("admin", "supervisor")
    @blp.arguments(PauseIn)
    @blp.doc(summary="Pause a case: no claims, decisions or automatic expiry until resumed.", security=BEARER)
    def pause(body: dict[str, Any], case_id: str):
        return act(case_id, lambda uow, case: operations.pause(uow, case, g.principal.subject, body["reason"], utcnow()))

    @blp.route("/<case_id>/resume", methods=["POST"])
    @requires("admin", "supervisor")
    @blp.doc(summary="Resume a paused case in the state it had (or reached meanwhile through events).",
             security=BEARER)
    def resume(case_id: str):
        return act(case_id, lambda uow, case: operations.resume(uow, case, g.principal.subject, utcnow()))

    @blp.route("/<case_id>/retry", methods=["POST"])
    @requires("admin", "supervisor")
    @blp.arguments(RetryIn)
    @blp.doc(summary="Retry from a stage: `checks`, `review`, `appointment` or `verified` (re-publish the approval).",
             security=BEARER)
    def retry(body: dict[str, Any], case_id: str):
        return act(case_id, lambda uow, case: operations.retry(
            uow, case, g.principal.subject, RetryStage(body["stage"]), utcnow(), runtime.context))

    return blp
