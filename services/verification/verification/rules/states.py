"""The states of a verification case and the transitions between them (no I/O).

    OPEN ──approve──────────────▶ APPROVED ──capture──▶ (ENROLLED | ADJUDICATION ──distinct──▶ APPROVED
     │  ──approve a document type without biometrics (KIA)──▶ VERIFIED (printing takes it from there)
     │  ──request_correction──▶ CORRECTION_REQUESTED ──resubmitted──▶ OPEN        └─duplicate─▶ REJECTED)
     │     (past the cap, a verifier's request goes to SUPERVISOR_REVIEW instead)
     │  ──reject──▶ REJECTION_PROPOSED ──confirm (another officer)──▶ REJECTED
     │                                 ──overturn──▶ back where it came from
     │  ──schedule_interview──▶ INTERVIEW_SCHEDULED ──held, or missed──▶ OPEN
     │                                              ──missed too often──▶ SUPERVISOR_REVIEW
    APPROVED ──no-show, nothing rebooked in time──▶ EXPIRED
    any open state ──pause──▶ PAUSED ──resume──▶ the state it had (or reached meanwhile through events)
"""
from __future__ import annotations

import enum

from ektp_shared.lifecycle import Lifecycle


class CaseState(str, enum.Enum):
    OPEN = "OPEN"
    INTERVIEW_SCHEDULED = "INTERVIEW_SCHEDULED"
    CORRECTION_REQUESTED = "CORRECTION_REQUESTED"
    SUPERVISOR_REVIEW = "SUPERVISOR_REVIEW"
    REJECTION_PROPOSED = "REJECTION_PROPOSED"
    APPROVED = "APPROVED"
    ADJUDICATION = "ADJUDICATION"
    ENROLLED = "ENROLLED"
    VERIFIED = "VERIFIED"  # approved, and the document type skips biometrics (KIA): verification's part is done
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    PAUSED = "PAUSED"


_S = CaseState
_DECIDABLE = {_S.APPROVED, _S.VERIFIED, _S.REJECTION_PROPOSED, _S.CORRECTION_REQUESTED}
CASE = Lifecycle(CaseState, {
    _S.OPEN: _DECIDABLE | {_S.SUPERVISOR_REVIEW, _S.INTERVIEW_SCHEDULED, _S.PAUSED},
    _S.SUPERVISOR_REVIEW: _DECIDABLE | {_S.OPEN, _S.PAUSED},
    _S.CORRECTION_REQUESTED: {_S.OPEN, _S.PAUSED},
    _S.INTERVIEW_SCHEDULED: {_S.OPEN, _S.SUPERVISOR_REVIEW, _S.PAUSED},
    _S.REJECTION_PROPOSED: {_S.REJECTED, _S.OPEN, _S.SUPERVISOR_REVIEW, _S.PAUSED},
    _S.APPROVED: {_S.ENROLLED, _S.ADJUDICATION, _S.EXPIRED, _S.PAUSED},
    _S.ADJUDICATION: {_S.APPROVED, _S.REJECTED, _S.PAUSED},
    # A paused case resumes into the state it had, or the one events moved it to meanwhile.
    _S.PAUSED: set(CaseState) - {_S.PAUSED},
})
FINAL = CASE.final


class AppointmentState(str, enum.Enum):
    SCHEDULED = "SCHEDULED"
    RESCHEDULED = "RESCHEDULED"  # replaced by another booking; its slot is free again
    NO_SHOW = "NO_SHOW"  # the office day ended without a capture; its slot is free again
    ATTENDED = "ATTENDED"  # biometrics captured the applicant


APPOINTMENT = Lifecycle(AppointmentState, {
    AppointmentState.SCHEDULED: {AppointmentState.RESCHEDULED, AppointmentState.NO_SHOW, AppointmentState.ATTENDED},
})


class InterviewState(str, enum.Enum):
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    NO_SHOW = "NO_SHOW"


INTERVIEW = Lifecycle(InterviewState, {InterviewState.SCHEDULED: {InterviewState.HELD, InterviewState.NO_SHOW}})
