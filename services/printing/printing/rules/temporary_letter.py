"""The temporary identity letter's number and validity (no I/O)."""
from __future__ import annotations

import calendar
import datetime as dt

# Indonesian official letters number by subject classification; 470 is population administration.
CLASSIFICATION = "470"
_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def letter_number(sequence: int, office_code: str, issued: dt.date) -> str:
    """e.g. 470/00012/DISDUKCAPIL-3201/XI/2026: classification, sequence in the office's year, office, month, year."""
    return f"{CLASSIFICATION}/{sequence:05d}/{office_code}/{_ROMAN_MONTHS[issued.month - 1]}/{issued.year}"


def valid_until(issued: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = issued.month - 1 + months
    year, month = issued.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(issued.day, calendar.monthrange(year, month)[1]))
