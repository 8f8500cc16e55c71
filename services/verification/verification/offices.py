"""Which office serves an applicant, and when it can see them (no I/O).

An applicant is served by the Disdukcapil of the regency/city of their address. Appointments are taken
in the office's local time (WIB, WITA or WIT by province) on working days, a fixed number per day.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from ektp_shared.reference.regions import Level, lineage

# Indonesia's three time zones, by province code (Permendagri/Keppres 41/1987 and later provinces).
WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
OPENING_HOUR = 8
SLOT_MINUTES = 15


@dataclasses.dataclass(frozen=True)
class Office:
    code: str
    name: str
    address: str
    timezone: str

    def as_event(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "address": self.address, "timezone": self.timezone}


def timezone_of(province_code: str) -> str:
    if province_code in WIT_PROVINCES:
        return "Asia/Jayapura"
    if province_code in WITA_PROVINCES:
        return "Asia/Makassar"
    return "Asia/Jakarta"


def office_for(village_code: str) -> Office:
    regions = {r.level: r for r in lineage(village_code)}
    regency = regions.get(Level.REGENCY)
    province = regions.get(Level.PROVINCE)
    if regency is None or province is None:
        raise ValueError("the address's village code is not a known region")
    place = regency.name.upper()
    return Office(code=f"DISDUKCAPIL-{regency.digits}", name=f"DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL {place}",
                  address=f"Kantor Disdukcapil {regency.name}, {province.name}", timezone=timezone_of(province.digits))


def first_free_slot(office: Office, after: dt.datetime, booked_per_day: dict[dt.date, int], daily_capacity: int,
                    search_days: int = 60) -> dt.datetime:
    """The earliest slot on a working day after ``after`` (from the next day on) with capacity left."""
    zone = ZoneInfo(office.timezone)
    day = after.astimezone(zone).date()
    for _ in range(search_days):
        day += dt.timedelta(days=1)
        if day.weekday() >= 5:
            continue
        taken = booked_per_day.get(day, 0)
        if taken < daily_capacity:
            start = dt.datetime.combine(day, dt.time(OPENING_HOUR), zone) + dt.timedelta(minutes=SLOT_MINUTES * taken)
            return start.astimezone(dt.timezone.utc)
    raise LookupError(f"no free appointment at {office.code} in the next {search_days} days")
