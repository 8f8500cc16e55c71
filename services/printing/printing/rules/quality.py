"""What an operator or the citizen can find wrong with a printed card (no I/O)."""
from __future__ import annotations

# The printed fields (CardFields.printed()), the header and the pictures: what a citizen checks.
CARD_FIELDS = (
    "provinsi", "kabupaten_kota", "nik", "nama", "tempat_tgl_lahir", "jenis_kelamin", "golongan_darah", "alamat",
    "rt_rw", "kelurahan_desa", "kecamatan", "agama", "status_perkawinan", "pekerjaan", "kewarganegaraan",
    "berlaku_hingga", "photo", "signature", "issue_place_date",
)
# What only the operator's inspection finds: the print itself, the chip, the card body.
PHYSICAL = ("print", "chip", "card_body")
DEFECTS = CARD_FIELDS + PHYSICAL
