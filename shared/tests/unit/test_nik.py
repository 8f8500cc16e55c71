"""NIK rules (PPKKCC DDMMYY SSSS): what the citizen and the officer are told about a NIK."""

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ektp_shared.identity.generator import format_nik, random_nik
from ektp_shared.identity.nik import check_nik
from ektp_shared.reference.enumerations import FEMALE, MALE
from ektp_shared.reference.regions import Level, region, regions

TODAY = date(2026, 11, 27)
DISTRICTS = regions(Level.DISTRICT, include_historical=True)

districts = st.sampled_from(DISTRICTS)
genders = st.sampled_from((MALE, FEMALE))
serials = st.integers(1, 9999)
# Within the last 99 years a two-digit year has one plausible century.
recent_births = st.dates(TODAY - timedelta(days=99 * 365), TODAY)
any_births = st.dates(date(1900, 1, 1), TODAY)


def codes(findings):
    return [f.code for f in findings]


def with_part(nik, start, part):
    return nik[:start] + part + nik[start + len(part):]


@given(districts, any_births, genders, serials)
def test_a_well_formed_nik_is_valid_and_decodes_to_its_parts(district, birth, gender, serial):
    result = check_nik(format_nik(district.code, birth, gender, serial), today=TODAY, birth_date=birth, gender=gender)
    assert result.valid
    # A district of a regency retired since (the Papua splits of 2022) is named to the officer, never refused.
    assert codes(result.warnings) == ([] if region(district.parent_code).current else ["nik.region_retired"])
    assert (result.birth_date, result.gender, result.serial) == (birth, gender, serial)
    assert result.district == district
    assert result.regency == region(district.parent_code)
    assert result.province == region(district.code[:2])


@given(districts, recent_births, genders, serials)
def test_without_an_entered_date_the_century_makes_the_age_plausible(district, birth, gender, serial):
    result = check_nik(format_nik(district.code, birth, gender, serial), today=TODAY)
    assert result.birth_date == birth
    assert 0 <= (TODAY - result.birth_date).days < 100 * 366


@given(st.one_of(st.text(max_size=24), st.from_regex(r"[0-9]{16}", fullmatch=True)))
def test_any_input_gets_an_answer_and_a_valid_answer_re_encodes_to_the_same_nik(text):
    result = check_nik(text, today=TODAY)
    assert result.valid is (result.errors == ())
    if result.valid:
        assert format_nik(result.district.code, result.birth_date, result.gender, result.serial) == result.number
        assert result.birth_date <= TODAY
    else:
        assert all(f.code.startswith("nik.") and f.indonesian and f.english for f in result.errors)


@given(st.integers(0, 99).filter(lambda d: not (1 <= d <= 31 or 41 <= d <= 71)))
def test_a_birth_day_outside_01_31_and_41_71_is_rejected(day):
    nik = with_part(random_nik(random.Random(day), today=TODAY), 6, f"{day:02d}")
    result = check_nik(nik, today=TODAY)
    assert codes(result.errors) == ["nik.birth_day_invalid"]
    assert result.gender is None and result.birth_date is None


@given(st.integers(0, 99).filter(lambda m: not 1 <= m <= 12))
def test_a_birth_month_outside_01_12_is_rejected(month):
    nik = format_nik("33.74.01", date(1990, 1, 15), MALE, 1)
    result = check_nik(with_part(nik, 8, f"{month:02d}"), today=TODAY)
    assert codes(result.errors) == ["nik.birth_month_invalid"]


@given(districts, st.integers(1, 31), st.sampled_from([2, 4, 6, 9, 11]), st.integers(0, 99), genders)
def test_a_day_that_does_not_exist_in_the_month_is_rejected(district, day, month, yy, gender):
    offset = 40 if gender == FEMALE else 0
    nik = f"{district.digits}{day + offset:02d}{month:02d}{yy:02d}0001"
    result = check_nik(nik, today=TODAY)
    exists = any(_real(y, month, day) for y in (1900 + yy, 2000 + yy))
    assert ("nik.birth_date_invalid" in codes(result.errors)) is not exists


def _real(year, month, day):
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@given(st.sampled_from([f"{p:02d}" for p in range(100)]).filter(lambda p: region(p) is None))
def test_an_unknown_province_is_rejected(province):
    nik = province + format_nik("33.74.01", date(1990, 1, 15), MALE, 1)[2:]
    result = check_nik(nik, today=TODAY)
    assert codes(result.errors) == ["nik.province_unknown"]
    assert result.province is result.regency is result.district is None


@given(st.integers(0, 99).filter(lambda r: region(f"33.{r:02d}") is None))
def test_an_unknown_regency_of_a_known_province_is_rejected(regency):
    nik = format_nik(f"33{regency:02d}01", date(1990, 1, 15), MALE, 1)
    result = check_nik(nik, today=TODAY)
    assert codes(result.errors) == ["nik.regency_unknown"]
    assert result.province.name == "Jawa Tengah" and result.regency is None


@given(st.integers(0, 99).filter(lambda d: region(f"33.74.{d:02d}") is None))
def test_an_unknown_district_of_a_known_regency_is_rejected(district):
    result = check_nik(format_nik(f"3374{district:02d}", date(1990, 1, 15), MALE, 1), today=TODAY)
    assert codes(result.errors) == ["nik.district_unknown"]
    assert result.regency.name == "Kota Semarang" and result.district is None


def test_serial_0000_is_rejected():
    nik = format_nik("33.74.01", date(1990, 1, 15), MALE, 1)[:12] + "0000"
    assert codes(check_nik(nik, today=TODAY).errors) == ["nik.serial_invalid"]


def test_a_nik_from_before_the_papua_split_stays_valid():
    result = check_nik("9101014501950001", today=TODAY)
    assert result.valid
    assert (result.regency.name, result.district.name) == ("Kabupaten Merauke", "Merauke")
    assert (result.birth_date, result.gender) == (date(1995, 1, 5), FEMALE)


def test_a_nik_under_a_code_retired_before_2016_is_valid_and_names_the_old_and_the_current_region():
    # Kota Tarakan was 64.73 in Kalimantan Timur until Kalimantan Utara was formed (UU 20/2012); it is 65.71 now.
    result = check_nik("6473011505800001", today=TODAY)
    assert result.valid and result.errors == ()
    assert (result.province.name, result.regency.name, result.current_regency.code) == (
        "Kalimantan Timur", "Kota Tarakan", "65.71")
    assert result.district is None  # no kecamatan list before 2016 to check it against; not refused
    assert (result.birth_date, result.gender) == (date(1980, 5, 15), MALE)
    [warning] = result.warnings
    assert warning.code == "nik.region_retired"
    assert "64.73 pada NIK adalah Kota Tarakan (Kalimantan Timur)" in warning.indonesian
    assert "kini 65.71 Kota Tarakan (Kalimantan Utara)" in warning.indonesian
    assert "now 65.71 Kota Tarakan (Kalimantan Utara)" in warning.english


def test_the_papua_split_of_2022_names_the_new_province():
    [warning] = check_nik("9101014501950001", today=TODAY).warnings
    assert "93.01 Kabupaten Merauke (Papua Selatan)" in warning.english


def test_women_are_recognised_by_the_day_plus_forty():
    result = check_nik("3374015708450001", today=TODAY)
    assert (result.birth_date, result.gender) == (date(1945, 8, 17), FEMALE)


@pytest.mark.parametrize(("nik", "entered", "decoded"), [
    ("3374010101250001", None, date(2025, 1, 1)),
    ("3374010101250001", date(1925, 1, 1), date(1925, 1, 1)),   # 101 years old: the entered date picks the century
    ("3374010112260001", None, date(1926, 12, 1)),              # 2026-12-01 is in the future
    ("3374012902000001", None, date(2000, 2, 29)),
])
def test_the_century_is_the_plausible_one(nik, entered, decoded):
    result = check_nik(nik, today=TODAY, birth_date=entered)
    assert result.birth_date == decoded and result.warnings == ()


def test_29_february_of_a_common_year_is_not_a_birth_date():
    result = check_nik("3374012902010001", today=TODAY)
    assert codes(result.errors) == ["nik.birth_date_invalid"]


def test_disagreeing_birth_date_and_gender_are_warnings_not_errors():
    nik = format_nik("33.74.01", date(1990, 3, 4), FEMALE, 12)
    result = check_nik(nik, today=TODAY, birth_date=date(1990, 4, 3), gender=MALE)
    assert result.valid
    assert codes(result.warnings) == ["nik.birth_date_mismatch", "nik.gender_mismatch"]
    assert "04-03-1990" in result.warnings[0].indonesian and "1990-03-04" in result.warnings[0].english
    assert "female" in result.warnings[1].english


@pytest.mark.parametrize(("text", "code"), [
    ("", "nik.length"), ("337401150190001", "nik.length"), ("33740115019000011", "nik.length"),
    ("33740115019O0001", "nik.not_digits"), ("٣٣٧٤٠١١٥٠١٩٠٠٠٠١", "nik.not_digits"),
])
def test_shape_errors_name_the_rule(text, code):
    assert codes(check_nik(text, today=TODAY).errors) == [code]


def test_spaces_dots_and_hyphens_between_groups_are_accepted():
    result = check_nik(" 337401-150190.0001 ", today=TODAY)
    assert result.valid and result.number == "3374011501900001"


def test_the_answer_has_the_shape_of_the_validate_endpoint():
    answer = check_nik("3374015708450001", today=TODAY, gender=MALE).as_dict()
    assert answer == {
        "valid": True,
        "errors": [],
        "warnings": [{"code": "nik.gender_mismatch", "message": {
            "id": "Jenis kelamin menurut NIK (PEREMPUAN) berbeda dengan jenis kelamin yang diisi (LAKI-LAKI).",
            "en": "The gender in the NIK (female) differs from the gender entered (male)."}}],
        "province": {"code": "33", "name": "Jawa Tengah"},
        "regency": {"code": "33.74", "name": "Kota Semarang"},
        "district": {"code": "33.74.01", "name": "Semarang Tengah"},
        "current_regency": None,
        "birth_date": "1945-08-17",
        "gender": "PEREMPUAN",
    }


def test_an_unknown_entered_gender_is_refused():
    with pytest.raises(ValueError):
        check_nik("3374015708450001", today=TODAY, gender="F")


@given(st.randoms(use_true_random=False), st.integers(0, 99))
def test_generated_niks_are_valid_and_from_current_districts(rng, max_age):
    result = check_nik(random_nik(rng, today=TODAY, max_age_years=max_age), today=TODAY)
    assert result.valid and result.district.current
    assert TODAY - result.birth_date <= timedelta(days=max_age * 366)


def test_the_generator_keeps_the_parts_it_is_given_and_refuses_impossible_ones():
    nik = random_nik(random.Random(1), today=TODAY, district="910101", birth_date=date(2001, 2, 3), gender=FEMALE, serial=9)
    assert nik == "9101014302010009"
    with pytest.raises(ValueError):
        format_nik("33.74", date(2001, 2, 3), MALE, 1)
    with pytest.raises(ValueError):
        format_nik("33.74.01", date(2001, 2, 3), MALE, 10000)
    with pytest.raises(ValueError):
        random_nik(random.Random(1), today=TODAY, max_age_years=100)
