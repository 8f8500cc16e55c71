"""No. KK rules: the NIK's region prefix and serial, but the date is the KK's issue date (no +40)."""

import random
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ektp_shared.identity.generator import format_kk, random_kk
from ektp_shared.identity.kk import check_kk
from ektp_shared.reference.regions import Level, region, regions

TODAY = date(2026, 11, 27)

districts = st.sampled_from(regions(Level.DISTRICT, include_historical=True))
issue_dates = st.dates(TODAY - timedelta(days=99 * 365), TODAY)


def codes(findings):
    return [f.code for f in findings]


@given(districts, issue_dates, st.integers(1, 9999))
def test_a_well_formed_kk_is_valid_and_decodes_to_its_parts(district, issued, serial):
    result = check_kk(format_kk(district.code, issued, serial), today=TODAY)
    assert result.valid
    assert (result.issue_date, result.serial, result.district) == (issued, serial, district)
    assert result.regency == region(district.parent_code)


@given(st.one_of(st.text(max_size=24), st.from_regex(r"[0-9]{16}", fullmatch=True)))
def test_any_input_gets_an_answer_and_a_valid_answer_re_encodes_to_the_same_kk(text):
    result = check_kk(text, today=TODAY)
    if result.valid:
        assert format_kk(result.district.code, result.issue_date, result.serial) == result.number
    else:
        assert all(f.code.startswith("kk.") and f.indonesian and f.english for f in result.errors)


@given(st.integers(41, 71), st.randoms(use_true_random=False))
def test_a_nik_style_day_plus_forty_is_not_a_kk_issue_day(day, rng):
    kk = random_kk(rng, today=TODAY)
    result = check_kk(kk[:6] + f"{day:02d}" + kk[8:], today=TODAY)
    assert codes(result.errors) == ["kk.issue_day_invalid"]
    assert result.issue_date is None


@given(st.integers(0, 99).filter(lambda m: not 1 <= m <= 12))
def test_an_issue_month_outside_01_12_is_rejected(month):
    kk = format_kk("35.78.01", date(2015, 6, 1), 7)
    assert codes(check_kk(kk[:8] + f"{month:02d}" + kk[10:], today=TODAY).errors) == ["kk.issue_month_invalid"]


def test_region_and_serial_rules_are_those_of_the_nik():
    assert codes(check_kk("9901011506150001", today=TODAY).errors) == ["kk.province_unknown"]
    assert codes(check_kk("3370011506150001", today=TODAY).errors) == ["kk.regency_unknown"]
    assert codes(check_kk("3374991506150001", today=TODAY).errors) == ["kk.district_unknown"]
    assert codes(check_kk("3374011506150000", today=TODAY).errors) == ["kk.serial_invalid"]
    assert check_kk("9101011506150001", today=TODAY).valid  # Merauke before the Papua split


def test_a_kk_issued_on_a_date_that_does_not_exist_is_rejected():
    assert codes(check_kk("3374013102150001", today=TODAY).errors) == ["kk.issue_date_invalid"]


def test_shape_errors_name_the_family_card_number():
    result = check_kk("12345", today=TODAY)
    assert codes(result.errors) == ["kk.length"]
    assert "Nomor KK" in result.errors[0].indonesian and "No. KK" in result.errors[0].english


def test_the_generator_spreads_over_real_districts():
    rng = random.Random(4)
    numbers = [random_kk(rng, today=TODAY) for _ in range(200)]
    assert len({n[:6] for n in numbers}) > 150
    assert all(check_kk(n, today=TODAY).valid for n in numbers)
    assert check_kk(numbers[0], today=TODAY).as_dict()["issue_date"] <= TODAY.isoformat()
