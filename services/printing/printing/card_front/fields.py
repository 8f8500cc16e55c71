"""What goes on the front of an e-KTP, and how each value is printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

KEWARGANEGARAAN = ("WNI", "WNA")
JENIS_DAERAH = ("KABUPATEN", "KOTA")
# A citizen whose blood group is unknown has "-" printed on the card.
GOLONGAN_DARAH_TIDAK_TAHU = "TIDAK TAHU"
SEUMUR_HIDUP = "SEUMUR HIDUP"


def tanggal(value: date) -> str:
    """Dates on the card read DD-MM-YYYY."""
    return value.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class CardFields:
    """The personal data printed on the card front, as approved by verification."""

    nik: str
    nama: str
    tempat_lahir: str
    tanggal_lahir: date
    jenis_kelamin: str
    golongan_darah: str
    alamat: str
    rt: str
    rw: str
    kelurahan_desa: str
    kecamatan: str
    agama: str
    status_perkawinan: str
    pekerjaan: str
    kewarganegaraan: Literal["WNI", "WNA"]
    provinsi: str
    jenis_daerah: Literal["KABUPATEN", "KOTA"]
    kabupaten_kota: str
    # WNI cards are valid for life; a WNA card ends with the holder's permanent stay permit (ITAP).
    berlaku_hingga: date | None = None

    def __post_init__(self) -> None:
        if len(self.nik) != 16 or not self.nik.isdigit():
            raise ValueError("nik: must be 16 digits")
        if self.kewarganegaraan not in KEWARGANEGARAAN:
            raise ValueError(f"kewarganegaraan: must be one of {KEWARGANEGARAAN}")
        if self.jenis_daerah not in JENIS_DAERAH:
            raise ValueError(f"jenis_daerah: must be one of {JENIS_DAERAH}")
        if self.kewarganegaraan == "WNA" and self.berlaku_hingga is None:
            raise ValueError("berlaku_hingga: a WNA card needs the ITAP expiry date")
        if self.kewarganegaraan == "WNI" and self.berlaku_hingga is not None:
            raise ValueError("berlaku_hingga: a WNI card is valid for life (SEUMUR HIDUP)")
        for name in ("nama", "tempat_lahir", "alamat", "kelurahan_desa", "kecamatan", "provinsi", "kabupaten_kota"):
            if not getattr(self, name).strip():
                raise ValueError(f"{name}: must not be empty")

    @property
    def is_wna(self) -> bool:
        return self.kewarganegaraan == "WNA"

    def header(self) -> tuple[str, str]:
        return (
            f"PROVINSI {self.provinsi}".upper(),
            f"{self.jenis_daerah} {self.kabupaten_kota}".upper(),
        )

    def printed(self) -> dict[str, str]:
        """Each field's value exactly as printed: upper case, dates DD-MM-YYYY, RT/RW as 000/000."""
        darah = self.golongan_darah.strip().upper()
        return {
            "nik": self.nik,
            "nama": _clean(self.nama),
            "tempat_tgl_lahir": f"{_clean(self.tempat_lahir)}, {tanggal(self.tanggal_lahir)}",
            "jenis_kelamin": _clean(self.jenis_kelamin),
            "golongan_darah": "-" if darah in (GOLONGAN_DARAH_TIDAK_TAHU, "") else darah,
            "alamat": _clean(self.alamat),
            "rt_rw": f"{_rt(self.rt)}/{_rt(self.rw)}",
            "kelurahan_desa": _clean(self.kelurahan_desa),
            "kecamatan": _clean(self.kecamatan),
            "agama": _clean(self.agama),
            "status_perkawinan": _clean(self.status_perkawinan),
            "pekerjaan": _clean(self.pekerjaan),
            "kewarganegaraan": self.kewarganegaraan,
            "berlaku_hingga": SEUMUR_HIDUP if self.berlaku_hingga is None else tanggal(self.berlaku_hingga),
        }


@dataclass(frozen=True)
class Issue:
    """Where and when the card was issued; printed under the photo."""

    place: str
    date: date

    def printed(self) -> tuple[str, str]:
        return _clean(self.place), tanggal(self.date)


def _clean(value: str) -> str:
    # Collapse runs of whitespace (including line breaks from form input) so wrapping decides the lines.
    return " ".join(value.split()).upper()


def _rt(value: str) -> str:
    value = value.strip()
    return value.zfill(3) if value.isdigit() else value.upper()
