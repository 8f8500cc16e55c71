"""Receipt numbers (tanda terima): `KTP-RRRR-YYMMDD-XXXXXX-C`, read out over the phone and typed at the office.

RRRR is the applicant's regency (kabupaten/kota) code, so an office sees at a glance where a receipt belongs,
and YYMMDD the day of submission. Crockford base32 (no I, L, O, U) keeps the random part unambiguous; the
ISO 7064 MOD 33,32 check character catches every single mistyped character. Uniqueness is the database's
job (a unique index): 30 random bits per regency and day make a clash rare, and a retry resolves it.
"""

from __future__ import annotations

import random
import re
import secrets
from datetime import date

from stdnum.iso7064 import mod_37_36

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "KTP"
_RANDOM_CHARS = 6
# What people type for the letters Crockford base32 leaves out.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_BODY = re.compile(rf"[0-9]{{10}}[{ALPHABET}]{{{_RANDOM_CHARS + 1}}}")
_REGION = re.compile(r"[0-9]{2}\.?[0-9]{2}")
_SYSTEM_RANDOM = secrets.SystemRandom()


def new_receipt_number(region_code: str, issued_on: date, rng: random.Random = _SYSTEM_RANDOM) -> str:
    """A receipt number for an application of this regency (any code from the regency down; only the
    regency part is used, dotted or not) submitted on `issued_on`."""
    regency = _REGION.match(region_code.strip())
    if regency is None:
        raise ValueError(f"{region_code!r} does not start with a regency code (NN.NN or NNNN)")
    body = (regency.group().replace(".", "") + issued_on.strftime("%y%m%d")
            + "".join(rng.choice(ALPHABET) for _ in range(_RANDOM_CHARS)))
    return _format(body + mod_37_36.calc_check_digit(body, ALPHABET))


def normalize_receipt_number(text: str) -> str | None:
    """The canonical form of what someone typed (any case, spaces or hyphens, O for 0), or None when it is
    not a receipt number: wrong shape, no such date, or a check character that does not match."""
    compact = re.sub(r"[\s\-]", "", text).upper().translate(_READ_AS).removeprefix(PREFIX)
    if not _BODY.fullmatch(compact) or not mod_37_36.is_valid(compact, ALPHABET):
        return None
    try:
        date(2000 + int(compact[4:6]), int(compact[6:8]), int(compact[8:10]))
    except ValueError:
        return None
    return _format(compact)


def _format(body: str) -> str:
    return f"{PREFIX}-{body[:4]}-{body[4:10]}-{body[10:16]}-{body[16]}"
