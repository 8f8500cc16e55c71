"""Which printers take cards and how long a job waits before it is tried again (rules/rotation.py,
rules/backoff.py), with plain values."""
from __future__ import annotations

import datetime as dt

import pytest

from printing.drivers import Condition, PrinterStatus
from printing.rules import backoff, rotation

T0 = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.timezone.utc)


def status(*conditions: Condition, online: bool = True) -> PrinterStatus:
    return PrinterStatus(online=online, conditions=frozenset(conditions))


@pytest.mark.parametrize(("reported", "verdict"), [
    (status(), rotation.Verdict(True)),
    (status(Condition.RIBBON_LOW), rotation.Verdict(True)),
    (status(Condition.JAM, Condition.RIBBON_LOW), rotation.Verdict(False, "jam")),
    (status(Condition.FEEDER_EMPTY, Condition.COVER_OPEN), rotation.Verdict(False, "cover_open,feeder_empty")),
    (status(Condition.OFFLINE, online=False), rotation.Verdict(False, "offline")),
])
def test_a_printer_is_in_rotation_exactly_when_it_is_ready(reported, verdict):
    assert rotation.judge(reported, held_by_operator=False) == verdict


def test_an_operators_hold_wins_over_a_ready_printer():
    assert rotation.judge(status(), held_by_operator=True, held_reason="cleaning") == rotation.Verdict(False, "cleaning")


def test_the_printer_that_waited_longest_takes_the_next_card():
    candidates = [rotation.Candidate("a", True, T0 + dt.timedelta(minutes=5)), rotation.Candidate("b", True, T0),
                  rotation.Candidate("c", False, None)]
    assert rotation.choose(candidates) == "b"
    assert rotation.choose([*candidates, rotation.Candidate("d", True, None)]) == "d", "a printer never used first"
    assert rotation.choose([rotation.Candidate("c", False, None)]) is None


def test_retries_wait_twice_as_long_each_time_up_to_a_cap():
    assert [backoff.delay(n, 30, 900) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]
    assert backoff.delay(10_000, 30, 900) == 900
    with pytest.raises(ValueError):
        backoff.delay(0, 30, 900)
