"""What NIK and No. KK share: 16 digits `PPKKCC DDMMYY SSSS` — region prefix, a date, a serial.

The prefix is the kecamatan at first registration and never changes, so it is checked against the current
Kemendagri codes, every version since 2016 and the regencies retired before (a region split later keeps its
old prefix in old numbers): a retired regency is valid, with a warning naming the region it belongs to now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ektp_shared.identity.finding import Finding
from ektp_shared.reference.regions import Region, Succession, districts_listed, region, succession

LENGTH = 16
_SEPARATORS = re.compile(r"[\s.\-]")
_ASCII_DIGITS = re.compile(r"[0-9]*")


@dataclass(frozen=True, slots=True)
class Subject:
    """How findings name the number: its code prefix and its name in each language."""

    prefix: str
    indonesian: str
    english: str


@dataclass(slots=True)
class Parsed:
    number: str
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    province: Region | None = None
    regency: Region | None = None
    district: Region | None = None
    serial: int | None = None
    # Where a retired regency code went (the region the number's prefix belongs to now).
    succession: Succession | None = None

    @property
    def digits_ok(self) -> bool:
        return len(self.number) == LENGTH and _ASCII_DIGITS.fullmatch(self.number) is not None


def compact(text: str) -> str:
    """The number without the spaces, dots and hyphens people group it with."""
    return _SEPARATORS.sub("", text)


def parse_common(text: str, subject: Subject) -> Parsed:
    """Shape and region prefix; the date part is the caller's (its meaning differs for NIK and KK)."""
    parsed = Parsed(compact(text))
    s = subject
    if not _ASCII_DIGITS.fullmatch(parsed.number):
        parsed.errors.append(Finding(
            f"{s.prefix}.not_digits",
            f"{s.indonesian} hanya boleh berisi angka.",
            f"The {s.english} must contain digits only.",
        ))
        return parsed
    if len(parsed.number) != LENGTH:
        parsed.errors.append(Finding(
            f"{s.prefix}.length",
            f"{s.indonesian} harus {LENGTH} digit, bukan {len(parsed.number)}.",
            f"The {s.english} must have {LENGTH} digits, not {len(parsed.number)}.",
        ))
        return parsed
    _check_prefix(parsed, subject)
    return parsed


def check_serial(parsed: Parsed, s: Subject) -> None:
    """The last four digits: 0001–9999. Checked after the date so findings follow the number's order."""
    parsed.serial = int(parsed.number[12:])
    if parsed.serial == 0:
        parsed.errors.append(Finding(
            f"{s.prefix}.serial_invalid",
            f"Nomor urut (4 digit terakhir) {s.indonesian} harus 0001–9999, bukan 0000.",
            f"The serial (last 4 digits) of the {s.english} must be 0001–9999, not 0000.",
        ))


def _check_prefix(parsed: Parsed, s: Subject) -> None:
    digits = parsed.number
    parsed.province = region(digits[:2])
    parsed.regency = region(digits[:4])
    parsed.district = region(digits[:6])
    # Report only the widest unknown level: an unknown province makes its regency unknown too.
    if parsed.province is None:
        parsed.errors.append(Finding(
            f"{s.prefix}.province_unknown",
            f"Kode provinsi {digits[:2]} pada {s.indonesian} tidak ada dalam kode wilayah Kemendagri.",
            f"Province code {digits[:2]} in the {s.english} is not a Kemendagri region code.",
        ))
    elif parsed.regency is None:
        parsed.errors.append(Finding(
            f"{s.prefix}.regency_unknown",
            f"Kode kabupaten/kota {digits[:4]} pada {s.indonesian} tidak ada dalam kode wilayah Kemendagri "
            "(saat ini maupun sejak 2016).",
            f"Regency/city code {digits[:4]} in the {s.english} is not a Kemendagri region code "
            "(current or since 2016).",
        ))
    # Under a regency retired before 2016 the district part cannot be checked, so it is not refused.
    elif parsed.district is None and districts_listed(parsed.regency.code):
        parsed.errors.append(Finding(
            f"{s.prefix}.district_unknown",
            f"Kode kecamatan {digits[:6]} pada {s.indonesian} tidak ada dalam kode wilayah Kemendagri "
            "(saat ini maupun sejak 2016).",
            f"District code {digits[:6]} in the {s.english} is not a Kemendagri region code "
            "(current or since 2016).",
        ))
    if parsed.regency is not None:
        parsed.succession = succession(parsed.regency.code)
    if parsed.succession is not None:
        parsed.warnings.append(_retired_finding(parsed.succession, s))


def _retired_finding(moved: Succession, s: Subject) -> Finding:
    old, new = moved.retired, moved.successor
    old_province, new_province = region(old.code[:2]), region(new.code[:2])
    return Finding(
        f"{s.prefix}.region_retired",
        f"Kode wilayah {old.code} pada {s.indonesian} adalah {old.name} ({old_province.name}), kode yang berlaku "
        f"sampai {moved.in_force_until}; wilayah itu kini {new.code} {new.name} ({new_province.name}). "
        f"{s.indonesian} tetap berlaku.",
        f"Region code {old.code} in the {s.english} is {old.name} ({old_province.name}), a code in force until "
        f"{moved.in_force_until}; that region is now {new.code} {new.name} ({new_province.name}). "
        f"The {s.english} remains valid.",
    )


def resolve_date(day: int, month: int, two_digit_year: int, today: date, prefer_year: int | None = None) -> date | None:
    """The real date for DD MM YY: the century of `prefer_year` when its last two digits match, else the most
    recent century that does not put the date after `today`. None when no century gives a real, past date."""
    candidates = [2000 + two_digit_year, 1900 + two_digit_year]
    if prefer_year is not None and prefer_year % 100 == two_digit_year:
        candidates.insert(0, prefer_year)
    for year in candidates:
        try:
            resolved = date(year, month, day)
        except ValueError:
            continue
        if resolved <= today:
            return resolved
    return None


def region_dict(r: Region | None) -> dict | None:
    return None if r is None else {"code": r.code, "name": r.name}
