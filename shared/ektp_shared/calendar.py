"""Office time: the zone of an office (WIB, WITA or WIT, by province), the local day, and working days.

Working days are Monday to Friday, except Indonesia's public holidays (the ``holidays`` package: Idul Fitri,
Idul Adha, Nyepi, Waisak, Christmas ...) and the closures an operator configures (cuti bersama, the
collective leave days the government announces each year, which no library knows).
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import holidays

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# Indonesia's three time zones, by province code (Keppres 41/1987 and the provinces formed since).
WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})
ZONE_NAMES = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


def zone_of_province(province_code: str) -> str:
    """The IANA zone of a province (two-digit Kemendagri code)."""
    if province_code in WIT_PROVINCES:
        return WIT
    if province_code in WITA_PROVINCES:
        return WITA
    return WIB


def zone_of_region(region_code: str) -> str:
    """The zone of any region code (``32``, ``32.01``, ``32.01.01.2001``): its province decides."""
    return zone_of_province(region_code[:2])


def local_day(moment: dt.datetime, zone: str = WIB) -> dt.date:
    """The calendar day ``moment`` falls on where the office is."""
    return moment.astimezone(ZoneInfo(zone)).date()


@functools.cache
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year))


def parse_closures(text: str) -> frozenset[dt.date]:
    """``2026-03-20,2026-03-23`` → the days; the setting that lists cuti bersama and office closures."""
    return frozenset(dt.date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())


class WorkingDays:
    def __init__(self, closures: Iterable[dt.date] = ()):
        self.closures = frozenset(closures)

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _public_holidays(day.year) and day not in self.closures

    def after(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself does not count)."""
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                remaining -= 1
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day

    def holiday_name(self, day: dt.date) -> str | None:
        found = holidays.country_holidays("ID", years=day.year).get(day)
        return found if found else ("office closure" if day in self.closures else None)
