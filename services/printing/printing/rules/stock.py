"""Blank-card (blanko) stock rules: who may take a card when stock runs low, and batch serials (no I/O).

First-time applicants (a first e-KTP) come before replacements: when an office's stock is at or below
its low threshold, only first-time applicants are printed and replacements wait for the next batch;
when it is out, everyone waits and the applicant gets a temporary identity letter.
"""
from __future__ import annotations

import enum
import re

FIRST_TIME = 0
REPLACEMENT = 1
FIRST_TIME_KINDS = frozenset({"new", "kia_new"})

MAX_BATCH = 100_000

_SERIAL = re.compile(r"^(?P<prefix>[A-Z0-9-]{0,30}?)(?P<number>[0-9]{1,12})$")


class Admission(enum.Enum):
    PRINT = "print"
    WAIT_LOW = "wait_low"  # stock is low and kept for first-time applicants
    OUT = "out"


def priority_of(kind: str) -> int:
    """Lower prints first. `kind` is the application kind of the verified application."""
    return FIRST_TIME if kind in FIRST_TIME_KINDS else REPLACEMENT


def is_low(available: int, threshold: int) -> bool:
    return available <= threshold


def admit(priority: int, available: int, threshold: int) -> Admission:
    if available <= 0:
        return Admission.OUT
    if is_low(available, threshold) and priority != FIRST_TIME:
        return Admission.WAIT_LOW
    return Admission.PRINT


def serial_range(first: str, count: int) -> list[str]:
    """The serials of a batch: `first` ends in digits, which count up with their zero padding kept
    (e.g. "3201-0000998", 3 → ...998, ...999, 3201-0001000)."""
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(f"count must be 1 to {MAX_BATCH}")
    match = _SERIAL.match(first)
    if match is None:
        raise ValueError("first_serial must be upper-case letters, digits and dashes ending in digits (at most 40)")
    prefix, digits = match["prefix"], match["number"]
    start, width = int(digits), len(digits)
    if len(str(start + count - 1)) > width:
        raise ValueError(f"the batch runs past {'9' * width}: the serial has too few digits")
    return [f"{prefix}{number:0{width}d}" for number in range(start, start + count)]
