"""Use cases of a verification case: open it from a submission (with the automatic checks), take back a
resubmission, the officers' decisions (with four eyes on a rejection), and the audit of each.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, select

from ektp_shared import transitions
from ektp_shared.calendar import local_day
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.common import CardHolderSchema
from ektp_shared.contracts.documents import Step, skips
from ektp_shared.contracts.verification import APPLICATION_REJECTED, APPLICATION_VERIFIED, CORRECTION_REQUESTED
from ektp_shared.db import new_id
from ektp_shared.reference.application_kinds import application_kind
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from . import appointments
from .context import VerificationContext
from .models import Appointment, AuditEntry, Case, CaseFlag
from .rules import checks, decisions
from .rules.decisions import Decision
from .rules.registry import FamilyRegistry
from .rules.states import CASE, CaseState

# marshmallow schemas are reusable; building one copies its fields, so it is built once.
CARD_HOLDER = CardHolderSchema()
SYSTEM = "system"
RESUBMITTED_PRIORITY = 1


def flag(uow: UnitOfWork, case: Case, code: str, now: dt.datetime) -> None:
    """Add a flag from outside the automatic checks (idempotent)."""
    if uow.session.get(CaseFlag, (case.id, code)) is None:
        uow.session.add(CaseFlag(case_id=case.id, code=code))
        audit(uow, "biometrics", "case.flagged", case, now, after={"flag": code})


def audit(uow: UnitOfWork, actor: str, action: str, case: Case, now: dt.datetime, before: dict[str, Any] | None = None,
          after: dict[str, Any] | None = None) -> None:
    uow.session.add(AuditEntry(actor=actor, action=action, case_id=case.id, office_code=case.office_code, at=now, before=before,
                               after=after if after is not None else {"state": case.state}))


def move(uow: UnitOfWork, case: Case, state: CaseState, now: dt.datetime, **values: Any) -> None:
    """Change the state (and release the claim); a paused case keeps its pause and will resume into the new
    state. The case is locked by the caller's transaction, so the move cannot lose a race."""
    if case.state == CaseState.PAUSED.value and state is not CaseState.PAUSED:
        if case.resume_state != state.value:
            CASE.check(CaseState(case.resume_state), state)
        case.resume_state = state.value
        for name, value in values.items():
            setattr(case, name, value)
        return
    transitions.move_or_refuse(uow.session, CASE, case, state, now, field="case_id", claimed_by=None,
                               lease_expires_at=None, **values)


def by_application(uow: UnitOfWork, application_id: str) -> Case | None:
    return uow.session.scalars(select(Case).where(Case.application_id == application_id)).first()


def _set_findings(uow: UnitOfWork, case: Case, findings: list[dict[str, Any]]) -> None:
    case.findings = findings
    uow.session.execute(delete(CaseFlag).where(CaseFlag.case_id == case.id))
    uow.session.add_all(CaseFlag(case_id=case.id, code=code) for code in sorted(checks.flags(findings)))


def run_checks(uow: UnitOfWork, case: Case, registry: FamilyRegistry, on: dt.date) -> None:
    _set_findings(uow, case, checks.run_checks(case.kind, case.changes or [], case.applicant, case.documents, registry, on,
                                               case.parent))


def _take_data(case: Case, data: dict[str, Any]) -> None:
    case.applicant = jsonable(data["applicant"])
    case.residence = jsonable(data.get("residence"))
    case.documents = [jsonable(d) for d in data["documents"]]
    case.changes = list(data.get("changes") or [])
    case.office_regency = data.get("office_regency")
    case.parent = jsonable(data.get("parent"))


def open_case(uow: UnitOfWork, event: CloudEvent, now: dt.datetime, context: VerificationContext) -> Case:
    data = event.data
    existing = by_application(uow, str(data["application_id"]))
    if existing is not None:  # the same submission under another event id (a producer's retry)
        return existing
    case = Case(id=new_id(), application_id=str(data["application_id"]), receipt_number=data["receipt_number"],
                kind=data["kind"], state=CaseState.OPEN.value, state_since=now, opened_at=now, queued_at=now,
                priority=0, correction_rounds=0)
    _take_data(case, data)
    case.office_code = appointments.office_of(uow, appointments.served_region(case), context.settings).code
    uow.session.add(case)
    uow.session.flush()
    run_checks(uow, case, context.registry.current(), local_day(data["submitted_at"]))
    audit(uow, SYSTEM, "case.opened", case, now, after={"state": case.state, "flags": sorted(checks.flags(case.findings))})
    return case


def take_resubmission(uow: UnitOfWork, event: CloudEvent, now: dt.datetime, registry: FamilyRegistry) -> Case | None:
    """The citizen answered a correction: new data and documents, checks again, back to the queue."""
    data = event.data
    case = by_application(uow, str(data["application_id"]))
    waiting = CaseState.CORRECTION_REQUESTED.value
    if case is None or waiting not in (case.state, case.resume_state) or data["round"] != case.correction_rounds:
        return None  # not waiting for this round (a stale or repeated resubmission): nothing to take
    before = {"state": case.state, "documents": [d["sha256"] for d in case.documents]}
    _take_data(case, data)
    run_checks(uow, case, registry, local_day(data["submitted_at"]))
    case.priority = RESUBMITTED_PRIORITY
    move(uow, case, CaseState.OPEN, now)
    audit(uow, SYSTEM, "case.resubmitted", case, now, before,
          {"state": case.state, "round": data["round"], "documents": [d["sha256"] for d in case.documents],
           "flags": sorted(checks.flags(case.findings))})
    return case


def decide_case(uow: UnitOfWork, case: Case, officer: str, roles: Collection[str], body: dict[str, Any],
                now: dt.datetime, context: VerificationContext) -> decisions.Outcome:
    decision = Decision(body["decision"])
    before = {"state": case.state, "correction_rounds": case.correction_rounds}
    settings = context.settings
    outcome = decisions.decide(CaseState(case.state), decision, roles, case.correction_rounds, settings.correction_cap)
    if decision is Decision.REQUEST_CORRECTION:
        decisions.check_corrections(case.kind, body.get("corrections", []))
    case.reason_code, case.message = body.get("reason_code"), body.get("message")
    if decision is Decision.APPROVE:
        approve(uow, case, officer, now, context)
    elif decision is Decision.REJECT:
        case.proposed_rejection = {"by": officer, "reason_code": body["reason_code"], "message": body["message"],
                                   "at": now.isoformat(), "from_state": case.state}
        move(uow, case, outcome.state, now)
    elif outcome.escalated:
        # Past the cap a verifier does not send the citizen another round: a supervisor decides.
        move(uow, case, outcome.state, now)
    else:
        case.correction_rounds += 1
        uow.emit(CORRECTION_REQUESTED, {
            "application_id": case.application_id, "reason_code": body["reason_code"], "message": body["message"],
            "corrections": body.get("corrections", []), "round": case.correction_rounds,
            "rounds_left": max(0, settings.correction_cap - case.correction_rounds)}, correlation_id=case.application_id)
        _decided(case, officer, now)
        move(uow, case, outcome.state, now)
    action = "decision.escalated" if outcome.escalated else f"decision.{decision.value}"
    audit(uow, officer, action, case, now, before,
          {"state": case.state, "reason_code": case.reason_code, "message": case.message,
           "corrections": body.get("corrections", []), "correction_rounds": case.correction_rounds})
    return outcome


def _decided(case: Case, officer: str, now: dt.datetime) -> None:
    case.decided_at, case.decided_by = now, officer


def document_type(case: Case) -> str:
    return application_kind(case.kind).document_type.value


def approve(uow: UnitOfWork, case: Case, officer: str, now: dt.datetime,
            context: VerificationContext) -> Appointment | None:
    """Approved: the capture appointment is booked, unless the document type skips biometrics (a child's card),
    whose approval alone sends the card to printing."""
    office = appointments.office_of(uow, appointments.served_region(case), context.settings)
    emit_verified(uow, case, office, now)
    _decided(case, officer, now)
    if skips(document_type(case), Step.BIOMETRICS):
        move(uow, case, CaseState.VERIFIED, now)
        return None
    move(uow, case, CaseState.APPROVED, now)
    return appointments.book(uow, case, office, now, context)


def _photo(case: Case) -> dict[str, Any] | None:
    return next((d for d in case.documents if d["kind"] == "photo"), None)


def emit_verified(uow: UnitOfWork, case: Case, office: Any, now: dt.datetime) -> None:
    data = {"application_id": case.application_id, "receipt_number": case.receipt_number, "kind": case.kind,
            "document_type": document_type(case), "verified_at": now, "card_holder": CARD_HOLDER.load(case.applicant),
            "office": office.as_event()}
    if skips(data["document_type"], Step.BIOMETRICS):
        # No capture gives the card its portrait: printing prints the photo the parent uploaded (none under 5).
        data.update(parent=case.parent, photo=_photo(case))
    uow.emit(APPLICATION_VERIFIED, data, correlation_id=case.application_id)


def confirm_rejection(uow: UnitOfWork, case: Case, officer: str, roles: Collection[str], confirm: bool, note: str | None,
                      now: dt.datetime) -> None:
    proposal = case.proposed_rejection or {}
    before = {"state": case.state, "proposed_by": proposal.get("by")}
    if confirm:
        state = decisions.confirm_rejection(CaseState(case.state), roles, officer, proposal.get("by", ""))
        reject(uow, case, proposal["reason_code"], proposal["message"], now)
        case.decided_by = f"{proposal['by']}+{officer}"
        move(uow, case, state, now)
    else:
        state = decisions.overturn_rejection(CaseState(case.state), roles, proposal.get("from_state", CaseState.OPEN.value))
        case.proposed_rejection = None
        move(uow, case, state, now)
    audit(uow, officer, "rejection.confirmed" if confirm else "rejection.overturned", case, now, before,
          {"state": case.state, "note": note})


def reject(uow: UnitOfWork, case: Case, reason_code: str, message: str, now: dt.datetime) -> None:
    case.reason_code, case.message, case.decided_at = reason_code, message, now
    case.expires_at = None
    uow.emit(APPLICATION_REJECTED, {"application_id": case.application_id, "reason_code": reason_code,
                                    "message": message}, correlation_id=case.application_id)
