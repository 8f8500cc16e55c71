"""Who may decide a case and where each decision leads, with plain values (rules/decisions.py, rules/states.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from ektp_shared.lifecycle import IllegalTransition
from verification.rules import decisions
from verification.rules.decisions import Decision, DecisionNotAllowed, RetryStage
from verification.rules.interviews import after_no_show, reminder_due
from verification.rules.states import CASE, FINAL, CaseState

VERIFIER, SUPERVISOR, ADMIN, ADJUDICATOR = {"verifier"}, {"supervisor"}, {"admin"}, {"biometric_adjudicator"}


def test_a_verifier_approves_rejects_or_asks_for_a_correction_of_an_open_case():
    assert decisions.decide(CaseState.OPEN, Decision.APPROVE, VERIFIER, 0, 3).state is CaseState.APPROVED
    assert decisions.decide(CaseState.OPEN, Decision.REJECT, VERIFIER, 0, 3).state is CaseState.REJECTION_PROPOSED
    outcome = decisions.decide(CaseState.OPEN, Decision.REQUEST_CORRECTION, VERIFIER, 2, 3)
    assert outcome.state is CaseState.CORRECTION_REQUESTED and not outcome.escalated


def test_past_the_correction_cap_a_verifiers_request_goes_to_a_supervisor_who_may_still_ask():
    escalated = decisions.decide(CaseState.OPEN, Decision.REQUEST_CORRECTION, VERIFIER, 3, 3)
    assert escalated.state is CaseState.SUPERVISOR_REVIEW and escalated.escalated
    by_supervisor = decisions.decide(CaseState.SUPERVISOR_REVIEW, Decision.REQUEST_CORRECTION, SUPERVISOR, 3, 3)
    assert by_supervisor.state is CaseState.CORRECTION_REQUESTED and not by_supervisor.escalated


@pytest.mark.parametrize("state, roles", [
    (CaseState.SUPERVISOR_REVIEW, VERIFIER),  # a supervisor's queue
    (CaseState.OPEN, ADJUDICATOR),  # not a verifier
    (CaseState.APPROVED, ADMIN),  # no decision is open, whoever asks
    (CaseState.PAUSED, SUPERVISOR),
])
def test_a_decision_outside_the_officers_queue_is_refused_naming_the_decision(state, roles):
    with pytest.raises(DecisionNotAllowed) as refused:
        decisions.decide(state, Decision.APPROVE, roles, 0, 3)
    assert refused.value.field == "decision" and refused.value.why.value == 409


def test_four_eyes_the_proposer_cannot_confirm_their_own_rejection():
    with pytest.raises(DecisionNotAllowed, match="four eyes"):
        decisions.confirm_rejection(CaseState.REJECTION_PROPOSED, SUPERVISOR, "ana", "ana")
    assert decisions.confirm_rejection(CaseState.REJECTION_PROPOSED, SUPERVISOR, "budi", "ana") is CaseState.REJECTED
    assert decisions.overturn_rejection(CaseState.REJECTION_PROPOSED, SUPERVISOR, "SUPERVISOR_REVIEW") is \
        CaseState.SUPERVISOR_REVIEW


def test_an_adjudicator_decides_a_suspected_duplicate_and_nobody_else():
    assert decisions.adjudicate(CaseState.ADJUDICATION, ADJUDICATOR, distinct=True) is CaseState.APPROVED
    assert decisions.adjudicate(CaseState.ADJUDICATION, ADJUDICATOR, distinct=False) is CaseState.REJECTED
    with pytest.raises(DecisionNotAllowed):
        decisions.adjudicate(CaseState.ADJUDICATION, VERIFIER, distinct=True)


def test_pause_and_resume():
    assert decisions.pause(CaseState.APPROVED) is CaseState.PAUSED
    for state in (*FINAL, CaseState.PAUSED):
        with pytest.raises(DecisionNotAllowed):
            decisions.pause(state)
    assert decisions.resume(CaseState.PAUSED, "ADJUDICATION") is CaseState.ADJUDICATION
    with pytest.raises(DecisionNotAllowed):
        decisions.resume(CaseState.OPEN, None)


def test_retry_stages_fit_only_the_states_they_name():
    decisions.retry(CaseState.APPROVED, RetryStage.VERIFIED)
    with pytest.raises(DecisionNotAllowed, match="needs one of: APPROVED"):
        decisions.retry(CaseState.OPEN, RetryStage.APPOINTMENT)


def test_every_move_a_decision_makes_is_in_the_case_lifecycle():
    moves = [(CaseState.OPEN, decisions.decide(CaseState.OPEN, d, SUPERVISOR, 0, 3).state) for d in Decision]
    moves += [(CaseState.OPEN, decisions.schedule_interview(CaseState.OPEN, VERIFIER)),
              (CaseState.INTERVIEW_SCHEDULED, decisions.interview_held(CaseState.INTERVIEW_SCHEDULED)),
              (CaseState.ADJUDICATION, decisions.adjudicate(CaseState.ADJUDICATION, ADJUDICATOR, True)),
              (CaseState.REJECTION_PROPOSED, decisions.confirm_rejection(CaseState.REJECTION_PROPOSED, SUPERVISOR,
                                                                         "b", "a"))]
    assert all(CASE.allows(source, target) for source, target in moves), moves


def test_the_lifecycle_refuses_what_it_does_not_list_and_final_states_are_never_left():
    assert FINAL == {CaseState.ENROLLED, CaseState.VERIFIED, CaseState.REJECTED, CaseState.EXPIRED}  # VERIFIED: a KIA
    with pytest.raises(IllegalTransition):
        CASE.check(CaseState.REJECTED, CaseState.OPEN)
    with pytest.raises(IllegalTransition):
        CASE.check(CaseState.CORRECTION_REQUESTED, CaseState.APPROVED)


def test_an_interview_is_reminded_within_the_lead_once_booked_before_it():
    start = dt.datetime(2026, 12, 10, 9, tzinfo=dt.timezone.utc)
    day = dt.timedelta(hours=24)
    booked = start - dt.timedelta(days=3)
    assert not reminder_due(start, booked, start - dt.timedelta(hours=25), day)
    assert reminder_due(start, booked, start - dt.timedelta(hours=23), day)
    assert not reminder_due(start, booked, start, day)  # it has begun
    assert not reminder_due(start, start - dt.timedelta(hours=5), start - dt.timedelta(hours=2), day)


def test_a_missed_interview_brings_a_new_one_until_the_limit_then_a_supervisor():
    assert [after_no_show(missed, 2) for missed in (1, 2, 3)] == [
        CaseState.OPEN, CaseState.SUPERVISOR_REVIEW, CaseState.SUPERVISOR_REVIEW]
