"""e-KTP enumerations as printed on the card / kept in SIAK: agama, status perkawinan, golongan darah, ...

The `value` is the stable key; the numeric codes follow the SIAK convention but are not yet verified
against a Dukcapil document (see data/README.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files


class Enumeration(StrEnum):
    AGAMA = "agama"
    STATUS_PERKAWINAN = "status_perkawinan"
    GOLONGAN_DARAH = "golongan_darah"
    JENIS_KELAMIN = "jenis_kelamin"
    KEWARGANEGARAAN = "kewarganegaraan"
    PEKERJAAN = "pekerjaan"


MALE = "LAKI-LAKI"
FEMALE = "PEREMPUAN"
WNI = "WNI"
WNA = "WNA"


@dataclass(frozen=True, slots=True)
class Choice:
    code: int
    value: str
    # What the card shows: the value itself, except blood group TIDAK TAHU, printed "-".
    printed_as: str


def choices(enumeration: Enumeration) -> tuple[Choice, ...]:
    return tuple(Choice(int(r["code"]), r["value"], r.get("printed_as") or r["value"]) for r in _rows(enumeration))


def values(enumeration: Enumeration) -> tuple[str, ...]:
    return tuple(choice.value for choice in choices(enumeration))


def choice(enumeration: Enumeration, value: str) -> Choice | None:
    """The choice with exactly this value (card values are upper case), or None."""
    return next((c for c in choices(enumeration) if c.value == value), None)


def nik_day_offset(gender: str) -> int:
    """What the NIK adds to the birth day for this gender: 0 for LAKI-LAKI, 40 for PEREMPUAN."""
    for row in _rows(Enumeration.JENIS_KELAMIN):
        if row["value"] == gender:
            return int(row["nik_day_offset"])
    raise ValueError(f"unknown gender {gender!r}; expected one of {values(Enumeration.JENIS_KELAMIN)}")


@cache
def _rows(enumeration: Enumeration) -> tuple[dict[str, str], ...]:
    text = files(__package__).joinpath("data", "ektp", f"{enumeration.value}.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))
