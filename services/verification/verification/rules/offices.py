"""Which office serves an applicant, and when it can see them (no I/O).

An applicant is served by the office for the most specific region of their address: a UPT serving their
district if one is configured, else the Disdukcapil of their regency (configured, or with the default
capacity and hours). An outside_domicile applicant gives a regency code instead: the office of that regency. Appointments are taken in the office's local time (WIB, WITA or WIT by province) on
working days (no weekend, public holiday or configured closure): a day's opening hours are cut into
`daily_capacity` equal slots, one applicant each.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from ektp_shared.calendar import WorkingDays, local_day, zone_of_province
from ektp_shared.reference.regions import Level, lineage
from ektp_shared.refusal import Refused, Why

DISDUKCAPIL = "DISDUKCAPIL"


class NoFreeSlot(Refused):
    def __init__(self, message: str):
        super().__init__("no_free_slot", message, field="office", why=Why.CONFLICT)


@dataclasses.dataclass(frozen=True)
class Office:
    code: str
    name: str
    address: str
    timezone: str
    kind: str = DISDUKCAPIL
    serves: str = ""
    daily_capacity: int = 30
    opens: dt.time = dt.time(8)
    closes: dt.time = dt.time(15)

    def as_event(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "address": self.address, "timezone": self.timezone}

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def slot_start(self, day: dt.date, position: int) -> dt.datetime:
        """When slot `position` (0-based) of `day` starts, in UTC."""
        opens = dt.datetime.combine(day, self.opens, self.zone)
        span = dt.datetime.combine(day, self.closes, self.zone) - opens
        start = opens + span * position / self.daily_capacity
        return start.replace(second=0, microsecond=0).astimezone(dt.timezone.utc)

    def closing(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.closes, self.zone).astimezone(dt.timezone.utc)

    def local_day(self, moment: dt.datetime) -> dt.date:
        return local_day(moment, self.timezone)


def default_office(region_code: str, daily_capacity: int, opens: dt.time, closes: dt.time) -> Office:
    """The Disdukcapil of the regency of `region_code` (a village or a regency), named from the Kemendagri table."""
    regions = {r.level: r for r in lineage(region_code)}
    regency = regions.get(Level.REGENCY)
    province = regions.get(Level.PROVINCE)
    if regency is None or province is None:
        raise ValueError(f"{region_code} is not a known region")
    return Office(code=f"DISDUKCAPIL-{regency.digits}",
                  name=f"DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL {regency.name.upper()}",
                  address=f"Kantor Disdukcapil {regency.name}, {province.name}", timezone=zone_of_province(province.digits),
                  kind=DISDUKCAPIL, serves=regency.code, daily_capacity=daily_capacity, opens=opens, closes=closes)


def office_for(region_code: str, configured: Iterable[Office], default: Office) -> Office:
    """The configured office with the longest region prefix of the region (a village or a regency), else `default`."""
    matching = [o for o in configured if region_code == o.serves or region_code.startswith(o.serves + ".")]
    return max(matching, key=lambda o: len(o.serves), default=default)


def first_free_slot(office: Office, after: dt.datetime, taken: Mapping[dt.date, set[int]], working_days: WorkingDays,
                    not_before: dt.date | None = None, search_days: int = 60) -> tuple[dt.date, int]:
    """The earliest free (day, position) on a working day from the day after `after` (and not before
    `not_before`), reusing positions freed by a reschedule or no-show."""
    day = office.local_day(after)
    if not_before is not None:
        day = max(day, not_before - dt.timedelta(days=1))
    for _ in range(search_days):
        day += dt.timedelta(days=1)
        if not working_days.is_working(day):
            continue
        used = taken.get(day, set())
        free = next((p for p in range(office.daily_capacity) if p not in used), None)
        if free is not None:
            return day, free
    raise NoFreeSlot(f"no free appointment at {office.code} in the next {search_days} days")


def parse_hours(text: str) -> tuple[dt.time, dt.time]:
    """`08:00-15:00` → (08:00, 15:00); opening must come before closing."""
    opens, _, closes = text.partition("-")
    start, end = dt.time.fromisoformat(opens.strip()), dt.time.fromisoformat(closes.strip())
    if start >= end:
        raise ValueError(f"opening hours {text!r}: the office must open before it closes")
    return start, end
