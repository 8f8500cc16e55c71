"""Who may act on a case in each state, and where each action leads (no I/O); the states and their
transitions are in states.py."""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from ektp_shared.reference.application_kinds import application_kind
from ektp_shared.refusal import Refused, Why

from .states import FINAL, CaseState


class Decision(str, enum.Enum):
    APPROVE = "approve"
    REQUEST_CORRECTION = "request_correction"
    REJECT = "reject"


class DecisionNotAllowed(Refused):
    """The action does not fit the case's state or the officer's roles; the message says why, ``field``
    names the input the refusal is about."""

    def __init__(self, message: str, field: str = "case_id"):
        super().__init__("not_allowed", message, field=field, location="path" if field == "case_id" else "json",
                         why=Why.CONFLICT)


SUPERVISOR = "supervisor"
ADMIN = "admin"
# Who works each queue (admin may do anything).
QUEUE_ROLES = {
    CaseState.OPEN: frozenset({"verifier", SUPERVISOR}),
    CaseState.SUPERVISOR_REVIEW: frozenset({SUPERVISOR}),
    CaseState.REJECTION_PROPOSED: frozenset({SUPERVISOR}),
    CaseState.ADJUDICATION: frozenset({"biometric_adjudicator"}),
}


@dataclasses.dataclass(frozen=True)
class Outcome:
    state: CaseState
    escalated: bool = False  # a verifier's correction past the cap went to a supervisor instead


def may_work(state: CaseState, roles: Collection[str]) -> bool:
    return ADMIN in roles or bool(QUEUE_ROLES.get(state, frozenset()) & set(roles))


def _require_queue(state: CaseState, roles: Collection[str], field: str) -> None:
    if state not in QUEUE_ROLES:
        raise DecisionNotAllowed(f"the case is {state.value}; no officer decision is open", field)
    if not may_work(state, roles):
        raise DecisionNotAllowed(f"a case in {state.value} is decided by: {', '.join(sorted(QUEUE_ROLES[state]))}", field)


def check_corrections(kind: str, corrections: Iterable[Mapping[str, Any]]) -> None:
    """A correction names what the citizen can change: not a field the kind does not ask (a child's card asks no
    marital status or occupation, so the parent has no such field to correct)."""
    not_asked = {f"applicant.{name}" for name in application_kind(kind).implied_fields}
    for index, correction in enumerate(corrections):
        if correction["field"] in not_asked:
            raise Refused("not_asked", f"a {kind} application does not ask {correction['field']}; the citizen "
                                       "cannot correct it", field=f"corrections.{index}.field")


def decide(state: CaseState, decision: Decision, roles: Collection[str], correction_rounds: int,
           correction_cap: int) -> Outcome:
    if state not in (CaseState.OPEN, CaseState.SUPERVISOR_REVIEW):
        raise DecisionNotAllowed(f"the case is {state.value}; only an open case or one under supervisor review is decided", "decision")
    _require_queue(state, roles, "decision")
    if decision is Decision.APPROVE:
        return Outcome(CaseState.APPROVED)
    if decision is Decision.REJECT:
        return Outcome(CaseState.REJECTION_PROPOSED)
    supervisor = SUPERVISOR in roles or ADMIN in roles
    if correction_rounds >= correction_cap and not supervisor:
        return Outcome(CaseState.SUPERVISOR_REVIEW, escalated=True)
    return Outcome(CaseState.CORRECTION_REQUESTED)


def confirm_rejection(state: CaseState, roles: Collection[str], officer: str, proposer: str) -> CaseState:
    """Four eyes: the officer who proposed a rejection cannot confirm it."""
    if state is not CaseState.REJECTION_PROPOSED:
        raise DecisionNotAllowed(f"the case is {state.value}; there is no rejection to confirm", "confirm")
    _require_queue(state, roles, "confirm")
    if officer == proposer:
        raise DecisionNotAllowed("four eyes: a rejection is confirmed by another officer than the one who proposed it", "confirm")
    return CaseState.REJECTED


def overturn_rejection(state: CaseState, roles: Collection[str], back_to: str) -> CaseState:
    if state is not CaseState.REJECTION_PROPOSED:
        raise DecisionNotAllowed(f"the case is {state.value}; there is no rejection to overturn", "confirm")
    _require_queue(state, roles, "confirm")
    return CaseState(back_to)


def schedule_interview(state: CaseState, roles: Collection[str]) -> CaseState:
    if state is not CaseState.OPEN:
        raise DecisionNotAllowed(f"the case is {state.value}; an interview is scheduled for an open case", "starts_at")
    _require_queue(state, roles, "starts_at")
    return CaseState.INTERVIEW_SCHEDULED


def interview_held(state: CaseState) -> CaseState:
    if state is not CaseState.INTERVIEW_SCHEDULED:
        raise DecisionNotAllowed(f"the case is {state.value}; no interview is waiting for its outcome", "outcome")
    return CaseState.OPEN


def adjudicate(state: CaseState, roles: Collection[str], distinct: bool) -> CaseState:
    if state is not CaseState.ADJUDICATION:
        raise DecisionNotAllowed(f"the case is {state.value}; no suspected duplicate waits for adjudication", "decision")
    _require_queue(state, roles, "decision")
    return CaseState.APPROVED if distinct else CaseState.REJECTED


def pause(state: CaseState) -> CaseState:
    if state is CaseState.PAUSED or state in FINAL:
        raise DecisionNotAllowed(f"the case is {state.value}; only a case in progress can be paused")
    return CaseState.PAUSED


def resume(state: CaseState, resume_state: str | None) -> CaseState:
    if state is not CaseState.PAUSED or resume_state is None:
        raise DecisionNotAllowed(f"the case is {state.value}, not paused")
    return CaseState(resume_state)


class RetryStage(str, enum.Enum):
    CHECKS = "checks"  # run the automatic checks again (e.g. after the registry was updated)
    REVIEW = "review"  # put the case back in the verifiers' queue
    APPOINTMENT = "appointment"  # book and announce a new capture appointment
    VERIFIED = "verified"  # publish the approval again, for a downstream stage that lost it


RETRY_FROM = {
    RetryStage.CHECKS: frozenset(CaseState) - FINAL - {CaseState.PAUSED},
    RetryStage.REVIEW: frozenset({CaseState.OPEN, CaseState.CORRECTION_REQUESTED, CaseState.INTERVIEW_SCHEDULED,
                                  CaseState.SUPERVISOR_REVIEW}),
    RetryStage.APPOINTMENT: frozenset({CaseState.APPROVED}),
    RetryStage.VERIFIED: frozenset({CaseState.APPROVED, CaseState.VERIFIED}),
}


def retry(state: CaseState, stage: RetryStage) -> None:
    if state not in RETRY_FROM[stage]:
        allowed = ", ".join(sorted(s.value for s in RETRY_FROM[stage]))
        raise DecisionNotAllowed(f"the case is {state.value}; retrying from {stage.value} needs one of: {allowed}")
