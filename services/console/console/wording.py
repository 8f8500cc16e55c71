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
    "CORRECTION_REQUESTED": _l("Menunggu perbaikan pemohon"), "ENROLLED": _l("Terdaftar biometrik"),
    "VERIFIED": _l("Terverifikasi, tanpa perekaman (KIA)"),
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

ENROLMENT_STATES = {
    "AWAITING_CAPTURE": _l("Menunggu perekaman"), "IDENTIFYING": _l("Sedang diperiksa"),
    "FACE_REVIEW": _l("Tinjauan wajah"), "DUPLICATE_SUSPECTED": _l("Dugaan data ganda"),
    "ENROLLING": _l("Sedang didaftarkan"), "ENROLLED": _l("Terdaftar"), "NOT_ENROLLED": _l("Tidak didaftarkan"),
}
APPOINTMENT_STATES = {"SCHEDULED": _l("Terjadwal"), "ATTENDED": _l("Hadir"), "NO_SHOW": _l("Tidak hadir")}
FINGERS = {
    1: _l("Ibu jari kanan"), 2: _l("Telunjuk kanan"), 3: _l("Jari tengah kanan"), 4: _l("Jari manis kanan"),
    5: _l("Kelingking kanan"), 6: _l("Ibu jari kiri"), 7: _l("Telunjuk kiri"), 8: _l("Jari tengah kiri"),
    9: _l("Jari manis kiri"), 10: _l("Kelingking kiri"),
}
CAPTURE_PROBLEMS = {
    "face_not_found": _l("Wajah tidak ditemukan. Pastikan wajah terlihat jelas di kamera."),
    "face_multiple": _l("Ada lebih dari satu wajah. Hanya pemohon yang boleh terlihat."),
    "face_too_small": _l("Wajah terlalu kecil. Dekatkan kamera."),
    "face_turned": _l("Kepala menoleh. Minta pemohon menghadap kamera."),
    "face_tilted": _l("Kepala miring. Minta pemohon menegakkan kepala."),
    "finger_blank": _l("Gambar sidik jari kosong. Letakkan jari di pemindai."),
    "finger_too_few_minutiae": _l("Terlalu sedikit minusi. Tekan jari rata di pemindai, lalu rekam ulang."),
    "finger_low_quality": _l("Kualitas sidik jari rendah. Bersihkan pemindai, lalu rekam ulang."),
    "image_unreadable": _l("Berkas bukan gambar yang dapat dibaca."),
    "image_too_large": _l("Gambar terlalu besar."),
}
FACE_RESULTS = {"match": _l("Cocok"), "no_match": _l("Tidak cocok"), "photo_unusable": _l("Pasfoto tidak dapat dipakai"),
                "no_photo": _l("Tanpa pasfoto")}


def image_name(name: str) -> str:
    """``face``, ``photo`` or ``finger_<n>`` in words."""
    if name == "face":
        return str(_l("Wajah"))
    if name == "photo":
        return str(_l("Pasfoto permohonan"))
    return str(FINGERS.get(int(name.removeprefix("finger_")), name))


def capture_problem(error: dict) -> str:
    return str(CAPTURE_PROBLEMS.get(error.get("code", ""), error.get("message", "")))

PRINTER_CONDITIONS = {
    "feeder_empty": _l("Pengumpan kartu kosong"), "hopper_full": _l("Wadah keluaran penuh"),
    "cover_open": _l("Penutup terbuka"), "jam": _l("Kartu macet"), "ribbon_out": _l("Pita habis"),
    "ribbon_low": _l("Pita hampir habis"), "busy": _l("Sedang mencetak"), "stopped": _l("Berhenti"),
    "offline": _l("Tidak terhubung"), "not ready": _l("Belum siap"),
}
CARD_STATES = {
    "AWAITING_BIOMETRICS": _l("Menunggu biometrik"), "QUEUED_FOR_PRINT": _l("Dalam antrean cetak"),
    "PRINT_FAILED": _l("Gagal cetak"), "AWAITING_QC": _l("Menunggu pemeriksaan mutu"),
    "READY_FOR_PICKUP": _l("Siap diambil"), "AWAITING_CORRECTION": _l("Menunggu perbaikan data"),
    "COLLECTED": _l("Sudah diambil"), "WITHDRAWN": _l("Ditarik"),
}
JOB_STATES = {"queued": _l("Antre"), "sent": _l("Dikirim ke printer"), "printed": _l("Tercetak"),
              "qc_passed": _l("Lulus pemeriksaan"), "qc_failed": _l("Gagal pemeriksaan"), "failed": _l("Gagal")}
CARD_PARTS = {
    "provinsi": _l("Provinsi"), "kabupaten_kota": _l("Kabupaten/kota"), "nik": _l("NIK"), "nama": _l("Nama"),
    "tempat_tgl_lahir": _l("Tempat/tanggal lahir"), "jenis_kelamin": _l("Jenis kelamin"),
    "golongan_darah": _l("Golongan darah"), "alamat": _l("Alamat"), "rt_rw": _l("RT/RW"),
    "kelurahan_desa": _l("Kelurahan/desa"), "kecamatan": _l("Kecamatan"), "agama": _l("Agama"),
    "status_perkawinan": _l("Status perkawinan"), "pekerjaan": _l("Pekerjaan"),
    "kewarganegaraan": _l("Kewarganegaraan"), "berlaku_hingga": _l("Berlaku hingga"), "photo": _l("Foto"),
    "signature": _l("Tanda tangan"), "issue_place_date": _l("Tempat dan tanggal terbit"),
    "print": _l("Hasil cetak"), "chip": _l("Cip"), "card_body": _l("Badan kartu"),
}


def conditions(value: str | None) -> str:
    """A printer's reported conditions (``jam,ribbon_low``) in words; ``–`` when ready."""
    if not value:
        return "–"
    return ", ".join(str(PRINTER_CONDITIONS.get(part, part)) for part in value.split(","))

HANDOVER_REFUSALS = {
    "nik": _l("NIK tidak cocok dengan kartu ini. Periksa lagi KK atau dokumen pemohon."),
    "receipt_number": _l("Nomor tanda terima bukan milik kartu ini."),
    "application_id": _l("Kartu belum dapat diambil (lihat keadaannya di atas)."),
    "collected_by": _l("Kantor ini hanya menyerahkan kartu kepada pemohon sendiri."),
    "representative.kk_number": _l("Kantor ini hanya menyerahkan kartu kepada pemohon atau keluarga dalam satu KK."),
    "representative.nik": _l("Surat kuasa menyebut orang lain: NIK yang mengambil harus sama dengan NIK penerima kuasa."),
    "representative.name": _l("Surat kuasa menyebut orang lain: nama yang mengambil harus sama dengan nama penerima kuasa."),
    "surat_kuasa": _l("Wakil di luar KK pemohon memerlukan surat kuasa; unggah dulu di bawah."),
    "old_card": _l("Kartu lama harus diserahkan dan ditarik lebih dulu."),
    "fingerprint_override": _l("Sidik jari tidak cocok dengan data perekaman: verifikasi jari lain, atau tulis "
                               "alasan kartu tetap diserahkan (paling sedikit 10 huruf)."),
}


HANDOVER_FINGERPRINT = {
    "verified": _l("Diserahkan setelah sidik jari cocok"),
    "overridden": _l("Diserahkan meski sidik jari tidak cocok, dengan alasan"),
    "not_checked": _l("Diserahkan tanpa verifikasi sidik jari"),
}


def handover_refusal(fields: list[str], message: str) -> str:
    return str(next((HANDOVER_REFUSALS[f] for f in fields if f in HANDOVER_REFUSALS), message))


def age(seconds: int | None) -> str:
    """A wait in days and hours (or minutes under an hour)."""
    if seconds is None:
        return "–"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return str(_l("%(days)s hari %(hours)s jam", days=days, hours=hours))
    if hours:
        return str(_l("%(hours)s jam", hours=hours))
    return str(_l("%(minutes)s menit", minutes=rest // 60))
