"""Every milestone reaches the citizen by email and SMS, in Bahasa Indonesia by default or English,
naming the receipt number and, where it matters, the date, the time and the office's address."""
from datetime import date, datetime, timezone

import pytest

from notify.rules import sms
from notify.templates import (
    CODE_EVENT,
    EVENT_TYPES,
    KIA_EVENT_TYPES,
    LANGUAGES,
    TemplateError,
    TemplateVariableError,
    UnknownTemplate,
    render,
    render_email,
    render_sms,
)

RECEIPT = "EKTP-3273-2026-000123"
STATUS_URL = "https://ektp.dukcapil.example/permohonan/0b8e6a1e-5f3c-4d2a-9c1b-7a6e5d4c3b2a"
OFFICE = {"code": "3273", "name": "Disdukcapil Kota Bandung", "address": "Jl. Ambon No. 1B, Citarum, Bandung Wetan"}

# Variables as the handlers pass them: the event's data plus the receipt number notify keeps per application.
VARIABLES = {
    "application.submitted.v1": {"receipt_number": RECEIPT},
    "application.correction_requested.v1": {
        "receipt_number": RECEIPT,
        "reason_code": "photo_background",
        "message": "Latar foto harus merah",
        "corrections": [{"field": "photo", "message": "Latar belakang biru"}, {"field": "birth_date", "message": "Tidak sesuai akta"}],
    },
    "application.rejected.v1": {"receipt_number": RECEIPT, "reason_code": "duplicate", "message": "NIK sudah memiliki e-KTP"},
    "appointment.scheduled.v1": {"receipt_number": RECEIPT, "starts_at": datetime(2026, 1, 5, 2, 30, tzinfo=timezone.utc), "office": OFFICE},
    "card.ready_for_pickup.v1": {"receipt_number": RECEIPT, "pickup_from": date(2026, 1, 12), "office": OFFICE},
    "card.collected.v1": {"receipt_number": RECEIPT, "collected_at": "2026-01-13T03:05:00+00:00", "collected_by": "applicant"},
    "application.resubmitted.v1": {"receipt_number": RECEIPT, "round": 2},
    "application.expired.v1": {"receipt_number": RECEIPT, "reason": "no_show", "expired_at": "2026-01-20T03:00:00+00:00"},
    "interview.scheduled.v1": {"receipt_number": RECEIPT, "starts_at": "2026-01-06T03:00:00+00:00", "channel": "video",
                               "join_url": "https://meet.dukcapil.example/abc-123"},
    "interview.reminder.v1": {"receipt_number": RECEIPT, "starts_at": "2026-01-06T03:00:00+00:00", "channel": "phone",
                              "join_url": None},
    "interview.missed.v1": {"receipt_number": RECEIPT, "starts_at": "2026-01-06T03:00:00+00:00", "channel": "phone",
                            "missed": 1, "next": "new_interview"},
    "card.temporary_letter_issued.v1": {"receipt_number": RECEIPT, "letter_number": "470/00012/DISDUKCAPIL-3273/I/2026",
                                        "issued_at": "2026-01-08T02:00:00+00:00", "valid_until": "2026-07-08",
                                        "office": OFFICE},
    "card.pickup_reminder.v1": {"receipt_number": RECEIPT, "reminder_number": 1, "pickup_from": "2026-01-12", "office": OFFICE},
    "card.refused_at_pickup.v1": {"receipt_number": RECEIPT, "fields": ["nama", "tempat_tgl_lahir"],
                                  "refused_at": "2026-01-13T03:05:00+00:00", "card_serial": "3273-2026-000001"},
    "payment.due.v1": {"receipt_number": RECEIPT, "rupiah": 50000, "basis": "Perda Kota Bandung 2/2025",
                       "pay_by": "2026-01-19T07:00:00+00:00", "language": "id", "status_url": STATUS_URL},
    "payment.reminder.v1": {"receipt_number": RECEIPT, "rupiah": 50000, "pay_by": "2026-01-19T07:00:00+00:00",
                            "status_url": STATUS_URL},
    "application.expired_unpaid.v1": {"receipt_number": RECEIPT, "rupiah": 50000,
                                      "pay_by": "2026-01-19T07:00:00+00:00",
                                      "expired_at": "2026-01-19T08:00:00+00:00", "status_url": STATUS_URL},
}

# What the citizen must read in each message, by language.
MUST_SAY = {
    ("id", "application.submitted.v1"): [RECEIPT],
    ("en", "application.submitted.v1"): [RECEIPT],
    ("id", "application.correction_requested.v1"): [RECEIPT, "Latar foto harus merah", "Tanggal Lahir"],
    ("en", "application.correction_requested.v1"): [RECEIPT, "Latar foto harus merah", "date of birth"],
    ("id", "application.rejected.v1"): [RECEIPT, "ditolak", "NIK sudah memiliki e-KTP"],
    ("en", "application.rejected.v1"): [RECEIPT, "rejected", "NIK sudah memiliki e-KTP"],
    ("id", "appointment.scheduled.v1"): [RECEIPT, "Senin, 05 Januari 2026", "09.30 WIB", OFFICE["name"], OFFICE["address"]],
    ("en", "appointment.scheduled.v1"): [RECEIPT, "Monday, 5 January 2026", "09.30 WIB", OFFICE["name"], OFFICE["address"]],
    ("id", "card.ready_for_pickup.v1"): [RECEIPT, "Senin, 12 Januari 2026", OFFICE["name"], OFFICE["address"]],
    ("en", "card.ready_for_pickup.v1"): [RECEIPT, "Monday, 12 January 2026", OFFICE["name"], OFFICE["address"]],
    ("id", "card.collected.v1"): [RECEIPT, "Selasa, 13 Januari 2026", "10.05 WIB", "pemohon sendiri"],
    ("en", "card.collected.v1"): [RECEIPT, "Tuesday, 13 January 2026", "10.05 WIB", "the applicant in person"],
    ("id", "application.resubmitted.v1"): [RECEIPT, "diperiksa kembali"],
    ("en", "application.resubmitted.v1"): [RECEIPT, "check it again"],
    ("id", "application.expired.v1"): [RECEIPT, "kedaluwarsa", "tidak hadir pada jadwal perekaman"],
    ("en", "application.expired.v1"): [RECEIPT, "expired", "did not come to the capture appointment"],
    ("id", "interview.scheduled.v1"): [RECEIPT, "Selasa, 06 Januari 2026", "10.00 WIB", "panggilan video"],
    ("en", "interview.scheduled.v1"): [RECEIPT, "Tuesday, 6 January 2026", "10.00 WIB", "video call"],
    ("id", "interview.reminder.v1"): [RECEIPT, "Pengingat", "Selasa, 06 Januari 2026", "10.00 WIB", "telepon"],
    ("en", "interview.reminder.v1"): [RECEIPT, "Reminder", "Tuesday, 6 January 2026", "10.00 WIB", "phone"],
    ("id", "interview.missed.v1"): [RECEIPT, "terlewat", "tidak dapat dihubungi", "wawancara baru"],
    ("en", "interview.missed.v1"): [RECEIPT, "missed", "could not be reached", "new interview"],
    ("id", "card.temporary_letter_issued.v1"): [RECEIPT, "Rabu, 08 Juli 2026", OFFICE["name"], OFFICE["address"]],
    ("en", "card.temporary_letter_issued.v1"): [RECEIPT, "Wednesday, 8 July 2026", OFFICE["name"], OFFICE["address"]],
    ("id", "card.pickup_reminder.v1"): [RECEIPT, "Senin, 12 Januari 2026", OFFICE["name"], OFFICE["address"]],
    ("en", "card.pickup_reminder.v1"): [RECEIPT, "Monday, 12 January 2026", OFFICE["name"], OFFICE["address"]],
    ("id", "card.refused_at_pickup.v1"): [RECEIPT, "Nama", "Tempat/Tgl Lahir"],
    ("en", "card.refused_at_pickup.v1"): [RECEIPT, "name", "place and date of birth"],
    ("id", "payment.due.v1"): [RECEIPT, "Rp50.000", "Senin, 19 Januari 2026", "14.00 WIB", STATUS_URL],
    ("en", "payment.due.v1"): [RECEIPT, "Rp50.000", "Monday, 19 January 2026", "14.00 WIB", STATUS_URL],
    ("id", "payment.reminder.v1"): [RECEIPT, "belum dibayar", "Rp50.000", "Senin, 19 Januari 2026", STATUS_URL],
    ("en", "payment.reminder.v1"): [RECEIPT, "unpaid", "Rp50.000", "Monday, 19 January 2026", STATUS_URL],
    ("id", "application.expired_unpaid.v1"): [RECEIPT, "kedaluwarsa", "Rp50.000", "Senin, 19 Januari 2026",
                                              "permohonan baru"],
    ("en", "application.expired_unpaid.v1"): [RECEIPT, "expired", "Rp50.000", "Monday, 19 January 2026",
                                              "new application"],
}

CASES = [(lang, event) for lang in LANGUAGES for event in EVENT_TYPES]


@pytest.mark.parametrize(("lang", "event"), CASES)
def test_the_email_says_what_the_citizen_needs(lang, event):
    email = render_email(event, VARIABLES[event], lang)
    assert RECEIPT in email.subject
    assert "\n" not in email.subject
    for words in MUST_SAY[(lang, event)]:
        assert words in email.body


@pytest.mark.parametrize(("lang", "event"), CASES)
def test_the_sms_says_it_too_in_plain_gsm7(lang, event):
    text = render_sms(event, VARIABLES[event], lang)
    for words in MUST_SAY[(lang, event)]:
        assert words in text
    segments = sms.split(text)
    assert segments.encoding == sms.GSM7  # a stray curly quote in a template would halve what fits
    assert len(segments.parts) <= 2
    assert "\n" not in text and "  " not in text


@pytest.mark.parametrize("event", EVENT_TYPES)
def test_indonesian_is_the_default(event):
    assert render_sms(event, VARIABLES[event]) == render_sms(event, VARIABLES[event], "id")
    assert render_email(event, VARIABLES[event]).body.startswith("Yth. Bapak/Ibu Pemohon,")


def test_the_email_greets_and_signs_in_its_language():
    body = render_email("application.submitted.v1", VARIABLES["application.submitted.v1"], "en").body
    assert body.startswith("Dear Applicant,")
    assert "Kind regards," in body


def test_the_receipt_sms_fits_one_message():
    assert len(sms.split(render_sms("application.submitted.v1", {"receipt_number": RECEIPT})).parts) == 1


def test_each_correction_is_listed_with_its_own_explanation():
    body = render_email("application.correction_requested.v1", VARIABLES["application.correction_requested.v1"]).body
    assert "- Pas foto 4x6 latar merah: Latar belakang biru" in body
    assert "- Tanggal Lahir: Tidak sesuai akta" in body


def test_a_correction_without_listed_fields_still_reads_well():
    variables = {**VARIABLES["application.correction_requested.v1"], "corrections": []}
    assert "perlu diperbaiki. Alasan: Latar foto harus merah." in render_sms("application.correction_requested.v1", variables)
    assert "Yang perlu diperbaiki" not in render_email("application.correction_requested.v1", variables).body


def test_an_unknown_field_key_is_shown_readably():
    variables = {**VARIABLES["application.correction_requested.v1"], "corrections": [{"field": "mother_name", "message": "Kosong"}]}
    assert "- mother name: Kosong" in render_email("application.correction_requested.v1", variables).body


@pytest.mark.parametrize(("zone", "expected"), [("Asia/Jakarta", "09.30 WIB"), ("Asia/Makassar", "10.30 WITA"), ("Asia/Jayapura", "11.30 WIT")])
def test_the_appointment_time_is_in_the_office_zone(zone, expected):
    variables = {**VARIABLES["appointment.scheduled.v1"], "timezone": zone}
    assert expected in render_sms("appointment.scheduled.v1", variables)


def test_dates_as_json_strings_render_like_dates():
    as_json = {**VARIABLES["appointment.scheduled.v1"], "starts_at": "2026-01-05T02:30:00Z"}
    assert render_sms("appointment.scheduled.v1", as_json) == render_sms("appointment.scheduled.v1", VARIABLES["appointment.scheduled.v1"])


def test_a_representative_collecting_is_named_as_such():
    variables = {**VARIABLES["card.collected.v1"], "collected_by": "representative"}
    assert "diambil oleh perwakilan" in render_sms("card.collected.v1", variables)
    assert "collected by a representative" in render_sms("card.collected.v1", variables, "en")


def test_a_missing_variable_is_an_error_naming_it_not_a_gap_in_the_message():
    variables = {key: value for key, value in VARIABLES["appointment.scheduled.v1"].items() if key != "office"}
    with pytest.raises(TemplateVariableError, match="office"):
        render_email("appointment.scheduled.v1", variables)
    with pytest.raises(TemplateVariableError, match="receipt_number"):
        render_sms("application.submitted.v1", {})


def test_text_is_not_html_escaped():
    office = {**OFFICE, "address": "Jl. Merdeka & Jl. Asia-Afrika <Blok C>"}
    variables = {**VARIABLES["card.ready_for_pickup.v1"], "office": office}
    assert "Jl. Merdeka & Jl. Asia-Afrika <Blok C>" in render_sms("card.ready_for_pickup.v1", variables)


def test_bad_values_are_refused_clearly():
    with pytest.raises(TemplateError, match="collected_by"):
        render_sms("card.collected.v1", {**VARIABLES["card.collected.v1"], "collected_by": "neighbour"})
    with pytest.raises(TemplateError, match="ISO 8601"):
        render_sms("card.ready_for_pickup.v1", {**VARIABLES["card.ready_for_pickup.v1"], "pickup_from": "12/01/2026"})
    with pytest.raises(TemplateError, match="time zone"):
        render_sms("appointment.scheduled.v1", {**VARIABLES["appointment.scheduled.v1"], "timezone": "Mars/Olympus"})


def test_unknown_event_language_or_channel():
    with pytest.raises(UnknownTemplate):
        render_sms("card.printed.v1", {})
    with pytest.raises(UnknownTemplate):
        render_sms("application.submitted.v1", {"receipt_number": RECEIPT}, "jv")
    with pytest.raises(UnknownTemplate):
        render("application.submitted.v1", "fax", {"receipt_number": RECEIPT})


def test_the_temporary_letter_email_names_the_letter():
    variables = VARIABLES["card.temporary_letter_issued.v1"]
    for lang in LANGUAGES:
        assert variables["letter_number"] in render_email("card.temporary_letter_issued.v1", variables, lang).body


def test_each_refused_field_is_listed_by_its_label_on_the_card():
    body = render_email("card.refused_at_pickup.v1", VARIABLES["card.refused_at_pickup.v1"]).body
    assert "- Nama\n- Tempat/Tgl Lahir\n" in body


def test_an_expiry_without_a_reason_still_reads_well():
    variables = {"receipt_number": RECEIPT}
    assert "kedaluwarsa. Silakan" in render_sms("application.expired.v1", variables)
    assert "Alasan" not in render_email("application.expired.v1", variables).body


def test_an_unknown_interview_channel_is_refused_clearly():
    with pytest.raises(TemplateError, match="channel"):
        render_sms("interview.scheduled.v1", {**VARIABLES["interview.scheduled.v1"], "channel": "pigeon"})


def test_a_video_interview_email_gives_the_link():
    for lang in LANGUAGES:
        body = render_email("interview.scheduled.v1", VARIABLES["interview.scheduled.v1"], lang).body
        assert "https://meet.dukcapil.example/abc-123" in body
    phone = {**VARIABLES["interview.scheduled.v1"], "channel": "phone", "join_url": None}
    assert "Tautan" not in render_email("interview.scheduled.v1", phone).body


def test_a_rescheduled_appointment_says_it_changed():
    variables = {**VARIABLES["appointment.scheduled.v1"], "replaces": "7d9c3c1e-4f7a-4a55-9a55-0c8f1d2b9e01"}
    assert "telah diubah" in render_email("appointment.scheduled.v1", variables).body
    assert "has been changed" in render_email("appointment.scheduled.v1", variables, "en").body
    assert "telah diverifikasi" in render_email("appointment.scheduled.v1", VARIABLES["appointment.scheduled.v1"]).body


def test_fields_named_by_their_path_in_the_api_get_their_labels():
    variables = {**VARIABLES["application.correction_requested.v1"], "corrections": [
        {"field": "applicant.full_name", "message": "ejaan"}, {"field": "documents.photo", "message": "buram"},
        {"field": "applicant.address.village_code", "message": "salah desa"}]}
    body = render_email("application.correction_requested.v1", variables).body
    assert "- Nama: ejaan" in body and "- Pas foto 4x6 latar merah: buram" in body
    assert "- Kelurahan/Desa: salah desa" in body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_one_time_code_says_the_code_until_when_and_not_to_share_it(lang):
    variables = {"code": "048213", "expires_at": "2026-12-02T08:05:00+00:00", "language": lang}
    text = render_sms(CODE_EVENT, variables, lang)
    assert "048213" in text and "15.05 WIB" in text and len(sms.split(text).parts) == 1
    assert ("Jangan berikan" if lang == "id" else "Do not give") in text
    email = render_email(CODE_EVENT, variables, lang)
    assert "048213" in email.subject and "048213" in email.body


@pytest.mark.parametrize(("lang", "says"), [("id", "diperiksa supervisor"), ("en", "supervisor now reviews")])
def test_an_interview_missed_too_often_says_a_supervisor_decides_not_that_another_comes(lang, says):
    variables = {**VARIABLES["interview.missed.v1"], "missed": 2, "next": "supervisor_review"}
    for text in (render_sms("interview.missed.v1", variables, lang),
                 render_email("interview.missed.v1", variables, lang).body):
        assert says in " ".join(text.split()).lower()
        assert "wawancara baru" not in text and "new interview" not in text


@pytest.mark.parametrize(("lang", "old_card", "says"), [
    ("id", "handed_in", "telah diserahkan dan ditarik"), ("en", "handed_in", "handed in and withdrawn"),
    ("id", "reported_lost", "dilaporkan hilang tidak berlaku lagi"), ("en", "reported_lost", "reported lost is no longer valid"),
])
def test_a_replacement_s_collection_says_the_old_card_is_no_longer_valid(lang, old_card, says):
    variables = {**VARIABLES["card.collected.v1"], "old_card": old_card}
    assert says in " ".join(render_email("card.collected.v1", variables, lang).body.split())
    assert "lama" not in render_email("card.collected.v1", VARIABLES["card.collected.v1"], "id").body


# A child's card (KIA): the parent applied, so every message of each milestone a KIA reaches speaks to the parent
# about the child's KIA, never of an e-KTP.
KIA_CASES = [(lang, event) for lang in LANGUAGES for event in KIA_EVENT_TYPES]


@pytest.mark.parametrize(("lang", "event"), KIA_CASES)
def test_a_kia_message_is_addressed_to_the_parent_about_the_childs_card(lang, event):
    variables = {**VARIABLES[event], "document_type": "kia"}
    email = render_email(event, variables, lang)
    assert RECEIPT in email.subject and "KIA" in email.subject and "e-KTP" not in email.subject
    assert email.body.startswith("Yth. Bapak/Ibu Orang Tua Pemohon KIA," if lang == "id" else "Dear Parent,")
    for words in MUST_SAY[(lang, event)]:
        if "e-KTP" not in words:
            assert words in email.body
    text = render_sms(event, variables, lang)
    assert "KIA" in text and RECEIPT in text and "e-KTP No" not in text and "e-KTP no" not in text
    assert sms.split(text).encoding == sms.GSM7 and len(sms.split(text).parts) <= 2


def test_a_kia_has_no_capture_appointment_or_no_show_message():
    assert set(EVENT_TYPES) - set(KIA_EVENT_TYPES) == {"appointment.scheduled.v1", "application.expired.v1"}
    with pytest.raises(UnknownTemplate):
        render_sms("appointment.scheduled.v1", {**VARIABLES["appointment.scheduled.v1"], "document_type": "kia"})


def test_the_kia_receipt_says_there_is_no_capture_and_pickup_asks_for_the_parents_own_card():
    submitted = render_email("application.submitted.v1", {"receipt_number": RECEIPT, "document_type": "kia"}).body
    assert "tidak memerlukan perekaman biometrik" in submitted and "NIK anak" in submitted
    ready = render_sms("card.ready_for_pickup.v1", {**VARIABLES["card.ready_for_pickup.v1"], "document_type": "kia"}, "en")
    assert "your e-KTP" in ready  # the parent shows their own card at the counter


def test_the_fee_email_names_its_regulation_and_that_a_late_payment_is_refunded():
    due = render_email("payment.due.v1", VARIABLES["payment.due.v1"]).body
    assert "Rp50.000 (Perda Kota Bandung 2/2025)" in due
    expired = render_email("application.expired_unpaid.v1", VARIABLES["application.expired_unpaid.v1"], "en").body
    assert "refunded" in expired


def test_an_amount_that_is_not_whole_rupiah_is_refused_clearly():
    with pytest.raises(TemplateError, match="rupiah"):
        render_sms("payment.reminder.v1", {**VARIABLES["payment.reminder.v1"], "rupiah": "50000"})
