"""What a 1:1 face result means for an enrolment (rules/face_checks.py), and the enrolment's lifecycle."""
from __future__ import annotations

import datetime as dt

import pytest

from biometrics.rules import face_checks
from biometrics.rules.face_checks import FaceCheck
from biometrics.rules.states import ENROLMENT, EnrolmentState

AT = dt.datetime(2026, 12, 2, 3, tzinfo=dt.timezone.utc)


def test_a_matching_face_or_an_application_without_a_photo_goes_on_to_the_search():
    assert face_checks.judged(True, 1e-5, 0.3, "dlib", 1e-3).passes
    assert FaceCheck(face_checks.NO_PHOTO).passes


def test_a_face_that_does_not_match_or_an_unusable_photo_waits_for_an_officer():
    assert not face_checks.judged(False, 0.02, 0.7, "dlib", 1e-3).passes
    assert not face_checks.unusable("intake served a photo other than the one submitted").passes


def test_an_officers_verdict_decides_and_is_kept_with_their_name_and_note():
    mismatch = face_checks.judged(False, 0.02, 0.7, "dlib", 1e-3)
    same = face_checks.reviewed(mismatch, face_checks.SAME_PERSON, "ana", "KK and photo checked at the counter", AT)
    assert same.passes and same.review == {"decision": "same_person", "officer": "ana",
                                           "note": "KK and photo checked at the counter", "at": AT.isoformat()}
    assert not face_checks.reviewed(mismatch, face_checks.RECAPTURE, "ana", None, AT).passes


def test_a_face_that_verified_is_not_reviewed():
    with pytest.raises(ValueError, match="did not verify"):
        face_checks.reviewed(face_checks.judged(True, 1e-5, 0.3, "dlib", 1e-3), face_checks.SAME_PERSON, "ana", "x", AT)


def test_the_record_round_trips_through_json_without_empty_fields():
    check = face_checks.unusable("no face found")
    assert check.to_json() == {"result": "photo_unusable", "reason": "no face found"}
    assert FaceCheck.from_json(check.to_json()) == check


def test_enrolment_lifecycle_ends_enrolled_or_not_and_a_review_can_only_send_back_or_on():
    assert ENROLMENT.final == {EnrolmentState.ENROLLED, EnrolmentState.NOT_ENROLLED}
    assert ENROLMENT.transitions[EnrolmentState.FACE_REVIEW] == {EnrolmentState.IDENTIFYING,
                                                                 EnrolmentState.AWAITING_CAPTURE}
    assert not ENROLMENT.allows(EnrolmentState.AWAITING_CAPTURE, EnrolmentState.ENROLLED), "no enrolment without a search"
