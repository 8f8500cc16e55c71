"""Phone or video interviews: an officer schedules one (the citizen is told, and reminded the day before),
records how it went, and then decides the case. A held interview returns the case to the officer to decide; a
missed one (no show) to the officer to schedule another, and after too many, to a supervisor."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ektp_shared import transitions
from ektp_shared.contracts.verification import INTERVIEW_HELD, INTERVIEW_MISSED, INTERVIEW_REMINDER, INTERVIEW_SCHEDULED
from ektp_shared.db import new_id
from ektp_shared.refusal import Refused, conflict
from ektp_shared.uow import UnitOfWork

from .cases import audit, move
from .models import Case, Interview, InterviewSlot
from .rules import decisions
from .rules.decisions import DecisionNotAllowed
from .rules.interviews import after_no_show, reminder_due, slot_times
from .rules.states import INTERVIEW, CaseState, InterviewState


def offer(uow: UnitOfWork, officer: str, body: dict[str, Any], now: dt.datetime) -> list[InterviewSlot]:
    """The officer's availability: consecutive slots from `starts_at`; a time already offered is refused."""
    if body["starts_at"] <= now:
        raise Refused("not_in_future", "availability is offered for the future", field="starts_at")
    slots = [InterviewSlot(id=new_id(), officer=officer, starts_at=at, minutes=body["minutes"], created_at=now)
             for at in slot_times(body["starts_at"], body["count"], body["minutes"])]
    try:
        with uow.session.begin_nested():
            uow.session.add_all(slots)
    except IntegrityError as exc:
        raise conflict("slot_exists", "the officer already offered one of these times", field="starts_at") from exc
    return slots


def slots(uow: UnitOfWork, officer: str | None, free: bool, now: dt.datetime) -> list[InterviewSlot]:
    query = select(InterviewSlot).where(InterviewSlot.starts_at > now).order_by(InterviewSlot.starts_at, InterviewSlot.officer)
    if officer:
        query = query.where(InterviewSlot.officer == officer)
    if free:
        query = query.where(InterviewSlot.interview_id.is_(None))
    return list(uow.session.scalars(query))


def _take_slot(uow: UnitOfWork, officer: str, slot_id: str | None, interview_id: str, now: dt.datetime) -> dt.datetime:
    """The officer's chosen free slot, else their earliest: taken for this interview (once, even if two schedule
    at the same moment). Returns its start."""
    free = [s for s in slots(uow, officer, True, now) if slot_id is None or s.id == slot_id]
    if not free:
        raise conflict("no_free_slot", "no free slot of your availability" + (" with this id" if slot_id else "")
                       + "; offer some with POST /v1/interview-slots, or give starts_at", field="slot_id")
    taken = uow.session.execute(update(InterviewSlot).where(InterviewSlot.id == free[0].id,
                                                            InterviewSlot.interview_id.is_(None))
                                .values(interview_id=interview_id))
    if taken.rowcount != 1:
        raise conflict("no_free_slot", "the slot was taken meanwhile", field="slot_id")
    return free[0].starts_at


def schedule(uow: UnitOfWork, case: Case, officer: str, roles: Collection[str], body: dict[str, Any],
             now: dt.datetime) -> Interview:
    """At the time the officer gives, or in a slot of the officer's availability."""
    if body["starts_at"] is not None and body["starts_at"] <= now:
        raise DecisionNotAllowed("an interview is scheduled in the future", "starts_at")
    state = decisions.schedule_interview(CaseState(case.state), roles)
    interview_id = new_id()
    starts_at = body["starts_at"] or _take_slot(uow, officer, body["slot_id"], interview_id, now)
    interview = Interview(id=interview_id, case_id=case.id, starts_at=starts_at, channel=body["channel"],
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
        Interview.starts_at > now, Interview.starts_at <= now + lead)
        .with_for_update(of=Interview, skip_locked=True)).all()  # two workers never remind the same interview
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
