"""How events move the citizen-facing stage (rules/status.py, rules/states.py), with plain values."""
from __future__ import annotations

import datetime as dt

import pytest

from ektp_shared.contracts import CATALOG
from ektp_shared.lifecycle import IllegalTransition
from intake.rules.states import APPLICATION, FINAL_STAGES, Stage
from intake.rules.status import STAGE_OF_EVENT, moves_status, time_in_stage

T0 = dt.datetime(2026, 12, 1, 3, tzinfo=dt.timezone.utc)


def test_a_newer_event_moves_the_stage_and_an_older_one_only_enters_the_timeline():
    assert moves_status(Stage.VERIFIED, T0, T0 + dt.timedelta(seconds=1))
    assert moves_status(Stage.VERIFIED, T0, T0), "an event of the same moment still counts"
    assert not moves_status(Stage.APPOINTMENT_SCHEDULED, T0, T0 - dt.timedelta(minutes=5))


@pytest.mark.parametrize("final", sorted(FINAL_STAGES))
def test_a_final_stage_is_never_left_whatever_arrives_later(final):
    assert not moves_status(final, T0, T0 + dt.timedelta(days=1))
    assert all(not APPLICATION.allows(final, stage) for stage in Stage)


def test_every_event_the_timeline_follows_is_in_the_catalogue_and_its_stage_can_be_reached():
    assert set(STAGE_OF_EVENT) <= set(CATALOG)
    for stage in set(STAGE_OF_EVENT.values()):
        assert APPLICATION.allows(Stage.SUBMITTED, stage), stage


def test_a_draft_is_submitted_by_its_citizen_or_expires_and_no_event_moves_it():
    assert APPLICATION.transitions[Stage.DRAFT] == {Stage.SUBMITTED, Stage.AWAITING_PAYMENT, Stage.EXPIRED}
    with pytest.raises(IllegalTransition):
        APPLICATION.check(Stage.DRAFT, Stage.VERIFIED)
    assert APPLICATION.allows(Stage.CORRECTION_REQUESTED, Stage.RESUBMITTED)
    assert not APPLICATION.allows(Stage.VERIFIED, Stage.RESUBMITTED)


def test_an_application_awaiting_its_fee_is_paid_or_expires_and_no_event_brings_it_back():
    assert APPLICATION.transitions[Stage.AWAITING_PAYMENT] == {Stage.SUBMITTED, Stage.EXPIRED}
    assert not any(APPLICATION.allows(stage, Stage.AWAITING_PAYMENT) for stage in Stage if stage != Stage.DRAFT)


def test_time_in_stage_is_never_negative():
    assert time_in_stage(T0, T0 + dt.timedelta(minutes=2)) == 120
    assert time_in_stage(T0, T0 - dt.timedelta(minutes=2)) == 0
