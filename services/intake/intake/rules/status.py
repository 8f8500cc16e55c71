"""The citizen-facing status of an application and how each event moves it (no I/O).

Events can arrive out of order (retries, several producers), so an event changes the status only if it
happened at or after the event that set the current one; every event still enters the timeline.
"""
from __future__ import annotations

import datetime as dt

from ektp_shared.contracts import biometrics as bio
from ektp_shared.contracts import printing as prn
from ektp_shared.contracts import verification as ver

from .states import FINAL_STAGES, Stage

STAGE_OF_EVENT = {
    ver.APPLICATION_VERIFIED.type: Stage.VERIFIED,
    ver.CORRECTION_REQUESTED.type: Stage.CORRECTION_REQUESTED,
    ver.APPLICATION_REJECTED.type: Stage.REJECTED,
    ver.APPOINTMENT_SCHEDULED.type: Stage.APPOINTMENT_SCHEDULED,
    ver.INTERVIEW_SCHEDULED.type: Stage.INTERVIEW_SCHEDULED,
    ver.INTERVIEW_HELD.type: Stage.INTERVIEW_HELD,
    ver.INTERVIEW_MISSED.type: Stage.INTERVIEW_MISSED,
    ver.APPLICATION_EXPIRED.type: Stage.EXPIRED,
    ver.ADJUDICATION_DECIDED.type: Stage.ADJUDICATED,
    bio.BIOMETRICS_ENROLLED.type: Stage.ENROLLED,
    bio.DUPLICATE_SUSPECTED.type: Stage.UNDER_ADJUDICATION,
    bio.FACE_MISMATCH.type: Stage.FACE_REVIEW,
    prn.CARD_PRINTED.type: Stage.PRINTED,
    prn.CARD_READY_FOR_PICKUP.type: Stage.READY_FOR_PICKUP,
    prn.CARD_COLLECTED.type: Stage.COLLECTED,
    prn.CARD_TEMPORARY_LETTER_ISSUED.type: Stage.TEMPORARY_LETTER_ISSUED,
    prn.CARD_REFUSED_AT_PICKUP.type: Stage.REFUSED_AT_PICKUP,
}
# Events the citizen's timeline shows without a change of stage (the card still waits at the office).
NOTED_EVENTS = {
    prn.CARD_PICKUP_REMINDER.type: "PICKUP_REMINDER",
    ver.INTERVIEW_REMINDER.type: "INTERVIEW_REMINDER",
}
# What of an event's data the citizen's timeline shows (never documents or another person's data).
TIMELINE_DETAIL = frozenset({"message", "reason_code", "reason", "corrections", "round", "rounds_left", "starts_at",
                             "office", "channel", "join_url", "pickup_from", "card_serial", "collected_by", "decision",
                             "letter_number", "valid_until", "reminder_number", "fields", "result", "missed",
                             "next", "old_card"})


def moves_status(current: Stage, current_since: dt.datetime, event_time: dt.datetime) -> bool:
    """A final stage is never left; otherwise the newer event wins."""
    return current not in FINAL_STAGES and event_time >= current_since


def time_in_stage(since: dt.datetime, until: dt.datetime) -> float:
    return max(0.0, (until - since).total_seconds())
