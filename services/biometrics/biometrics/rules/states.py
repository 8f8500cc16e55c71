"""The states of an enrolment, from approval to the gallery (no I/O; docs/biometrics.md, The service).

AWAITING_CAPTURE --capture passes quality--> IDENTIFYING --face verified, no duplicate--> ENROLLED
IDENTIFYING --face not verified--> FACE_REVIEW --officer: same person--> IDENTIFYING
                                               --officer: recapture--> AWAITING_CAPTURE
IDENTIFYING --a replacement's fingers are not the holder's (rules/holder_checks.py)--> FACE_REVIEW
IDENTIFYING --candidates found--> DUPLICATE_SUSPECTED --adjudicated distinct--> ENROLLING --INSERT--> ENROLLED
                                                      --adjudicated duplicate--> NOT_ENROLLED
"""
from __future__ import annotations

import enum

from ektp_shared.lifecycle import Lifecycle


class EnrolmentState(str, enum.Enum):
    AWAITING_CAPTURE = "AWAITING_CAPTURE"
    IDENTIFYING = "IDENTIFYING"
    FACE_REVIEW = "FACE_REVIEW"
    DUPLICATE_SUSPECTED = "DUPLICATE_SUSPECTED"
    ENROLLING = "ENROLLING"
    ENROLLED = "ENROLLED"
    NOT_ENROLLED = "NOT_ENROLLED"


_E = EnrolmentState
ENROLMENT = Lifecycle(EnrolmentState, {
    _E.AWAITING_CAPTURE: {_E.IDENTIFYING},
    _E.IDENTIFYING: {_E.FACE_REVIEW, _E.DUPLICATE_SUSPECTED, _E.ENROLLED},
    _E.FACE_REVIEW: {_E.IDENTIFYING, _E.AWAITING_CAPTURE},
    _E.DUPLICATE_SUSPECTED: {_E.ENROLLING, _E.NOT_ENROLLED},
    _E.ENROLLING: {_E.ENROLLED},
})
STATES = tuple(state.value for state in EnrolmentState)
OPEN = frozenset(s.value for s in EnrolmentState) - {s.value for s in ENROLMENT.final}
