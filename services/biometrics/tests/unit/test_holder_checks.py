"""Whether a replacement's capture is the card holder's (rules/holder_checks.py)."""
from __future__ import annotations

import datetime as dt

from biometrics.rules import face_checks, holder_checks
from biometrics.rules.holder_checks import HolderCheck

AT = dt.datetime(2026, 12, 3, 7, tzinfo=dt.timezone.utc)
APPLICATION = "6f1c0b9e-3f55-4d7a-9d0e-7b2f1a4c8e21"


def test_only_a_card_issued_again_is_checked_against_its_holder():
    assert all(holder_checks.checks_holder(k) for k in ("data_change", "replacement_lost", "replacement_damaged",
                                                        "move_in"))
    assert not any(holder_checks.checks_holder(k) for k in ("new", "outside_domicile", None))


def test_the_holders_fingers_go_on_and_another_persons_wait_for_an_officer():
    match = holder_checks.judged(APPLICATION, True, 9.2, 6e-10, 1e-4, [7, 2])
    assert match.passes and match.fingers == [2, 7]
    mismatch = holder_checks.judged(APPLICATION, False, 1.1, 0.08, 1e-4, [2, 7])
    assert not mismatch.passes
    same = face_checks.reviewed(mismatch, face_checks.SAME_PERSON, "ana", "old KTP checked", AT)
    assert same.passes and same.review["officer"] == "ana"
    assert HolderCheck.from_json(same.to_json()) == same, "stored and read back as it was"
    assert not face_checks.reviewed(mismatch, face_checks.RECAPTURE, "ana", None, AT).passes
