"""Phone numbers as citizens write them, normalised to E.164 (+62...).

Parsing and validation are libphonenumber's (`phonenumbers`), with Indonesia as the region of numbers
written without a country code: "0812-3456-7890", "62 812 3456 7890" and "+62 (0)812 3456 7890" all
become "+6281234567890". Numbers of other countries are accepted when written with their code, since
residents holding an e-KTP may be foreign nationals.
"""
from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

DEFAULT_REGION = "ID"

_SMS_CAPABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class InvalidPhoneNumber(ValueError):
    """The number cannot be used; the message says why and never repeats the number (personal data)."""


def normalise(raw: str, *, region: str = DEFAULT_REGION, require_mobile: bool = True) -> str:
    """E.164 form of `raw`. With `require_mobile` (the default, for SMS) a fixed line is refused."""
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException:
        raise InvalidPhoneNumber("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber("not a valid number for its country")
    if require_mobile and phonenumbers.number_type(number) not in _SMS_CAPABLE:
        raise InvalidPhoneNumber("not a mobile number")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def msisdn(e164: str) -> str:
    """The digits without the plus sign, as SMS gateways and SMPP destination addresses take them."""
    if not e164.startswith("+") or not e164[1:].isdigit():
        raise InvalidPhoneNumber("not in E.164 form")
    return e164[1:]
