"""Dates of Indonesia's public holidays for tests, as the ``holidays`` package (what the services use) dates them."""
from __future__ import annotations

import datetime as dt

import holidays


def idul_fitri_on_a_weekday(from_year: int = 2026) -> dt.date:
    """1 Syawal (Idul Fitri) of the first year from ``from_year`` on which it falls on a weekday: the day an
    office would otherwise be open."""
    for year in range(from_year, from_year + 15):
        for day, name in holidays.country_holidays("ID", years=year).items():
            if name.startswith("Eid al-Fitr") and "Second" not in name and day.weekday() < 5:
                return day
    raise LookupError("no Idul Fitri on a weekday in fifteen years")
