"""Receipt numbers: readable, telling the regency and day, and a mistyped character is caught before a lookup."""

import random
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from intake.rules.receipt import ALPHABET, new_receipt_number, normalize_receipt_number

ISSUED = date(2026, 11, 27)
SEMARANG_VILLAGE = "33.74.01.1001"


def test_a_receipt_number_tells_the_regency_and_day_and_uses_no_ambiguous_letters():
    number = new_receipt_number(SEMARANG_VILLAGE, ISSUED, random.Random(1))
    assert re.fullmatch(r"KTP-3374-261127-[0-9A-HJKMNP-TV-Z]{6}-[0-9A-HJKMNP-TV-Z]", number)
    assert not set("ILOU") & set(number[4:])


@pytest.mark.parametrize("code", ["3374", "33.74", "337401", "3374011001", " 33.74.01 "])
def test_any_code_from_the_regency_down_gives_the_regency(code):
    assert new_receipt_number(code, ISSUED, random.Random(2))[:9] == "KTP-3374-"


@pytest.mark.parametrize("code", ["", "33", "3.374", "Semarang"])
def test_a_code_without_a_regency_is_a_programming_error(code):
    with pytest.raises(ValueError):
        new_receipt_number(code, ISSUED)


def test_numbers_of_one_regency_and_day_do_not_repeat():
    rng = random.Random(7)
    numbers = {new_receipt_number(SEMARANG_VILLAGE, ISSUED, rng) for _ in range(5_000)}
    assert len(numbers) == 5_000


def test_the_default_source_of_randomness_is_the_system():
    assert new_receipt_number(SEMARANG_VILLAGE, ISSUED) != new_receipt_number(SEMARANG_VILLAGE, ISSUED)


@given(st.randoms(use_true_random=False), st.from_regex(r"[0-9]{4}", fullmatch=True),
       st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_what_is_printed_is_read_back_the_same(rng, regency, issued):
    number = new_receipt_number(regency, issued, rng)
    assert normalize_receipt_number(number) == number
    assert normalize_receipt_number(f"  {number.lower().replace('-', ' ')} ") == number
    assert normalize_receipt_number(number.removeprefix("KTP-")) == number


def test_letters_people_confuse_with_digits_are_read_as_the_digits():
    number = next(n for n in (new_receipt_number("3374", ISSUED, random.Random(s)) for s in range(1000))
                  if "0" in n[16:] and "1" in n[16:])
    typed = number[:16] + number[16:].replace("0", "O").replace("1", "l")
    assert normalize_receipt_number(typed) == number


@given(st.randoms(use_true_random=False), st.integers(0, 16), st.sampled_from(ALPHABET))
def test_any_single_mistyped_character_is_caught(rng, position, replacement):
    number = new_receipt_number(SEMARANG_VILLAGE, ISSUED, rng)
    body = number.removeprefix("KTP-").replace("-", "")
    if body[position] == replacement:
        return
    mistyped = body[:position] + replacement + body[position + 1:]
    assert normalize_receipt_number(mistyped) is None


def test_a_checksum_valid_number_with_an_impossible_date_is_not_a_receipt():
    body = "3374" + "261332" + "ABCDEF"
    number = body + mod_37_36.calc_check_digit(body, ALPHABET)
    assert mod_37_36.is_valid(number, ALPHABET)
    assert normalize_receipt_number(number) is None


@given(st.text(max_size=30))
def test_anything_typed_is_either_a_receipt_or_none(text):
    result = normalize_receipt_number(text)
    assert result is None or normalize_receipt_number(result) == result
