"""No. KK (Nomor Kartu Keluarga): `PPKKCC DDMMYY SSSS` where the date is the KK's issue date (no +40)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ektp_shared.identity.finding import Finding
from ektp_shared.identity.number import Subject, check_serial, parse_common, region_dict, resolve_date
from ektp_shared.reference.regions import Region

KK = Subject("kk", "Nomor KK", "family card number (No. KK)")


@dataclass(frozen=True, slots=True)
class KkCheck:
    number: str
    errors: tuple[Finding, ...]
    province: Region | None
    regency: Region | None
    district: Region | None
    issue_date: date | None
    serial: int | None

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "errors": [f.as_dict() for f in self.errors],
            "province": region_dict(self.province),
            "regency": region_dict(self.regency),
            "district": region_dict(self.district),
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
        }


def check_kk(kk: str, *, today: date) -> KkCheck:
    """Every rule the No. KK breaks and what it encodes."""
    parsed = parse_common(kk, KK)
    issue_date = None
    if parsed.digits_ok:
        issue_date = _issue_date(parsed.number, parsed.errors, today)
        check_serial(parsed, KK)
    return KkCheck(
        parsed.number, tuple(parsed.errors), parsed.province, parsed.regency, parsed.district,
        issue_date, parsed.serial,
    )


def _issue_date(number: str, errors: list[Finding], today: date) -> date | None:
    day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    if not 1 <= day <= 31:
        errors.append(Finding(
            "kk.issue_day_invalid",
            f"Tanggal terbit pada Nomor KK ({number[6:8]}) harus 01–31 (tanpa tambahan 40).",
            f"The issue day in the No. KK ({number[6:8]}) must be 01–31 (no +40, unlike a NIK).",
        ))
    if not 1 <= month <= 12:
        errors.append(Finding(
            "kk.issue_month_invalid",
            f"Bulan terbit pada Nomor KK ({number[8:10]}) harus 01–12.",
            f"The issue month in the No. KK ({number[8:10]}) must be 01–12.",
        ))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    resolved = resolve_date(day, month, year, today)
    if resolved is None:
        errors.append(Finding(
            "kk.issue_date_invalid",
            f"Tanggal terbit pada Nomor KK ({number[6:8]}-{number[8:10]}-{number[10:12]}) bukan tanggal yang ada.",
            f"The issue date in the No. KK ({number[6:8]}-{number[8:10]}-{number[10:12]}) is not a real date.",
        ))
    return resolved
