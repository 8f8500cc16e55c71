"""Valid NIKs and No. KKs for synthetic registries and tests: real district codes, real dates, serial 0001–9999."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ektp_shared.reference.enumerations import FEMALE, MALE, nik_day_offset
from ektp_shared.reference.regions import Level, normalize_code, regions

# Within this many years the century of a NIK's two-digit year is unambiguous (see number.resolve_date).
_UNAMBIGUOUS_YEARS = 99


def format_nik(district: str, birth_date: date, gender: str, serial: int) -> str:
    """The NIK for these parts; the district code is taken as given (use it to build invalid prefixes too)."""
    day = birth_date.day + nik_day_offset(gender)
    return f"{_district_digits(district)}{day:02d}{birth_date:%m%y}{_serial(serial)}"


def format_kk(district: str, issue_date: date, serial: int) -> str:
    return f"{_district_digits(district)}{issue_date:%d%m%y}{_serial(serial)}"


def random_nik(
    rng: random.Random,
    *,
    today: date,
    district: str | None = None,
    birth_date: date | None = None,
    gender: str | None = None,
    serial: int | None = None,
    max_age_years: int = 90,
) -> str:
    """A valid NIK; parts not given are drawn from `rng` (a current district, a birth date within max_age_years)."""
    if not 0 <= max_age_years <= _UNAMBIGUOUS_YEARS:
        raise ValueError(f"max_age_years must be 0–{_UNAMBIGUOUS_YEARS} so the NIK's century is unambiguous")
    return format_nik(
        district or _random_district(rng),
        birth_date or _random_date(rng, today, max_age_years),
        gender or rng.choice((MALE, FEMALE)),
        rng.randint(1, 9999) if serial is None else serial,
    )


def random_kk(
    rng: random.Random,
    *,
    today: date,
    district: str | None = None,
    issue_date: date | None = None,
    serial: int | None = None,
    max_age_years: int = 20,
) -> str:
    """A valid No. KK; parts not given are drawn from `rng` (an issue date within max_age_years)."""
    if not 0 <= max_age_years <= _UNAMBIGUOUS_YEARS:
        raise ValueError(f"max_age_years must be 0–{_UNAMBIGUOUS_YEARS} so the KK's century is unambiguous")
    return format_kk(
        district or _random_district(rng),
        issue_date or _random_date(rng, today, max_age_years),
        rng.randint(1, 9999) if serial is None else serial,
    )


def _random_district(rng: random.Random) -> str:
    return rng.choice(regions(Level.DISTRICT)).code


def _random_date(rng: random.Random, today: date, max_age_years: int) -> date:
    """A day in (today - max_age_years, today]."""
    try:
        start = today.replace(year=today.year - max_age_years)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - max_age_years, day=28)
    earliest = min(today, start + timedelta(days=1))
    return earliest + timedelta(days=rng.randint(0, (today - earliest).days))


def _district_digits(district: str) -> str:
    dotted = normalize_code(district)
    if dotted is None or len(dotted) != 8:
        raise ValueError(f"{district!r} is not a district (kecamatan) code: NN.NN.NN or 6 digits")
    return dotted.replace(".", "")


def _serial(serial: int) -> str:
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1–9999, not {serial}")
    return f"{serial:04d}"
