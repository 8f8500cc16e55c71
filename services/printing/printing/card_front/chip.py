"""What is personalised onto the card's chip: the printed data and two fingerprint template digests."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from .fields import CardFields

CHIP_FORMAT = "ektp-chip/1"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def chip_record(card: CardFields, fingerprint_digests: Sequence[str]) -> bytes:
    """The exact bytes written to the chip. Canonical JSON, so writing and reading back can be
    compared byte for byte. `fingerprint_digests` are the SHA-256 (hex) of the two enrolled
    fingerprint templates, as biometrics published them."""
    digests = [d.lower() for d in fingerprint_digests]
    if len(digests) != 2 or not all(_SHA256_HEX.fullmatch(d) for d in digests):
        raise ValueError("fingerprint_digests: need exactly two SHA-256 hex digests")
    record = {"format": CHIP_FORMAT, "fields": card.printed(), "fingerprints": digests}
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_digest(record: bytes) -> str:
    """A digest that names a chip record in logs and job rows without revealing its content."""
    return hashlib.sha256(record).hexdigest()
