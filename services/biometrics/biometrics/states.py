"""The states of an enrolment, from approval to the gallery (docs/biometrics.md, The service).

AWAITING_CAPTURE --capture passes quality--> IDENTIFYING --face verified, no duplicate--> ENROLLED
IDENTIFYING --face not verified--> FACE_REVIEW --officer: same person--> IDENTIFYING
                                               --officer: recapture--> AWAITING_CAPTURE
IDENTIFYING --candidates found--> DUPLICATE_SUSPECTED --adjudicated distinct--> ENROLLING --INSERT--> ENROLLED
                                                      --adjudicated duplicate--> NOT_ENROLLED
"""
AWAITING_CAPTURE = "AWAITING_CAPTURE"
IDENTIFYING = "IDENTIFYING"
FACE_REVIEW = "FACE_REVIEW"
DUPLICATE_SUSPECTED = "DUPLICATE_SUSPECTED"
ENROLLING = "ENROLLING"
ENROLLED = "ENROLLED"
NOT_ENROLLED = "NOT_ENROLLED"

STATES = (AWAITING_CAPTURE, IDENTIFYING, FACE_REVIEW, DUPLICATE_SUSPECTED, ENROLLING, ENROLLED, NOT_ENROLLED)
OPEN = frozenset(STATES) - {ENROLLED, NOT_ENROLLED}
