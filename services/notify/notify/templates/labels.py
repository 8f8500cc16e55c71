"""Words the citizen reads for the keys that events carry.

Field keys are those of the intake application form and its documents; the Indonesian labels are the
ones printed on the e-KTP and the family card (KK), so a citizen recognises them.
"""

FIELD_LABELS: dict[str, dict[str, str]] = {
    "nik": {"id": "NIK", "en": "NIK (national identity number)"},
    "kk_number": {"id": "Nomor KK", "en": "family card (KK) number"},
    "full_name": {"id": "Nama", "en": "name"},
    "birth_place": {"id": "Tempat Lahir", "en": "place of birth"},
    "birth_date": {"id": "Tanggal Lahir", "en": "date of birth"},
    "gender": {"id": "Jenis Kelamin", "en": "sex"},
    "blood_type": {"id": "Golongan Darah", "en": "blood type"},
    "address": {"id": "Alamat", "en": "address"},
    "street": {"id": "Alamat", "en": "street address"},
    "village_code": {"id": "Kelurahan/Desa", "en": "village (kelurahan/desa)"},
    "rt": {"id": "RT", "en": "RT (neighbourhood)"},
    "rw": {"id": "RW", "en": "RW (community unit)"},
    "village": {"id": "Kelurahan/Desa", "en": "village (kelurahan/desa)"},
    "district": {"id": "Kecamatan", "en": "district (kecamatan)"},
    "regency": {"id": "Kabupaten/Kota", "en": "regency or city"},
    "province": {"id": "Provinsi", "en": "province"},
    "religion": {"id": "Agama", "en": "religion"},
    "marital_status": {"id": "Status Perkawinan", "en": "marital status"},
    "occupation": {"id": "Pekerjaan", "en": "occupation"},
    "nationality": {"id": "Kewarganegaraan", "en": "nationality"},
    "phone": {"id": "Nomor Telepon", "en": "phone number"},
    "email": {"id": "Email", "en": "email address"},
    "kk": {"id": "scan Kartu Keluarga (KK)", "en": "family card (KK) scan"},
    "akta_kelahiran": {"id": "Akta Kelahiran", "en": "birth certificate (akta kelahiran)"},
    "photo": {"id": "Pas foto 4x6 latar merah", "en": "4x6 photo on a red background"},
}

COLLECTOR_LABELS: dict[str, dict[str, str]] = {
    "applicant": {"id": "pemohon sendiri", "en": "the applicant in person"},
    "representative": {"id": "perwakilan", "en": "a representative"},
}

# Fields of the printed card (printing's keys), by the labels printed on the e-KTP.
CARD_FIELD_LABELS: dict[str, dict[str, str]] = {
    "provinsi": {"id": "Provinsi", "en": "province"},
    "kabupaten_kota": {"id": "Kabupaten/Kota", "en": "regency or city"},
    "nik": {"id": "NIK", "en": "NIK"},
    "nama": {"id": "Nama", "en": "name"},
    "tempat_tgl_lahir": {"id": "Tempat/Tgl Lahir", "en": "place and date of birth"},
    "jenis_kelamin": {"id": "Jenis Kelamin", "en": "sex"},
    "golongan_darah": {"id": "Gol. Darah", "en": "blood type"},
    "alamat": {"id": "Alamat", "en": "address"},
    "rt_rw": {"id": "RT/RW", "en": "RT/RW"},
    "kelurahan_desa": {"id": "Kel/Desa", "en": "village (kelurahan/desa)"},
    "kecamatan": {"id": "Kecamatan", "en": "district (kecamatan)"},
    "agama": {"id": "Agama", "en": "religion"},
    "status_perkawinan": {"id": "Status Perkawinan", "en": "marital status"},
    "pekerjaan": {"id": "Pekerjaan", "en": "occupation"},
    "kewarganegaraan": {"id": "Kewarganegaraan", "en": "nationality"},
    "berlaku_hingga": {"id": "Berlaku Hingga", "en": "valid until"},
    "photo": {"id": "Foto", "en": "photo"},
    "signature": {"id": "Tanda Tangan", "en": "signature"},
    "issue_place_date": {"id": "Tempat dan Tanggal Terbit", "en": "place and date of issue"},
    "no_kk": {"id": "No. KK", "en": "family card number"},  # a child's card (KIA)
    "nama_orang_tua": {"id": "Nama Orang Tua", "en": "parent's name"},
}

INTERVIEW_CHANNELS: dict[str, dict[str, str]] = {
    "phone": {"id": "telepon", "en": "phone"},
    "video": {"id": "panggilan video", "en": "video call"},
}

EXPIRY_REASONS: dict[str, dict[str, str]] = {
    "no_show": {"id": "tidak hadir pada jadwal perekaman dan tidak membuat jadwal baru tepat waktu",
                "en": "you did not come to the capture appointment and booked no other in time"},
}
