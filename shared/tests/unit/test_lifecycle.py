"""The platform's lifecycle table and calendar (ektp_shared.lifecycle, ektp_shared.calendar), with plain values."""
from __future__ import annotations

import datetime as dt
import enum

import pytest

from ektp_shared.calendar import WorkingDays, local_day, parse_closures, zone_of_region
from ektp_shared.lifecycle import IllegalTransition, Lifecycle
from ektp_shared.refusal import Why


class Light(str, enum.Enum):
    RED = "RED"
    GREEN = "GREEN"
    OFF = "OFF"


LIGHT = Lifecycle(Light, {Light.RED: {Light.GREEN, Light.OFF}, Light.GREEN: {Light.RED, Light.OFF}})


def test_a_lifecycle_allows_what_it_lists_and_its_final_states_are_those_nothing_leaves():
    assert LIGHT.allows(Light.RED, Light.GREEN) and not LIGHT.allows(Light.OFF, Light.RED)
    assert LIGHT.final == {Light.OFF}
    assert LIGHT.edges()[0] == (Light.RED, Light.GREEN)


def test_a_transition_the_table_does_not_list_is_refused_as_a_conflict():
    with pytest.raises(IllegalTransition) as refused:
        LIGHT.check(Light.OFF, Light.GREEN)
    assert refused.value.why is Why.CONFLICT and "OFF to GREEN" in refused.value.message


def test_a_table_that_names_an_unknown_state_is_a_programming_error():
    class Other(str, enum.Enum):
        X = "X"

    with pytest.raises(ValueError):
        Lifecycle(Light, {Light.RED: {Other.X}})


def test_office_days_are_local_and_skip_weekends_holidays_and_closures():
    late_evening_utc = dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.timezone.utc)
    assert local_day(late_evening_utc, zone_of_region("32.01")) == dt.date(2026, 12, 2)  # WIB: 00:30 next day
    assert local_day(late_evening_utc, zone_of_region("94.71")) == dt.date(2026, 12, 2)  # WIT
    days = WorkingDays(parse_closures("2026-12-24, 2026-12-28"))
    assert days.after(dt.date(2026, 12, 23), 1) == dt.date(2026, 12, 29), "closure, Christmas, weekend, closure"
    assert days.on_or_after(dt.date(2026, 8, 17)) == dt.date(2026, 8, 18), "Independence Day"
    assert days.holiday_name(dt.date(2026, 12, 25)) == "Christmas Day"
