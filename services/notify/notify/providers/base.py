"""What every channel provider takes, returns and raises."""
from __future__ import annotations

import dataclasses
import re
from typing import Protocol, Union

from ektp_shared.identity.phone import msisdn

EMAIL = "email"
SMS = "sms"

_DELIVERY_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


@dataclasses.dataclass(frozen=True)
class Email:
    delivery_id: str  # the delivery row's id: names the message (Message-ID, file name) so a resend is recognisable
    to: str
    subject: str
    body: str
    lang: str = "id"

    channel = EMAIL

    def __post_init__(self) -> None:
        _check_delivery_id(self.delivery_id)


@dataclasses.dataclass(frozen=True)
class Sms:
    delivery_id: str
    to: str  # E.164, see ektp_shared.identity.phone.normalise
    text: str

    channel = SMS

    def __post_init__(self) -> None:
        _check_delivery_id(self.delivery_id)
        msisdn(self.to)  # refuses anything not in E.164 form


Message = Union[Email, Sms]


@dataclasses.dataclass(frozen=True)
class Accepted:
    """The provider took the message. SMPP gives one id per part; the others one id in all."""

    message_ids: tuple[str, ...]
    parts: int = 1


class ProviderError(Exception):
    """The provider did not take the message.

    `reason` is short, safe to log and store (never an address, a number or message text).
    `permanent` says that sending the same message again to this provider will fail the same way.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Provider(Protocol):
    name: str  # the configured name, used in attempts and metric labels
    channel: str  # EMAIL or SMS

    def send(self, message: Message) -> Accepted: ...

    def close(self) -> None: ...


_EMAIL_ADDRESS = re.compile(r"[^\s<>\"'@]+@[^\s<>\"'@]+")
_NUMBER = re.compile(r"\+?\d[\d\s().-]{4,}\d")


def redact(text: str, limit: int = 160) -> str:
    """A peer's error text made safe for logs: addresses and runs of 8 or more digits (phone numbers, NIKs) masked."""
    text = _EMAIL_ADDRESS.sub("<address>", text)
    text = _NUMBER.sub(lambda found: "<number>" if sum(c.isdigit() for c in found[0]) >= 8 else found[0], text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_delivery_id(delivery_id: str) -> None:
    if not _DELIVERY_ID.match(delivery_id):
        raise ValueError("delivery_id must be 1-128 characters of A-Z a-z 0-9 . _ -")
