"""Numbers as citizens type them reach the gateway in one form, E.164."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ektp_shared.identity.phone import InvalidPhoneNumber, msisdn, normalise


@pytest.mark.parametrize(
    "typed",
    ["0812-3456-7890", "081234567890", "+62 812 3456 7890", "62 812-3456-7890", "6281234567890", "+62 (0)812 3456 7890", "(0812) 3456 7890"],
)
def test_the_ways_citizens_write_a_mobile_number_all_normalise_to_e164(typed):
    assert normalise(typed) == "+6281234567890"


def test_a_landline_cannot_receive_sms():
    with pytest.raises(InvalidPhoneNumber, match="not a mobile number"):
        normalise("(021) 5551234")
    assert normalise("(021) 5551234", require_mobile=False) == "+62215551234"


def test_a_foreign_resident_number_with_its_country_code_is_kept():
    assert normalise("+60 12-345 6789") == "+60123456789"


@pytest.mark.parametrize("typed", ["", "abc", "0812", "08123456789012345", "+62 000 0000"])
def test_an_unusable_number_is_refused_without_repeating_it(typed):
    with pytest.raises(InvalidPhoneNumber) as refused:
        normalise(typed)
    digits = "".join(c for c in typed if c.isdigit())
    assert not digits or digits not in str(refused.value)


def test_gateways_get_the_digits_without_plus():
    assert msisdn("+6281234567890") == "6281234567890"
    with pytest.raises(InvalidPhoneNumber):
        msisdn("081234567890")


separators = st.lists(st.sampled_from(["", " ", "-", "."]), min_size=12, max_size=12)


@given(subscriber=st.integers(min_value=10_000_000, max_value=99_999_999), prefix=st.sampled_from(["811", "812", "813", "821", "852", "857", "878", "896"]), gaps=separators)
def test_separators_and_national_or_international_prefix_do_not_change_the_number(subscriber, prefix, gaps):
    digits = prefix + str(subscriber)
    national = "0" + "".join(d + gap for d, gap in zip(digits, gaps))
    international = "+62 " + "".join(d + gap for d, gap in zip(digits, gaps))
    assert normalise(national) == normalise(international) == "+62" + digits
