"""SMS text length, encoding and splitting (3GPP TS 23.038 / 23.040).

A text that fits the GSM 7-bit default alphabet (with its extension table, whose characters take two
septets: an escape and the character) goes as GSM-7: 160 septets in one SMS, 153 per part when
concatenated (the 6-octet user data header eats 7 septets). Anything else goes as UCS-2: 70 UTF-16 code
units in one SMS, 67 per part. Parts never cut an escape sequence or a surrogate pair in two, because a
handset decodes each part on its own before joining them.

The character table is the `gsm0338` codec's (the standard one). smpplib.gsm is not used for this: its
table maps "`" onto the position of "§" and rejects "§", and its splitter cuts escape sequences and
surrogate pairs at part boundaries (see tests/test_sms.py).
"""
from __future__ import annotations

import dataclasses

import gsm0338  # noqa: F401  -- registers the "gsm03.38" codec

GSM7 = "gsm7"
UCS2 = "ucs2"

SINGLE_LIMIT = {GSM7: 160, UCS2: 70}
PART_LIMIT = {GSM7: 153, UCS2: 67}
MAX_PARTS = 255  # the part counters of the concatenation header are one octet

# SMPP data_coding: 0 = SMSC default alphabet (GSM 03.38, one septet per octet), 8 = UCS-2 (ISO/IEC 10646).
DATA_CODING = {GSM7: 0x00, UCS2: 0x08}
ESM_CLASS_UDHI = 0x40  # the short message starts with a user data header

_ESCAPE = "\x1b"


class SmsTooLong(ValueError):
    """The text needs more parts than a concatenation header can number."""


def _gsm7_units(char: str) -> int | None:
    """Septets of one character in GSM-7, or None if the alphabet has no such character."""
    if char == _ESCAPE:  # the codec maps it to the bare escape octet, which is not a character
        return None
    try:
        return len(char.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def _ucs2_units(char: str) -> int:
    return len(char.encode("utf-16-be")) // 2


def _costs(text: str) -> tuple[str, list[int]]:
    """The text's encoding and the units each of its characters takes in it."""
    gsm7 = [_gsm7_units(char) for char in text]
    if all(cost is not None for cost in gsm7):
        return GSM7, gsm7  # type: ignore[return-value]
    return UCS2, [_ucs2_units(char) for char in text]


def is_gsm7(text: str) -> bool:
    return _costs(text)[0] == GSM7


def encoding_of(text: str) -> str:
    return _costs(text)[0]


def length(text: str) -> int:
    """Length in the units of the text's encoding: septets (GSM-7) or UTF-16 code units (UCS-2)."""
    return sum(_costs(text)[1])


@dataclasses.dataclass(frozen=True)
class Segments:
    """How a text goes out: its encoding, its total length in units and the text of each part."""

    encoding: str
    length: int
    parts: tuple[str, ...]

    @property
    def data_coding(self) -> int:
        return DATA_CODING[self.encoding]

    @property
    def concatenated(self) -> bool:
        return len(self.parts) > 1


def split(text: str) -> Segments:
    if not text:
        raise ValueError("an SMS needs some text")
    encoding, costs = _costs(text)
    total = sum(costs)
    if total <= SINGLE_LIMIT[encoding]:
        return Segments(encoding, total, (text,))
    limit = PART_LIMIT[encoding]
    parts: list[str] = []
    start, used = 0, 0
    for index, cost in enumerate(costs):
        if used + cost > limit:
            parts.append(text[start:index])
            start, used = index, 0
        used += cost
    parts.append(text[start:])
    if len(parts) > MAX_PARTS:
        raise SmsTooLong(f"{len(parts)} parts; at most {MAX_PARTS}")
    return Segments(encoding, total, tuple(parts))


def encode(text: str, encoding: str) -> bytes:
    """GSM-7 as one septet per octet (the SMPP form; the SMSC packs it), UCS-2 as UTF-16 big-endian."""
    if encoding == GSM7:
        return text.encode("gsm03.38")
    if encoding == UCS2:
        return text.encode("utf-16-be")
    raise ValueError(f"unknown SMS encoding {encoding!r}")


def user_data(segments: Segments, reference: int) -> tuple[bytes, ...]:
    """The short_message of each part; concatenated parts start with the 8-bit-reference header
    (IEI 0x00: reference, total, sequence number from 1) and go with esm_class ESM_CLASS_UDHI."""
    encoded = [encode(part, segments.encoding) for part in segments.parts]
    if not segments.concatenated:
        return tuple(encoded)
    total = len(encoded)
    ref = reference & 0xFF
    return tuple(bytes((0x05, 0x00, 0x03, ref, total, number)) + body for number, body in enumerate(encoded, start=1))
