"""Phone or video interviews: an officer schedules one (the citizen is told, and reminded the day before),
records how it went, and then decides the case. A held interview returns the case to the officer to decide; a
missed one (no show) to the officer to schedule another, and after too many, to a supervisor."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select

from ektp_shared import transitions
from ektp_shared.contracts.verification import INTERVIEW_HELD, INTERVIEW_MISSED, INTERVIEW_REMINDER, INTERVIEW_SCHEDULED
from ektp_shared.db import new_id
from ektp_shared.uow import UnitOfWork

from .cases import audit, move
from .models import Case, Interview
from .rules import decisions
from .rules.decisions import DecisionNotAllowed
from .rules.interviews import after_no_show, reminder_due
from .rules.states import INTERVIEW, CaseState, InterviewState


def schedule(uow: UnitOfWork, case: Case, officer: str, roles: Collection[str], body: dict[str, Any],
             now: dt.datetime) -> Interview:
    if body["starts_at"] <= now:
        raise DecisionNotAllowed("an interview is scheduled in the future", "starts_at")
    state = decisions.schedule_interview(CaseState(case.state), roles)
    interview = Interview(id=new_id(), case_id=case.id, starts_at=body["starts_at"], channel=body["channel"],
                          contact={"phone": body.get("phone"), "join_url": body.get("join_url")},
                          state=InterviewState.SCHEDULED.value, state_since=now, scheduled_by=officer, created_at=now)
    uow.session.add(interview)
    uow.emit(INTERVIEW_SCHEDULED, {"application_id": case.application_id, "interview_id": interview.id,
                                   "starts_at": interview.starts_at, "channel": interview.channel,
                                   "join_url": body.get("join_url")}, correlation_id=case.application_id)
    move(uow, case, state, now)
    audit(uow, officer, "interview.scheduled", case, now, {"state": CaseState.OPEN.value},
          {"state": case.state, "interview_id": interview.id, "starts_at": interview.starts_at.isoformat(),
           "channel": interview.channel})
    return interview


def record_outcome(uow: UnitOfWork, case: Case, interview: Interview, officer: str, body: dict[str, Any],
                   now: dt.datetime, lease_seconds: int, max_no_shows: int) -> None:
    """Held: the case returns to the queue, claimed by the officer who held it, to decide. No show: claimed by the
    officer to schedule another, unless the citizen missed `max_no_shows` already: then a supervisor's review."""
    if interview.state != InterviewState.SCHEDULED.value:
        raise DecisionNotAllowed(f"the interview's outcome was already recorded ({interview.state})", "outcome")
    decisions.interview_held(CaseState(case.state))
    held = InterviewState.HELD if body["outcome"] == "held" else InterviewState.NO_SHOW
    transitions.move_or_refuse(uow.session, INTERVIEW, interview, held, now, field="interview_id",
                               outcome_notes={"notes": body.get("notes")}, recorded_by=officer)
    about = {"application_id": case.application_id, "interview_id": interview.id, "starts_at": interview.starts_at,
             "channel": interview.channel}
    if held is InterviewState.HELD:
        state = CaseState.OPEN
        uow.emit(INTERVIEW_HELD, about, correlation_id=case.application_id)
    else:
        missed = _missed(uow, case)
        state = after_no_show(missed, max_no_shows)
        uow.emit(INTERVIEW_MISSED, {**about, "missed": missed, "next": (
            "supervisor_review" if state is CaseState.SUPERVISOR_REVIEW else "new_interview")},
            correlation_id=case.application_id)
    move(uow, case, state, now)
    if state is CaseState.OPEN:
        case.claimed_by, case.lease_expires_at = officer, now + dt.timedelta(seconds=lease_seconds)
    else:  # a supervisor takes it from the queue
        case.claimed_by, case.lease_expires_at = None, None
    audit(uow, officer, "interview.recorded", case, now, {"state": CaseState.INTERVIEW_SCHEDULED.value},
          {"state": case.state, "interview_id": interview.id, "outcome": interview.state, "notes": body.get("notes")})


def _missed(uow: UnitOfWork, case: Case) -> int:
    uow.session.flush()
    return uow.session.scalar(select(func.count()).select_from(Interview).where(
        Interview.case_id == case.id, Interview.state == InterviewState.NO_SHOW.value)) or 0


def remind_due(uow: UnitOfWork, now: dt.datetime, lead: dt.timedelta) -> list[Interview]:
    """Interviews due within `lead` that were booked earlier than that and not yet reminded: remind once each."""
    reminded = []
    rows = uow.session.execute(select(Interview, Case).join(Case, Case.id == Interview.case_id).where(
        Interview.state == InterviewState.SCHEDULED.value, Interview.reminded_at.is_(None),
        Interview.starts_at > now, Interview.starts_at <= now + lead)).all()
    for interview, case in rows:
        if not reminder_due(interview.starts_at, interview.created_at, now, lead):
            continue
        interview.reminded_at = now
        uow.emit(INTERVIEW_REMINDER, {"application_id": case.application_id, "interview_id": interview.id,
                                      "starts_at": interview.starts_at, "channel": interview.channel,
                                      "join_url": (interview.contact or {}).get("join_url")},
                 correlation_id=case.application_id)
        reminded.append(interview)
    return reminded
