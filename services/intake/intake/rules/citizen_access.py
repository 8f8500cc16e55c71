"""Who may see and change an application (no I/O): the citizen who proved, with a one-time code, control of a
phone number or email address on it, for the NIK it is under.

A code is six digits, valid a few minutes and a few tries; a sign-in lapses when idle and at a fixed end
however active, and signing out ends it. What a refusal says never depends on whether a NIK, a receipt or an
application exists.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from ektp_shared.identity.contact import FIELD, addresses

CODE_DIGITS = 6


@dataclasses.dataclass(frozen=True)
class Citizen:
    """A signed-in citizen: the NIK (hashed) and the addresses proven (keyed hashes of channel and address)."""

    nik_hash: str
    address_keys: frozenset[str]


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def code_hash(secret: bytes, request_id: str, code: str) -> str:
    """The code is kept only as a keyed hash bound to its request: a leaked table reveals no code."""
    return hmac.new(secret, f"{request_id}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(secret: bytes, request_id: str, code: str, stored: str) -> bool:
    return hmac.compare_digest(code_hash(secret, request_id, code), stored)


def may_send_again(last_sent: dt.datetime | None, now: dt.datetime, resend_seconds: int) -> dt.datetime | None:
    """None when another code may go to the address now; otherwise from when."""
    if last_sent is None or now >= last_sent + dt.timedelta(seconds=resend_seconds):
        return None
    return last_sent + dt.timedelta(seconds=resend_seconds)


def session_expiry(now: dt.datetime, ends_at: dt.datetime, idle_seconds: int) -> dt.datetime:
    """A request renews the sign-in for ``idle_seconds``, never past its fixed end."""
    return min(ends_at, now + dt.timedelta(seconds=idle_seconds))


def contact_keys(contact: Mapping[str, Any], key: Any) -> set[str]:
    """The keyed hashes of a contact's usable addresses (``key(channel, address)``)."""
    return {key(channel, address) for channel, address in addresses(contact).items()}


def owns(citizen: Citizen, nik_hash: str, contact_address_keys: Iterable[str]) -> bool:
    """An application is the citizen's when it is under their NIK and one of its addresses is one they proved."""
    return citizen.nik_hash == nik_hash and bool(citizen.address_keys & set(contact_address_keys))


def unproven_addresses(citizen: Citizen, contact: Mapping[str, Any], key: Any) -> list[str]:
    """The fields of a contact (``phone``, ``email``) whose address this sign-in has not proven: messages about an
    application go only to addresses its citizen proved."""
    return [FIELD[channel] for channel, address in addresses(contact).items()
            if key(channel, address) not in citizen.address_keys]
