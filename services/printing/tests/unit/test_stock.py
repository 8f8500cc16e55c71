"""Blank-card stock rules (rules/stock.py) and the temporary letter's validity (rules/temporary_letter.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.rules import stock, temporary_letter


@pytest.mark.parametrize(("priority", "available", "threshold", "admission"), [
    (stock.FIRST_TIME, 0, 50, stock.Admission.OUT),
    (stock.REPLACEMENT, 0, 50, stock.Admission.OUT),
    (stock.FIRST_TIME, 1, 50, stock.Admission.PRINT),
    (stock.REPLACEMENT, 50, 50, stock.Admission.WAIT_LOW),
    (stock.REPLACEMENT, 51, 50, stock.Admission.PRINT),
    (stock.REPLACEMENT, 1, 0, stock.Admission.PRINT),
])
def test_who_may_take_a_blank(priority, available, threshold, admission):
    assert stock.admit(priority, available, threshold) is admission


def test_only_a_first_e_ktp_counts_as_first_time():
    assert stock.priority_of("new") == stock.FIRST_TIME
    for kind in ("data_change", "replacement_lost", "replacement_damaged", "move_in"):
        assert stock.priority_of(kind) == stock.REPLACEMENT


@given(prefix=st.from_regex(r"[A-Z]{0,4}(-[A-Z0-9]{1,4})?-?", fullmatch=True),
       start=st.integers(0, 10**6), width=st.integers(7, 9), count=st.integers(1, 500))
def test_a_batch_is_consecutive_serials_that_keep_their_padding(prefix, start, width, count):
    serials = stock.serial_range(f"{prefix}{start:0{width}d}", count)
    assert len(serials) == count == len(set(serials))
    assert all(s.startswith(prefix) and len(s) == len(prefix) + width for s in serials)
    assert [int(s[len(prefix):]) for s in serials] == list(range(start, start + count))


def test_a_batch_that_runs_past_its_digits_is_refused():
    with pytest.raises(ValueError, match="too few digits"):
        stock.serial_range("A-998", 3)
    assert stock.serial_range("A-997", 3) == ["A-997", "A-998", "A-999"]


@pytest.mark.parametrize(("issued", "months", "until"), [
    (dt.date(2026, 11, 27), 6, dt.date(2027, 5, 27)),
    (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
    (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
    (dt.date(2026, 1, 15), 12, dt.date(2027, 1, 15)),
])
def test_the_letter_is_valid_for_six_calendar_months(issued, months, until):
    assert temporary_letter.valid_until(issued, months) == until
