"""Which decisions an officer may take on a case in each state (no I/O)."""
from __future__ import annotations

import enum


class CaseState(str, enum.Enum):
    OPEN = "OPEN"
    APPROVED = "APPROVED"
    CORRECTION_REQUESTED = "CORRECTION_REQUESTED"
    REJECTED = "REJECTED"


class Decision(str, enum.Enum):
    APPROVE = "approve"
    REQUEST_CORRECTION = "request_correction"
    REJECT = "reject"


OUTCOME = {
    Decision.APPROVE: CaseState.APPROVED,
    Decision.REQUEST_CORRECTION: CaseState.CORRECTION_REQUESTED,
    Decision.REJECT: CaseState.REJECTED,
}


class DecisionNotAllowed(ValueError):
    pass


def decide(state: CaseState, decision: Decision) -> CaseState:
    if state is not CaseState.OPEN:
        raise DecisionNotAllowed(f"the case is {state.value}; only an open case can be decided")
    return OUTCOME[decision]
