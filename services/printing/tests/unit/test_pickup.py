"""Who may collect a card (rules/pickup.py), with plain values."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ektp_shared.calendar import WorkingDays
from ektp_shared.testing.holidays import idul_fitri_on_a_weekday
from printing.rules import pickup


@pytest.mark.parametrize(("policy", "collector", "relation"), [
    ("none", pickup.Collector(pickup.APPLICANT), "applicant"),
    ("same_kk", pickup.Collector(pickup.REPRESENTATIVE, same_kk=True), "family"),
    ("power_of_attorney", pickup.Collector(pickup.REPRESENTATIVE, same_kk=True), "family"),
    ("power_of_attorney", pickup.Collector(pickup.REPRESENTATIVE, power_of_attorney=True), "attorney"),
])
def test_who_an_office_lets_collect(policy, collector, relation):
    assert pickup.authorise(policy, collector) == relation


@pytest.mark.parametrize(("policy", "collector", "field"), [
    ("none", pickup.Collector(pickup.REPRESENTATIVE, same_kk=True, power_of_attorney=True), "collected_by"),
    ("same_kk", pickup.Collector(pickup.REPRESENTATIVE, power_of_attorney=True), "representative.kk_number"),
    ("power_of_attorney", pickup.Collector(pickup.REPRESENTATIVE), "surat_kuasa"),
])
def test_who_an_office_turns_away(policy, collector, field):
    with pytest.raises(pickup.PickupRefused) as refused:
        pickup.authorise(policy, collector)
    assert refused.value.field == field


def test_a_card_printed_the_day_before_idul_fitri_is_not_collected_on_a_holiday():
    syawal = idul_fitri_on_a_weekday()
    printed = dt.datetime.combine(syawal - dt.timedelta(days=1), dt.time(10), ZoneInfo("Asia/Jakarta"))
    day = pickup.pickup_from(printed, 1, "Asia/Jakarta", WorkingDays())
    assert day > syawal and WorkingDays().is_working(day), day
    assert day != syawal + dt.timedelta(days=1) or WorkingDays().is_working(syawal + dt.timedelta(days=1))


def test_the_pickup_date_counts_working_days_at_the_office():
    friday_evening_wit = dt.datetime(2026, 11, 27, 20, tzinfo=ZoneInfo("Asia/Jayapura"))
    assert pickup.pickup_from(friday_evening_wit, 1, "Asia/Jayapura", WorkingDays()) == dt.date(2026, 11, 30)
    assert pickup.pickup_from(friday_evening_wit, 1, "Asia/Jayapura", WorkingDays([dt.date(2026, 11, 30)])) == \
        dt.date(2026, 12, 1), "an announced closure is not a working day"


@pytest.mark.parametrize("kind", ["data_change", "replacement_damaged", "move_in"])
def test_a_card_replacing_one_the_holder_still_has_needs_the_old_card_handed_in(kind):
    assert pickup.old_card(kind, pickup.HANDED_IN) == pickup.HANDED_IN
    with pytest.raises(pickup.PickupRefused) as refused:
        pickup.old_card(kind, None)
    assert refused.value.field == "old_card"


def test_one_matching_finger_verifies_and_fingers_that_all_failed_need_the_officer_s_reason():
    assert pickup.fingerprint([False, True], None) == pickup.VERIFIED
    assert pickup.fingerprint([], None) == pickup.NOT_CHECKED
    with pytest.raises(pickup.PickupRefused) as refused:
        pickup.fingerprint([False, False], "   ")
    assert refused.value.field == "fingerprint_override"
    assert pickup.fingerprint([False], "jari terluka; KK dan KTP lama dicocokkan") == pickup.OVERRIDDEN


def test_a_lost_card_is_covered_by_its_loss_report_and_a_first_card_replaces_none():
    assert pickup.old_card("replacement_lost", None) == pickup.REPORTED_LOST
    assert pickup.old_card("new", None) is None and pickup.old_card("outside_domicile", None) is None
    with pytest.raises(pickup.PickupRefused):
        pickup.old_card("new", pickup.HANDED_IN)


def test_the_surat_kuasa_must_name_the_one_collecting_by_nik_and_name():
    assert pickup.attorney_mismatch("h1", "Dewi Lestari", "h1", " dewi  lestari") is None
    assert pickup.attorney_mismatch("h1", "Dewi Lestari", "h2", "Dewi Lestari") == "representative.nik"
    assert pickup.attorney_mismatch("h1", "Dewi Lestari", "h1", "Budi") == "representative.name"
    assert pickup.attorney_mismatch("h1", "Dewi Lestari", "h1", None) == "representative.name"
    assert pickup.attorney_mismatch(None, None, "h1", "Dewi") == "representative.nik"  # a letter naming nobody
    someone_else = pickup.Collector(pickup.REPRESENTATIVE, power_of_attorney=True, attorney_mismatch="representative.nik")
    with pytest.raises(pickup.PickupRefused) as refused:
        pickup.authorise("power_of_attorney", someone_else)
    assert refused.value.field == "representative.nik"
