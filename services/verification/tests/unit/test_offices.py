"""Offices' slots (rules/offices.py): working days only — no weekend, no public holiday, no announced closure."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ektp_shared.calendar import WorkingDays
from ektp_shared.testing.holidays import idul_fitri_on_a_weekday
from verification.rules.offices import NoFreeSlot, Office, default_office, first_free_slot

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = Office("X", "X", "X", "Asia/Jakarta", daily_capacity=3, opens=dt.time(8), closes=dt.time(11))
EVERY_DAY = WorkingDays()


def test_slots_skip_weekends_and_reuse_freed_positions():
    friday_evening = dt.datetime(2026, 11, 27, 18, tzinfo=WIB)
    day, position = first_free_slot(OFFICE, friday_evening, {}, EVERY_DAY)
    assert (day, position) == (dt.date(2026, 11, 30), 0), "Saturday and Sunday are skipped"
    assert first_free_slot(OFFICE, friday_evening, {dt.date(2026, 11, 30): {0, 2}}, EVERY_DAY) == (dt.date(2026, 11, 30), 1)
    assert first_free_slot(OFFICE, friday_evening, {dt.date(2026, 11, 30): {0, 1, 2}}, EVERY_DAY)[0] == dt.date(2026, 12, 1)
    assert OFFICE.slot_start(dt.date(2026, 11, 30), 2) == dt.datetime(2026, 11, 30, 10, tzinfo=WIB)
    with pytest.raises(NoFreeSlot):
        first_free_slot(OFFICE, friday_evening, {dt.date(2026, 11, 30) + dt.timedelta(days=i): {0, 1, 2}
                                                 for i in range(70)}, EVERY_DAY)


def test_no_appointment_is_given_on_idul_fitri():
    syawal = idul_fitri_on_a_weekday()
    evening_before = dt.datetime.combine(syawal - dt.timedelta(days=1), dt.time(18), WIB)
    day, _ = first_free_slot(OFFICE, evening_before, {}, EVERY_DAY)
    assert day > syawal and EVERY_DAY.is_working(day)
    assert EVERY_DAY.holiday_name(syawal).startswith("Eid al-Fitr")


def test_an_announced_closure_cuti_bersama_is_skipped_too():
    monday = dt.date(2026, 11, 30)
    closed = WorkingDays([monday])
    friday_evening = dt.datetime(2026, 11, 27, 18, tzinfo=WIB)
    assert first_free_slot(OFFICE, friday_evening, {}, closed)[0] == dt.date(2026, 12, 1)


def test_an_office_keeps_the_time_of_its_province():
    assert default_office("91.01.01.2001", 30, dt.time(8), dt.time(15)).timezone == "Asia/Jayapura"
    assert default_office("51.71.01.1001", 30, dt.time(8), dt.time(15)).timezone == "Asia/Makassar"
    assert default_office("32.01.01.1002", 30, dt.time(8), dt.time(15)).timezone == "Asia/Jakarta"
