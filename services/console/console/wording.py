"""What the console calls things, in the officer's language: states, reason codes, roles, findings."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

ROLES = {
    "verifier": _l("Verifikator"), "supervisor": _l("Supervisor"), "biometric_operator": _l("Operator biometrik"),
    "biometric_adjudicator": _l("Adjudikator biometrik"), "print_operator": _l("Operator cetak"),
    "admin": _l("Admin nasional"),
}
STATES = {
    "OPEN": _l("Menunggu verifikasi"), "SUPERVISOR_REVIEW": _l("Tinjauan supervisor"),
    "REJECTION_PROPOSED": _l("Penolakan menunggu konfirmasi"), "INTERVIEW_SCHEDULED": _l("Wawancara terjadwal"),
    "AWAITING_CORRECTION": _l("Menunggu perbaikan"), "APPROVED": _l("Disetujui"), "REJECTED": _l("Ditolak"),
    "ADJUDICATION": _l("Adjudikasi"), "PAUSED": _l("Dihentikan sementara"), "EXPIRED": _l("Kedaluwarsa"),
}
CORRECTION_REASONS = {
    "data_mismatch": _l("Data berbeda dengan dokumen atau database KK"),
    "document_unreadable": _l("Dokumen tidak terbaca"),
    "document_wrong": _l("Dokumen salah atau milik orang lain"),
    "photo_not_compliant": _l("Pasfoto tidak memenuhi ketentuan"),
    "other": _l("Alasan lain (jelaskan di pesan)"),
}
REJECTION_REASONS = {
    "not_eligible": _l("Tidak berhak atas kartu ini"),
    "document_forged": _l("Dokumen palsu atau diubah"),
    "identity_mismatch": _l("Dokumen bukan milik pemohon"),
    "not_resident": _l("Bukan penduduk wilayah kantor ini"),
    "duplicate_identity": _l("Sudah memiliki NIK (adjudikasi biometrik)"),
    "other": _l("Alasan lain (jelaskan di pesan)"),
}
FIELDS = {
    "nik": _l("NIK"), "kk_number": _l("Nomor KK"), "full_name": _l("Nama lengkap"), "birth_place": _l("Tempat lahir"),
    "birth_date": _l("Tanggal lahir"), "gender": _l("Jenis kelamin"), "blood_type": _l("Golongan darah"),
    "religion": _l("Agama"), "marital_status": _l("Status perkawinan"), "occupation": _l("Pekerjaan"),
    "citizenship": _l("Kewarganegaraan"), "address": _l("Alamat"),
}
DOCUMENTS = {"kk": _l("Kartu Keluarga"), "akta_kelahiran": _l("Akta kelahiran"), "photo": _l("Pasfoto 4x6"),
             "surat_kehilangan": _l("Surat kehilangan"), "surat_pindah": _l("Surat pindah")}


def language() -> str:
    return str(get_locale() or "id")


def finding(found: dict) -> str:
    message = found.get("message") or {}
    return message.get(language()) or message.get("id") or found.get("code", "")


def address(value: dict | None) -> str:
    if not value:
        return "–"
    return f"{value.get('street', '')}, RT {value.get('rt', '')}/RW {value.get('rw', '')}, {value.get('village_code', '')}"
