"""What the portal says, in the citizen's language: the stages of an application and what happens next, intake's
refusals in plain words, names of documents, kinds and regions, and dates as Indonesians write them
("2 Desember 2026, 09.30 WIB"). Messages are written in Bahasa Indonesia; translations/en has the English."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import get_locale, gettext, lazy_gettext

from ektp_shared.calendar import WIB, zone_of_region
from ektp_shared.reference.application_kinds import application_kind, document_type
from ektp_shared.reference.regions import region

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
# Dates as Indonesians write them (day, month name, year) and the 24-hour clock of each language.
DAY_PATTERN = "d MMMM y"
MOMENT_PATTERNS = {"id": "d MMMM y, 'pukul' HH.mm", "en": "d MMMM y, HH:mm"}

# Each stage: its name, and what happens next (said on the status page).
STAGES: dict[str, tuple[Any, Any]] = {
    "DRAFT": (lazy_gettext("Draf"), lazy_gettext("Lengkapi data dan dokumen, periksa, lalu kirim permohonan.")),
    "AWAITING_PAYMENT": (lazy_gettext("Menunggu pembayaran"), lazy_gettext(
        "Kabupaten/kota Anda memungut biaya untuk jenis permohonan ini. Bayar hanya lewat tautan pembayaran dari portal "
        "ini; petugas memeriksa permohonan setelah pembayaran diterima.")),
    "SUBMITTED": (lazy_gettext("Terkirim"), lazy_gettext(
        "Petugas Disdukcapil memeriksa data dan dokumen Anda. Kabar berikutnya datang lewat SMS dan email.")),
    "CORRECTION_REQUESTED": (lazy_gettext("Perlu perbaikan"), lazy_gettext(
        "Petugas meminta perbaikan. Perbaiki yang diminta, lalu kirim ulang permohonan.")),
    "RESUBMITTED": (lazy_gettext("Perbaikan terkirim"), lazy_gettext("Petugas memeriksa perbaikan Anda.")),
    "INTERVIEW_SCHEDULED": (lazy_gettext("Wawancara dijadwalkan"), lazy_gettext(
        "Petugas akan menghubungi Anda pada waktu wawancara yang tertera di riwayat.")),
    "INTERVIEW_REMINDER": (lazy_gettext("Pengingat wawancara"), lazy_gettext(
        "Wawancara segera tiba. Pastikan Anda dapat dihubungi pada waktunya.")),
    "INTERVIEW_HELD": (lazy_gettext("Wawancara selesai"), lazy_gettext(
        "Petugas memutuskan permohonan Anda. Kabar berikutnya datang lewat SMS dan email.")),
    "INTERVIEW_MISSED": (lazy_gettext("Wawancara terlewat"), lazy_gettext(
        "Petugas tidak dapat menghubungi Anda. Jadwal wawancara baru akan dikirim; jika sudah terlalu sering "
        "terlewat, supervisor yang memutuskan.")),
    "REJECTED": (lazy_gettext("Ditolak"), lazy_gettext(
        "Permohonan ditolak; alasannya ada di riwayat. Anda dapat mengajukan permohonan baru.")),
    "VERIFIED": (lazy_gettext("Terverifikasi"), lazy_gettext(
        "Data Anda sudah diperiksa. Jadwal perekaman biometrik segera dikirim.")),
    "APPOINTMENT_SCHEDULED": (lazy_gettext("Jadwal perekaman"), lazy_gettext(
        "Datanglah ke kantor pada jadwal ini untuk perekaman sidik jari dan wajah. Bawa tanda terima.")),
    "RESCHEDULE_REQUESTED": (lazy_gettext("Jadwal ulang diminta"), lazy_gettext(
        "Jadwal baru sedang dicarikan; Anda akan menerima SMS.")),
    "EXPIRED": (lazy_gettext("Berakhir"), lazy_gettext(
        "Permohonan berakhir karena tidak dilanjutkan. Anda dapat mengajukan permohonan baru.")),
    "FACE_REVIEW": (lazy_gettext("Pemeriksaan wajah"), lazy_gettext(
        "Petugas memeriksa foto wajah Anda. Anda tidak perlu melakukan apa pun.")),
    "UNDER_ADJUDICATION": (lazy_gettext("Pemeriksaan data ganda"), lazy_gettext(
        "Petugas memeriksa kemiripan biometrik dengan data lain. Anda tidak perlu melakukan apa pun.")),
    "ADJUDICATED": (lazy_gettext("Pemeriksaan selesai"), lazy_gettext("Pemeriksaan selesai; proses berlanjut.")),
    "ENROLLED": (lazy_gettext("Biometrik terekam"), lazy_gettext("Kartu Anda akan dicetak.")),
    "TEMPORARY_LETTER_ISSUED": (lazy_gettext("Surat keterangan terbit"), lazy_gettext(
        "Blangko kartu sedang habis: ambil surat keterangan pengganti KTP-el di kantor. "
        "Kartu dicetak begitu blangko tersedia.")),
    "PRINTED": (lazy_gettext("Kartu dicetak"), lazy_gettext("Kartu sedang disiapkan untuk diambil.")),
    "READY_FOR_PICKUP": (lazy_gettext("Siap diambil"), lazy_gettext(
        "Ambil kartu di kantor dengan membawa tanda terima. Jika diwakilkan, wakil Anda membawa surat kuasa.")),
    "REFUSED_AT_PICKUP": (lazy_gettext("Ditolak saat pengambilan"), lazy_gettext(
        "Kartu dicetak ulang setelah data diperbaiki.")),
    "COLLECTED": (lazy_gettext("Sudah diambil"), lazy_gettext("Kartu sudah diserahkan. Permohonan selesai.")),
    "PICKUP_REMINDER": (lazy_gettext("Pengingat pengambilan"), lazy_gettext("Kartu masih menunggu di kantor.")),
}

# A fee paid after the application expired goes back (intake's refund states).
REFUND_STATES: dict[str, Any] = {
    "DUE": lazy_gettext("Sedang diproses: dana dikembalikan ke cara bayar yang Anda pakai."),
    "REFUNDED": lazy_gettext("Dana sudah dikembalikan ke cara bayar yang Anda pakai."),
    "MANUAL": lazy_gettext("Dana dikembalikan oleh kantor Dukcapil; bawa tanda terima ke kantor."),
}

# Where a child's card (KIA) goes on otherwise: it has no biometric capture; printing prints once verified.
KIA_NEXT_STEPS: dict[str, Any] = {
    "VERIFIED": lazy_gettext("Data anak sudah diperiksa. Kartu dicetak tanpa perekaman biometrik; Anda dikabari "
                             "kapan dapat diambil."),
}

# Intake's refusals (error ``code``) in plain words; a field's own message comes from the form's checks.
REFUSALS: dict[str, Any] = {
    "code.wrong": lazy_gettext("Kode salah atau sudah tidak berlaku. Periksa kode, atau minta kode baru."),
    "code.too_soon": lazy_gettext("Kode baru saja dikirim ke alamat ini. Tunggu satu menit sebelum meminta lagi."),
    "address_invalid": lazy_gettext("Alamat ini tidak dapat menerima kode. Tulis nomor HP Indonesia (misalnya "
                                    "0812 3456 7890) atau alamat email yang benar."),
    "contact.unproven": lazy_gettext("Buktikan nomor HP atau email ini dengan kode lebih dulu."),
    "citizen.other_nik": lazy_gettext("Anda masuk dengan NIK lain. Keluar, lalu masuk dengan NIK ini."),
    "active_application_exists": lazy_gettext("NIK ini sudah memiliki permohonan yang sedang diproses."),
    "too_many_requests": lazy_gettext("Terlalu banyak percobaan dari perangkat atau NIK ini. Coba lagi nanti."),
    "not_found": lazy_gettext("Tidak ada permohonan dengan nomor tanda terima dan NIK ini. Periksa keduanya."),
    "document_rejected": lazy_gettext("Berkas ini tidak dapat diterima:"),
    "documents_missing": lazy_gettext("Dokumen belum lengkap."),
    "document_not_needed": lazy_gettext("Dokumen ini tidak diperlukan untuk jenis permohonan ini."),
    "not_requested": lazy_gettext("Petugas tidak meminta dokumen ini diganti."),
    "not_editable": lazy_gettext("Permohonan ini tidak dapat diubah lagi."),
    "payload_too_large": lazy_gettext("Berkas terlalu besar. Ukuran paling besar 10 MB."),
    "review_failed": lazy_gettext("Permohonan belum dapat dikirim:"),
    "kia.parent_missing": lazy_gettext("Tulis nama lengkap orang tua yang mengajukan."),
    "kia.parent_is_child": lazy_gettext("NIK anak sama dengan NIK Anda. Tulis NIK anak; Anda mengajukan sebagai "
                                        "orang tua."),
    "kia.parent_too_young": lazy_gettext("Menurut tanggal lahir di NIK, Anda belum berumur 10 tahun saat anak lahir. "
                                         "Periksa NIK dan tanggal lahir anak."),
    "documents.photo_too_young": lazy_gettext("Anak di bawah 5 tahun tidak memerlukan pas foto."),
}
GENERIC_REFUSAL = lazy_gettext("Permintaan ini tidak dapat diproses. Periksa isian Anda, lalu coba lagi.")


def language() -> str:
    return str(get_locale() or "id")


def refusal(code: str) -> str:
    return str(REFUSALS.get(code, GENERIC_REFUSAL))


def finding(found: dict[str, Any]) -> str:
    """A rule's finding ({code, id, en} or {code, message: {id, en}}) in the citizen's language."""
    message = found.get("message") if isinstance(found.get("message"), dict) else found
    return str(message.get(language()) or message.get("id") or found.get("code", ""))


def stage_name(stage: str) -> str:
    return str(STAGES.get(stage, (stage, ""))[0])


def next_step(stage: str, document: str | None = None) -> str:
    if document == "kia" and stage in KIA_NEXT_STEPS:
        return str(KIA_NEXT_STEPS[stage])
    return str(STAGES.get(stage, ("", ""))[1])


def document_name(code: str) -> str:
    try:
        kind = document_type(code)
    except (KeyError, ValueError):
        return code
    return kind.english.capitalize() if language() == "en" else kind.indonesian


def fee(code: str) -> str:
    """What a kind costs, as the kinds list on the start page says it: Rp0 for every kind, by law."""
    rupiah = application_kind(code).fee.rupiah
    return gettext("Rp0, gratis") if rupiah == 0 else f"Rp{rupiah:,}".replace(",", ".")


def refund_state(code: str) -> str:
    return str(REFUND_STATES.get(code, code))


def rupiah(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def kind_name(code: str) -> str:
    try:
        kind = application_kind(code)
    except (KeyError, ValueError):
        return code
    return kind.english if language() == "en" else kind.indonesian


def region_name(code: str | None) -> str:
    found = region(code) if code else None
    return found.name if found else ""


def zone_of(region_code: str | None) -> str:
    return zone_of_region(region_code) if region_code else WIB


def _moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def day(value: Any, zone: str = WIB) -> str:
    """'2 Desember 2026': a date, or the day of a moment in the given zone."""
    if not value:
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        moment = dt.datetime.combine(value, dt.time(12))
        return format_datetime(moment, DAY_PATTERN, locale=language())
    if isinstance(value, str) and len(value) == 10:
        return day(dt.date.fromisoformat(value))
    return format_datetime(_moment(value), DAY_PATTERN, tzinfo=ZoneInfo(zone), locale=language())


def moment(value: Any, zone: str = WIB) -> str:
    """'2 Desember 2026, pukul 09.30 WIB': a moment in the zone of the office or the citizen's address."""
    found = _moment(value)
    if found is None:
        return ""
    text = format_datetime(found, MOMENT_PATTERNS.get(language(), MOMENT_PATTERNS["id"]), tzinfo=ZoneInfo(zone),
                           locale=language())
    return f"{text} {ZONE_ABBREVIATIONS.get(zone, zone)}"


def size(count: int) -> str:
    return gettext("%(kb)s KB", kb=max(1, round(count / 1024))) if count < 1024 * 1024 else \
        gettext("%(mb)s MB", mb=f"{count / 1024 / 1024:.1f}".replace(".", "," if language() == "id" else "."))
