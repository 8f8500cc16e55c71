"""From the verified card holder (event data) to the fields printed on the card (no I/O)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ektp_shared.reference.regions import Level, lineage

from ..card_front import CardFields

UNKNOWN = "-"


def _strip_kind(name: str) -> str:
    for prefix in ("Kabupaten ", "Kota ", "KABUPATEN ", "KOTA "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def card_fields(holder: dict[str, Any]) -> CardFields:
    address = holder["address"]
    regions = {r.level: r for r in lineage(address["village_code"])}
    regency = regions[Level.REGENCY]
    return CardFields(
        nik=holder["nik"], nama=holder["full_name"], tempat_lahir=holder["birth_place"],
        tanggal_lahir=dt.date.fromisoformat(holder["birth_date"]), jenis_kelamin=holder["gender"],
        golongan_darah=holder.get("blood_type") or UNKNOWN, alamat=address["street"], rt=address["rt"], rw=address["rw"],
        kelurahan_desa=regions[Level.VILLAGE].name, kecamatan=regions[Level.DISTRICT].name,
        agama=holder.get("religion") or UNKNOWN, status_perkawinan=holder.get("marital_status") or UNKNOWN,
        pekerjaan=holder.get("occupation") or UNKNOWN, kewarganegaraan=holder.get("citizenship") or "WNI",
        provinsi=regions[Level.PROVINCE].name, jenis_daerah=regency.kind or "KABUPATEN",
        kabupaten_kota=_strip_kind(regency.name),
        berlaku_hingga=dt.date.fromisoformat(holder["permit_expiry"]) if holder.get("citizenship") == "WNA" else None,
    )


def issue_place(holder: dict[str, Any]) -> str:
    regency = {r.level: r for r in lineage(holder["address"]["village_code"])}[Level.REGENCY]
    return _strip_kind(regency.name)
