"""A replacement or a data change is made for someone who holds a card already: whether the person
captured at the desk is that card's holder (no I/O).

The citizen's own earlier enrolment is found by the NIK's keyed hash. Its fingers are compared 1:1 with
the new capture's at the 1:1 false-match rate. A match is recorded (score and decision) and the 1:N
search then runs with the holder's own enrolments left out: finding oneself is no duplicate, and no
adjudicator is asked. A mismatch (the person at the desk is not the enrolled holder) waits for an
officer's review, as a face that did not match the photo does, with this as the reason. Where the NIK has
no enrolment here (a card issued before this platform), there is nobody to compare with: the 1:N search
runs in full and only a hit goes to an adjudicator, as for a first card.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from .face_checks import MATCH, NO_MATCH, ReviewableCheck

# Kinds whose applicant holds (or held) an e-KTP: the card is issued again for the same person.
REISSUE_KINDS = frozenset({"data_change", "replacement_lost", "replacement_damaged", "move_in"})


def checks_holder(kind: str | None) -> bool:
    return kind in REISSUE_KINDS


@dataclasses.dataclass(frozen=True)
class HolderCheck(ReviewableCheck):
    result: str  # MATCH or NO_MATCH
    against: str  # the application id of the holder's enrolment compared with
    evidence: float  # decades of evidence, all compared fingers fused (the 1:1 score)
    fmr: float  # the calibrated chance that another person's fingers score as well
    target_fmr: float
    fingers: list[int]  # ISO positions compared
    review: dict[str, Any] | None = None  # decision, officer, note, at


def judged(against: str, match: bool, evidence: float, fmr: float, target_fmr: float,
           fingers: list[int]) -> HolderCheck:
    return HolderCheck(MATCH if match else NO_MATCH, against, evidence, fmr, target_fmr, sorted(fingers))
