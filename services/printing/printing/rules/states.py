"""The states of a card, of a print job and of a blank card, and the transitions between them (no I/O).

A card: AWAITING_BIOMETRICS ──enrolled──▶ QUEUED_FOR_PRINT ──printed──▶ READY_FOR_PICKUP ──handover──▶ COLLECTED
           (with operator inspection: ──printed──▶ AWAITING_QC ──passed──▶ READY_FOR_PICKUP; a defect queues a reprint)
           QUEUED_FOR_PRINT ──too many spoiled cards──▶ PRINT_FAILED ──operator's reprint──▶ QUEUED_FOR_PRINT
           READY_FOR_PICKUP ──refused at the counter──▶ AWAITING_CORRECTION ──corrected data / reprint──▶ QUEUED_FOR_PRINT
           READY_FOR_PICKUP ──reprint (damaged or lost in the office)──▶ QUEUED_FOR_PRINT
           COLLECTED ──the holder collects a replacement──▶ WITHDRAWN (its serial void)

A print job (print_jobs.py has the attempt protocol): queued ──attempt recorded──▶ sent ──▶ printed ──▶ qc_passed |
qc_failed; sent ──not delivered, spoiled (under the limit), never arrived──▶ queued; sent ──spoiled past the limit,
written off──▶ failed.

A blank card: available ──reserved for an attempt──▶ reserved ──good card──▶ issued; reserved ──never reached the
printer──▶ available; any of them ──spoiled, refused, failed inspection──▶ void.
"""
from __future__ import annotations

import enum

from ektp_shared.lifecycle import Lifecycle


class CardState(str, enum.Enum):
    AWAITING_BIOMETRICS = "AWAITING_BIOMETRICS"  # verified data kept; printing waits for the enrolment
    QUEUED_FOR_PRINT = "QUEUED_FOR_PRINT"  # a print job is queued or at a printer
    PRINT_FAILED = "PRINT_FAILED"  # the job gave up (spoiled cards): an operator decides on a reprint
    AWAITING_QC = "AWAITING_QC"  # printed; an operator inspects it before pickup is announced
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    AWAITING_CORRECTION = "AWAITING_CORRECTION"  # refused at pickup: reprinted once the data is corrected
    COLLECTED = "COLLECTED"
    WITHDRAWN = "WITHDRAWN"  # the holder collected a replacement and handed this card in (or reported it lost)


_C = CardState
CARD = Lifecycle(CardState, {
    _C.AWAITING_BIOMETRICS: {_C.QUEUED_FOR_PRINT},
    _C.QUEUED_FOR_PRINT: {_C.AWAITING_QC, _C.READY_FOR_PICKUP, _C.PRINT_FAILED},
    _C.PRINT_FAILED: {_C.QUEUED_FOR_PRINT},
    _C.AWAITING_QC: {_C.READY_FOR_PICKUP, _C.QUEUED_FOR_PRINT},
    _C.READY_FOR_PICKUP: {_C.COLLECTED, _C.AWAITING_CORRECTION, _C.QUEUED_FOR_PRINT},
    _C.AWAITING_CORRECTION: {_C.QUEUED_FOR_PRINT},
    _C.COLLECTED: {_C.WITHDRAWN},
})


class JobState(str, enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    PRINTED = "printed"
    QC_PASSED = "qc_passed"
    QC_FAILED = "qc_failed"
    FAILED = "failed"


_J = JobState
PRINT_JOB = Lifecycle(JobState, {
    _J.QUEUED: {_J.SENT},
    _J.SENT: {_J.PRINTED, _J.QUEUED, _J.FAILED},
    _J.PRINTED: {_J.QC_PASSED, _J.QC_FAILED},
})


class BlankState(str, enum.Enum):
    AVAILABLE = "available"
    RESERVED = "reserved"
    ISSUED = "issued"
    VOID = "void"


_B = BlankState
# A blank card's updated_at changes only with its state: it is the state's time stamp.
BLANK_CARD = Lifecycle(BlankState, {
    _B.AVAILABLE: {_B.RESERVED, _B.VOID},
    _B.RESERVED: {_B.ISSUED, _B.AVAILABLE, _B.VOID},
    _B.ISSUED: {_B.VOID},
}, since_attribute="updated_at")
