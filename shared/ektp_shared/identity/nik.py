"""NIK (Nomor Induk Kependudukan): `PPKKCC DDMMYY SSSS`, women's birth day + 40.

A NIK never changes, even when a birth date is later corrected, so a NIK whose date or gender disagrees
with what was entered is a warning for the officer, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ektp_shared.identity.finding import Finding
from ektp_shared.identity.number import Subject, check_serial, parse_common, region_dict, resolve_date
from ektp_shared.reference.enumerations import FEMALE, MALE, Enumeration, nik_day_offset, values
from ektp_shared.reference.regions import Region

NIK = Subject("nik", "NIK", "NIK")


@dataclass(frozen=True, slots=True)
class NikCheck:
    number: str
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    province: Region | None
    regency: Region | None
    district: Region | None
    # The regency the NIK's region belongs to now, when its code was retired (e.g. 64.73 -> 65.71).
    current_regency: Region | None
    birth_date: date | None
    gender: str | None
    serial: int | None

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """The answer of `POST /v1/nik/validate`."""
        return {
            "valid": self.valid,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
            "province": region_dict(self.province),
            "regency": region_dict(self.regency),
            "district": region_dict(self.district),
            "current_regency": region_dict(self.current_regency),
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "gender": self.gender,
        }


def check_nik(nik: str, *, today: date, birth_date: date | None = None, gender: str | None = None) -> NikCheck:
    """Every rule the NIK breaks, what it encodes, and warnings where it disagrees with the entered
    birth date / gender (LAKI-LAKI or PEREMPUAN)."""
    if gender is not None and gender not in values(Enumeration.JENIS_KELAMIN):
        raise ValueError(f"unknown gender {gender!r}")
    parsed = parse_common(nik, NIK)
    errors = parsed.errors
    nik_date = nik_gender = None
    if parsed.digits_ok:
        nik_date, nik_gender = _birth(parsed.number, errors, today, birth_date)
        check_serial(parsed, NIK)
    warnings = list(parsed.warnings)
    if birth_date is not None and nik_date is not None and nik_date != birth_date:
        warnings.append(Finding(
            "nik.birth_date_mismatch",
            f"Tanggal lahir menurut NIK ({nik_date:%d-%m-%Y}) berbeda dengan tanggal lahir yang diisi "
            f"({birth_date:%d-%m-%Y}).",
            f"The birth date in the NIK ({nik_date:%Y-%m-%d}) differs from the birth date entered "
            f"({birth_date:%Y-%m-%d}).",
        ))
    if gender is not None and nik_gender is not None and nik_gender != gender:
        warnings.append(Finding(
            "nik.gender_mismatch",
            f"Jenis kelamin menurut NIK ({nik_gender}) berbeda dengan jenis kelamin yang diisi ({gender}).",
            f"The gender in the NIK ({_english(nik_gender)}) differs from the gender entered ({_english(gender)}).",
        ))
    return NikCheck(
        parsed.number, tuple(errors), tuple(warnings), parsed.province, parsed.regency, parsed.district,
        parsed.succession.successor if parsed.succession else None, nik_date, nik_gender, parsed.serial,
    )


def _birth(number: str, errors: list[Finding], today: date, entered: date | None) -> tuple[date | None, str | None]:
    day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    female_offset = nik_day_offset(FEMALE)
    gender = None
    if 1 <= day <= 31:
        gender = MALE
    elif 1 + female_offset <= day <= 31 + female_offset:
        gender, day = FEMALE, day - female_offset
    else:
        errors.append(Finding(
            "nik.birth_day_invalid",
            f"Tanggal lahir pada NIK ({number[6:8]}) harus 01–31 untuk laki-laki atau 41–71 untuk perempuan.",
            f"The birth day in the NIK ({number[6:8]}) must be 01–31 for a man or 41–71 for a woman.",
        ))
    if not 1 <= month <= 12:
        errors.append(Finding(
            "nik.birth_month_invalid",
            f"Bulan lahir pada NIK ({number[8:10]}) harus 01–12.",
            f"The birth month in the NIK ({number[8:10]}) must be 01–12.",
        ))
    if gender is None or not 1 <= month <= 12:
        return None, gender
    resolved = resolve_date(day, month, year, today, entered.year if entered else None)
    if resolved is None:
        errors.append(Finding(
            "nik.birth_date_invalid",
            f"Tanggal lahir pada NIK ({day:02d}-{month:02d}-{year:02d}) bukan tanggal yang ada.",
            f"The birth date in the NIK ({day:02d}-{month:02d}-{year:02d}) is not a real date.",
        ))
    return resolved, gender


def _english(gender: str) -> str:
    return {MALE: "male", FEMALE: "female"}[gender]
