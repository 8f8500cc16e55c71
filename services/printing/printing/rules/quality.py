"""What an operator or the citizen can find wrong with a printed card (no I/O)."""
from __future__ import annotations

# The printed fields (CardFields.printed()), the header and the pictures: what a citizen checks.
CARD_FIELDS = (
    "provinsi", "kabupaten_kota", "nik", "nama", "tempat_tgl_lahir", "jenis_kelamin", "golongan_darah", "alamat",
    "rt_rw", "kelurahan_desa", "kecamatan", "agama", "status_perkawinan", "pekerjaan", "kewarganegaraan",
    "berlaku_hingga", "photo", "signature", "issue_place_date",
)
# A child's card (KIA) prints the No. KK and the parent's name; no marital status, occupation or signature.
KIA_CARD_FIELDS = (
    "provinsi", "kabupaten_kota", "nik", "nama", "tempat_tgl_lahir", "jenis_kelamin", "golongan_darah", "agama",
    "kewarganegaraan", "no_kk", "nama_orang_tua", "alamat", "rt_rw", "kelurahan_desa", "kecamatan", "berlaku_hingga",
    "photo", "issue_place_date",
)
PRINTED_FIELDS = tuple(dict.fromkeys(CARD_FIELDS + KIA_CARD_FIELDS))  # of either card
# What only the operator's inspection finds: the print itself, the chip, the card body.
PHYSICAL = ("print", "chip", "card_body")
DEFECTS = PRINTED_FIELDS + PHYSICAL


def fields_of(document_type: str) -> tuple[str, ...]:
    """The fields printed on a card of this document type (ektp, kia)."""
    return KIA_CARD_FIELDS if document_type == "kia" else CARD_FIELDS
