"""The stages of an application as the citizen sees them, and the moves between them (no I/O).

The citizen moves a draft to SUBMITTED (or, where a regional fee applies, to AWAITING_PAYMENT and the
gateway's confirmed payment on to SUBMITTED), a correction to RESUBMITTED, an appointment to RESCHEDULE_REQUESTED;
every other stage is reached through another service's event (status.py says which), and a draft never
submitted expires. Events can arrive out of order, so any stage of a submitted, unfinished application may be
followed by any stage an event sets; REJECTED, COLLECTED and EXPIRED are final.
"""
from __future__ import annotations

import enum

from ektp_shared.lifecycle import Lifecycle


class Stage(str, enum.Enum):
    DRAFT = "DRAFT"
    AWAITING_PAYMENT = "AWAITING_PAYMENT"  # submitted where a regional fee applies; verification waits for it
    SUBMITTED = "SUBMITTED"
    CORRECTION_REQUESTED = "CORRECTION_REQUESTED"
    RESUBMITTED = "RESUBMITTED"
    INTERVIEW_SCHEDULED = "INTERVIEW_SCHEDULED"
    INTERVIEW_HELD = "INTERVIEW_HELD"
    INTERVIEW_MISSED = "INTERVIEW_MISSED"
    REJECTED = "REJECTED"
    VERIFIED = "VERIFIED"
    APPOINTMENT_SCHEDULED = "APPOINTMENT_SCHEDULED"
    RESCHEDULE_REQUESTED = "RESCHEDULE_REQUESTED"
    EXPIRED = "EXPIRED"
    FACE_REVIEW = "FACE_REVIEW"
    UNDER_ADJUDICATION = "UNDER_ADJUDICATION"
    ADJUDICATED = "ADJUDICATED"
    ENROLLED = "ENROLLED"
    TEMPORARY_LETTER_ISSUED = "TEMPORARY_LETTER_ISSUED"
    PRINTED = "PRINTED"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    REFUSED_AT_PICKUP = "REFUSED_AT_PICKUP"
    COLLECTED = "COLLECTED"


FINAL_STAGES = frozenset({Stage.REJECTED, Stage.COLLECTED, Stage.EXPIRED})
# An application in one of these stages (once submitted) blocks a second application for the same NIK.
ACTIVE_STAGES = frozenset(Stage) - FINAL_STAGES
# The citizen may change data and documents only here.
EDITABLE_STAGES = frozenset({Stage.DRAFT, Stage.CORRECTION_REQUESTED})
# A reschedule is possible once an appointment is booked and before the capture took place.
RESCHEDULABLE_STAGES = frozenset({Stage.APPOINTMENT_SCHEDULED})
# Reached only through another service's event.
EVENT_STAGES = frozenset(Stage) - {Stage.DRAFT, Stage.AWAITING_PAYMENT, Stage.SUBMITTED, Stage.RESUBMITTED,
                                   Stage.RESCHEDULE_REQUESTED}
_SUBMITTED = ACTIVE_STAGES - {Stage.DRAFT}

APPLICATION = Lifecycle(Stage, {
    Stage.DRAFT: {Stage.SUBMITTED, Stage.AWAITING_PAYMENT, Stage.EXPIRED},  # a draft never submitted expires
    **{stage: (EVENT_STAGES - {stage}) for stage in _SUBMITTED},
    Stage.AWAITING_PAYMENT: {Stage.SUBMITTED, Stage.EXPIRED},  # the gateway's confirmed payment, or none in time
    Stage.CORRECTION_REQUESTED: (EVENT_STAGES - {Stage.CORRECTION_REQUESTED}) | {Stage.RESUBMITTED},
    Stage.APPOINTMENT_SCHEDULED: (EVENT_STAGES - {Stage.APPOINTMENT_SCHEDULED}) | {Stage.RESCHEDULE_REQUESTED},
}, state_attribute="status", since_attribute="status_since")
