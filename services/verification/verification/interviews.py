"""Phone or video interviews: an officer schedules one (the citizen is told), records how it went, and
then decides the case."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from ektp_shared import transitions
from ektp_shared.contracts.verification import INTERVIEW_SCHEDULED
from ektp_shared.db import new_id
from ektp_shared.uow import UnitOfWork

from .cases import audit, move
from .models import Case, Interview
from .rules import decisions
from .rules.decisions import DecisionNotAllowed
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
                   now: dt.datetime, lease_seconds: int) -> None:
    """The case returns to the queue, claimed by the officer who held the interview, to decide it."""
    if interview.state != InterviewState.SCHEDULED.value:
        raise DecisionNotAllowed(f"the interview's outcome was already recorded ({interview.state})", "outcome")
    state = decisions.interview_held(CaseState(case.state))
    held = InterviewState.HELD if body["outcome"] == "held" else InterviewState.NO_SHOW
    transitions.move_or_refuse(uow.session, INTERVIEW, interview, held, now, field="interview_id",
                               outcome_notes={"notes": body.get("notes")}, recorded_by=officer)
    move(uow, case, state, now)
    case.claimed_by, case.lease_expires_at = officer, now + dt.timedelta(seconds=lease_seconds)
    audit(uow, officer, "interview.recorded", case, now, {"state": CaseState.INTERVIEW_SCHEDULED.value},
          {"state": case.state, "interview_id": interview.id, "outcome": interview.state, "notes": body.get("notes")})
