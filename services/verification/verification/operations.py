"""Operators' hands on a single application (admin API, every action audited): pause it, resume it, or
retry it from a stage — the checks, the officers' review, the appointment, or the approval's event."""
from __future__ import annotations

import datetime as dt

from ektp_shared import transitions
from ektp_shared.calendar import local_day
from ektp_shared.uow import UnitOfWork

from . import appointments
from .cases import audit, emit_verified, move, run_checks
from .context import VerificationContext
from .models import Case
from .rules import decisions
from .rules.decisions import RetryStage
from .rules.states import CASE, CaseState


def pause(uow: UnitOfWork, case: Case, operator: str, reason: str, now: dt.datetime) -> None:
    before = {"state": case.state}
    state = decisions.pause(CaseState(case.state))
    transitions.move_or_refuse(uow.session, CASE, case, state, now, field="case_id", resume_state=case.state,
                               claimed_by=None, lease_expires_at=None)
    audit(uow, operator, "operations.paused", case, now, before, {"state": case.state, "reason": reason})


def resume(uow: UnitOfWork, case: Case, operator: str, now: dt.datetime) -> None:
    before = {"state": case.state, "resume_state": case.resume_state}
    state = decisions.resume(CaseState(case.state), case.resume_state)
    transitions.move_or_refuse(uow.session, CASE, case, state, now, field="case_id", resume_state=None)
    audit(uow, operator, "operations.resumed", case, now, before, {"state": case.state})


def retry(uow: UnitOfWork, case: Case, operator: str, stage: RetryStage, now: dt.datetime,
          context: VerificationContext) -> None:
    decisions.retry(CaseState(case.state), stage)
    before = {"state": case.state, "flags": sorted(f["code"] for f in case.findings or [])}
    detail: dict[str, object] = {}
    if stage is RetryStage.CHECKS:
        run_checks(uow, case, context.registry.current(), local_day(now))
        detail["flags"] = sorted(f["code"] for f in case.findings)
    elif stage is RetryStage.REVIEW:
        case.queued_at = case.opened_at  # back where it first stood in the queue
        move(uow, case, CaseState.OPEN, now)
    elif stage is RetryStage.APPOINTMENT:
        booked = appointments.rebook(uow, case, now, context)
        detail["appointment"] = {"id": booked.id, "starts_at": booked.starts_at.isoformat()}
    else:
        emit_verified(uow, case, appointments.office_of(uow, appointments.served_region(case), context.settings),
                      now)
    audit(uow, operator, f"operations.retry.{stage.value}", case, now, before, {"state": case.state, **detail})
