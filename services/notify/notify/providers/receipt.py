"""SMPP delivery receipts (DLR): the deliver_sm an SMSC sends back when a message reached the handset
or failed for good.

Its text follows SMPP 3.4 Appendix B, ``id:<message id> sub:001 dlvrd:001 submit date:YYMMDDhhmm
done date:YYMMDDhhmm stat:DELIVRD err:000 text:...``; SMSCs differ in case, in seconds on the dates
and in what they leave out, so the parser takes the fields by name. The optional parameters
receipted_message_id and message_state, when present, win over the text (SMPP 3.4, 5.3.2.12 and 5.3.2.35).
"""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime

DELIVERED = "delivered"
FAILED = "failed"
PENDING = "pending"

_OUTCOMES = {
    "DELIVRD": DELIVERED,
    "EXPIRED": FAILED,
    "DELETED": FAILED,
    "UNDELIV": FAILED,
    "REJECTD": FAILED,
    "UNKNOWN": FAILED,
    "ACCEPTD": PENDING,
    "ENROUTE": PENDING,
}
# message_state values (SMPP 3.4, 5.2.28) by the stat word of the receipt text.
_STATES = {1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD"}

_FIELD = re.compile(r"(?<![a-z])(id|sub|dlvrd|submit date|done date|stat|err|text):", re.IGNORECASE)


class InvalidReceipt(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class DeliveryReceipt:
    message_id: str
    state: str  # the stat word, e.g. "DELIVRD", "UNDELIV"
    error: str = ""  # network error code as the SMSC gives it, e.g. "000"
    submitted_at: datetime | None = None  # in the SMSC's clock, zone unknown
    done_at: datetime | None = None

    @property
    def outcome(self) -> str:
        return _OUTCOMES.get(self.state, FAILED)

    @property
    def reason(self) -> str:
        """Empty when delivered, else e.g. "UNDELIV err:001"."""
        if self.outcome == DELIVERED:
            return ""
        return f"{self.state} err:{self.error}" if self.error else self.state


def parse_receipt(
    short_message: bytes | str,
    *,
    receipted_message_id: bytes | str | None = None,
    message_state: int | None = None,
) -> DeliveryReceipt:
    text = short_message.decode("latin-1") if isinstance(short_message, bytes) else short_message
    fields = _fields(text)
    message_id = _text(receipted_message_id) or fields.get("id", "")
    if not message_id:
        raise InvalidReceipt("delivery receipt without a message id")
    state = _STATES.get(message_state or 0) or fields.get("stat", "").upper()
    if not state:
        raise InvalidReceipt("delivery receipt without a state")
    return DeliveryReceipt(
        message_id=message_id,
        state=state,
        error=fields.get("err", ""),
        submitted_at=_date(fields.get("submit date")),
        done_at=_date(fields.get("done date")),
    )


def _fields(text: str) -> dict[str, str]:
    found = list(_FIELD.finditer(text))
    fields: dict[str, str] = {}
    for current, following in zip(found, found[1:] + [None]):
        name = current.group(1).lower()
        if name == "text":  # the last field: the start of the message, which may itself contain "id:"
            break
        end = following.start() if following else len(text)
        fields.setdefault(name, text[current.end() : end].strip())
    return fields


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return text.rstrip("\x00").strip()


def _date(value: str | None) -> datetime | None:
    pattern = {10: "%y%m%d%H%M", 12: "%y%m%d%H%M%S"}.get(len(value or ""))
    if pattern is None:
        return None
    try:
        return datetime.strptime(value, pattern)  # type: ignore[arg-type]
    except ValueError:
        return None
