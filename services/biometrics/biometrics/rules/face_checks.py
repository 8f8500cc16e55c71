"""The live face against the application's photo: what a 1:1 result means for the enrolment.

A capture whose face matches the photo at the configured false-match rate goes on to the 1:N search.
One that does not, or whose photo has no usable face, is never accepted silently: the enrolment waits
for an officer who sees the citizen, the documents and both pictures, and who decides "same person"
(the search then runs, with the officer's name and note on the record) or "recapture". An application
submitted without a photo (only a first card requires one) has nothing to compare with: that is
recorded as ``no_photo`` and the 1:N search runs.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar, Self, TypeVar

MATCH = "match"
NO_MATCH = "no_match"
PHOTO_UNUSABLE = "photo_unusable"
NO_PHOTO = "no_photo"
SAME_PERSON = "same_person"
RECAPTURE = "recapture"
REVIEW_DECISIONS = (SAME_PERSON, RECAPTURE)


class ReviewableCheck:
    """A 1:1 check an officer may overrule: what passes unreviewed (``PASSING`` results), and the officer's
    decision once reviewed. Subclasses are frozen dataclasses with ``result`` and ``review`` fields."""

    PASSING: ClassVar[frozenset[str]] = frozenset({MATCH})
    result: str
    review: dict[str, Any] | None

    @property
    def passes(self) -> bool:
        """May the capture go on to the 1:N search?"""
        if self.review is not None:
            return self.review["decision"] == SAME_PERSON
        return self.result in self.PASSING

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**data)


@dataclasses.dataclass(frozen=True)
class FaceCheck(ReviewableCheck):
    PASSING = frozenset({MATCH, NO_PHOTO})
    result: str
    fmr: float | None = None  # the calibrated chance that another person's face scores as well
    score: float | None = None
    method: str | None = None
    target_fmr: float | None = None
    reason: str | None = None  # photo_unusable: why, for the officer
    review: dict[str, Any] | None = None  # decision, officer, note, at


def judged(match: bool, fmr: float, score: float, method: str, target_fmr: float) -> FaceCheck:
    return FaceCheck(MATCH if match else NO_MATCH, fmr, score, method, target_fmr)


def unusable(reason: str) -> FaceCheck:
    return FaceCheck(PHOTO_UNUSABLE, reason=reason)


Checked = TypeVar("Checked", bound=ReviewableCheck)


def reviewed(check: Checked, decision: str, officer: str, note: str | None, at: dt.datetime) -> Checked:
    if decision not in REVIEW_DECISIONS:
        raise ValueError(f"unknown review decision {decision!r}")
    if check.passes:
        raise ValueError("only a check that did not verify is reviewed")
    return dataclasses.replace(check, review={"decision": decision, "officer": officer, "note": note,
                                              "at": at.isoformat()})
