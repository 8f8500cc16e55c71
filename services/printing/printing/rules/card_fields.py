"""From the verified card holder (event data) to the fields printed on the card, the e-KTP's or the child's
card's (KIA), and how long a KIA is valid (no I/O)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ektp_shared.reference.regions import Level, lineage

from ..card_front import CardFields, KiaFields

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


# A KIA under 5 is valid until the day before the 5th birthday; from 5, until the day before the 17th
# (Permendagri 2/2016 Pasal 5), when the child applies for a photo KIA, or the e-KTP.
KIA_AGES = (5, 17)


def kia_valid_until(birth_date: dt.date, issued: dt.date) -> dt.date:
    age = issued.year - birth_date.year - ((issued.month, issued.day) < (birth_date.month, birth_date.day))
    years = next((limit for limit in KIA_AGES if age < limit), KIA_AGES[-1])
    try:
        birthday = birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February: the birthday is 1 March
        birthday = dt.date(birth_date.year + years, 3, 1)
    return birthday - dt.timedelta(days=1)


def kia_fields(holder: dict[str, Any], parent: dict[str, Any], issued: dt.date) -> KiaFields:
    ektp = card_fields(holder)
    return KiaFields(
        nik=ektp.nik, nama=ektp.nama, tempat_lahir=ektp.tempat_lahir, tanggal_lahir=ektp.tanggal_lahir,
        jenis_kelamin=ektp.jenis_kelamin, golongan_darah=ektp.golongan_darah, agama=ektp.agama,
        kewarganegaraan=ektp.kewarganegaraan, no_kk=holder["kk_number"], nama_orang_tua=parent.get("full_name") or UNKNOWN,
        alamat=ektp.alamat, rt=ektp.rt, rw=ektp.rw, kelurahan_desa=ektp.kelurahan_desa, kecamatan=ektp.kecamatan,
        provinsi=ektp.provinsi, jenis_daerah=ektp.jenis_daerah, kabupaten_kota=ektp.kabupaten_kota,
        berlaku_hingga=kia_valid_until(ektp.tanggal_lahir, issued),
    )
