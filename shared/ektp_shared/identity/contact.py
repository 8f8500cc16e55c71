"""How a citizen is reached: a phone number (SMS) or an email address, normalised so that the same address
written two ways is one address (no I/O)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .phone import InvalidPhoneNumber, normalise

SMS, EMAIL = "sms", "email"
CHANNELS = (SMS, EMAIL)
FIELD = {SMS: "phone", EMAIL: "email"}


class InvalidAddress(ValueError):
    """Not a usable phone number or email address; the message never repeats it (personal data)."""


def normalised(channel: str, address: str) -> str:
    """``+6281234567890`` for any way of writing an Indonesian mobile number; a lower-case email address."""
    if channel == SMS:
        try:
            return normalise(address)
        except InvalidPhoneNumber as exc:
            raise InvalidAddress(str(exc)) from exc
    if channel == EMAIL:
        text = address.strip().lower()
        local, _, domain = text.partition("@")
        if not local or "." not in domain or " " in text:
            raise InvalidAddress("not an email address")
        return text
    raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")


def addresses(contact: Mapping[str, Any]) -> dict[str, str]:
    """The usable addresses of a contact ``{phone, email}``, normalised, by channel (a number that is not a
    mobile is left out: it cannot receive a code)."""
    found = {}
    for channel in CHANNELS:
        value = contact.get(FIELD[channel])
        if value:
            try:
                found[channel] = normalised(channel, value)
            except InvalidAddress:
                continue
    return found


def masked(channel: str, address: str) -> str:
    """What a page may show of an address: ``+62 812-****-7890``, ``w****@example.org``."""
    if channel == SMS:
        return f"{address[:6]}****{address[-4:]}"
    local, _, domain = address.partition("@")
    return f"{local[:1]}****@{domain}"
