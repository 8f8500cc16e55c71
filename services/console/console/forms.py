"""The console's forms: WTForms with CSRF, labels in Bahasa Indonesia (English through flask-babel)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ektp_shared.auth import ROLES

from . import wording


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DevelopmentSignInForm(FlaskForm):
    role = SelectField(_l("Peran"), choices=[(role, wording.ROLES[role]) for role in ROLES])
    office = StringField(_l("Kode kantor"), default="DISDUKCAPIL-3201", validators=[
        Optional(), Regexp(r"^[A-Z0-9-]{1,40}$", message=_l("Kode kantor seperti DISDUKCAPIL-3201."))])
    name = StringField(_l("Nama petugas"), default="petugas-dev", validators=[
        DataRequired(_l("Isi nama petugas.")), Length(max=60)])


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Keputusan"), choices=[
        ("approve", _l("Setujui dan jadwalkan perekaman")), ("request_correction", _l("Minta perbaikan")),
        ("reject", _l("Usulkan penolakan (dikonfirmasi supervisor lain)"))], validators=[
        DataRequired(_l("Pilih keputusan."))])
    correction_reason = SelectField(_l("Alasan perbaikan"), choices=[("", "–")] + list(wording.CORRECTION_REASONS.items()),
                                    validators=[Optional()])
    rejection_reason = SelectField(_l("Alasan penolakan"), choices=[("", "–")] + list(wording.REJECTION_REASONS.items()),
                                   validators=[Optional()])
    corrections = MultiCheckboxField(_l("Yang harus diperbaiki"), choices=[], validators=[Optional()])
    message = TextAreaField(_l("Pesan untuk pemohon"), validators=[Optional(), Length(max=1000)])

    def validate(self, extra_validators=None) -> bool:  # the fields each decision needs
        if not super().validate(extra_validators):
            return False
        if self.decision.data == "approve":
            return True
        reason = self.correction_reason if self.decision.data == "request_correction" else self.rejection_reason
        problems = []
        if not reason.data:
            reason.errors = [_l("Pilih alasan.")]
            problems.append(reason)
        if not (self.message.data or "").strip():
            self.message.errors = [_l("Tulis pesan untuk pemohon.")]
            problems.append(self.message)
        if self.decision.data == "request_correction" and not self.corrections.data:
            self.corrections.errors = [_l("Pilih data atau dokumen yang harus diperbaiki.")]
            problems.append(self.corrections)
        return not problems


OTHER_TIME = "lain"


class InterviewForm(FlaskForm):
    # The officer's own free slots (filled per page), or another time typed below.
    slot = RadioField(_l("Waktu wawancara"), choices=[(OTHER_TIME, _l("Waktu lain (isi di bawah)"))], default=OTHER_TIME,
                      validators=[DataRequired(_l("Pilih waktu wawancara."))])
    starts_at = DateTimeLocalField(_l("Waktu lain (WIB)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    channel = RadioField(_l("Cara"), choices=[("phone", _l("Telepon")), ("video", _l("Video"))], default="phone",
                         validators=[DataRequired()])
    phone = StringField(_l("Nomor telepon"), validators=[Optional(), Regexp(r"^\+?[0-9 ()-]{8,20}$", message=_l(
        "Nomor telepon tidak valid."))])
    join_url = StringField(_l("Tautan video (https)"), validators=[Optional(), URL(message=_l("Tautan tidak valid."))])


    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.slot.data == OTHER_TIME and self.starts_at.data is None and not self.starts_at.errors:
            self.starts_at.errors = [_l("Isi tanggal dan jam wawancara, atau pilih salah satu slot Anda.")]
            return False
        return valid


class AvailabilityForm(FlaskForm):
    """Slots an officer offers for interviews: ``count`` consecutive ones of ``minutes`` from ``starts_at``."""

    starts_at = DateTimeLocalField(_l("Mulai (WIB)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Isi tanggal dan jam mulai."))])
    count = IntegerField(_l("Jumlah slot"), default=4, validators=[DataRequired(_l("Isi jumlah slot.")), NumberRange(
        min=1, max=32, message=_l("Antara 1 dan 32 slot."))])
    minutes = IntegerField(_l("Lama per slot (menit)"), default=20, validators=[DataRequired(_l("Isi lama slot.")),
                                                                             NumberRange(min=5, max=120, message=_l(
                                                                                 "Antara 5 dan 120 menit."))])


class InterviewOutcomeForm(FlaskForm):
    outcome = RadioField(_l("Hasil"), choices=[("held", _l("Wawancara berlangsung")), ("no_show", _l("Pemohon tidak hadir"))],
                         validators=[DataRequired(_l("Pilih hasil."))])
    notes = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=1000)])


class RejectionReviewForm(FlaskForm):
    confirm = RadioField(_l("Penolakan"), choices=[("yes", _l("Konfirmasi penolakan")), ("no", _l("Batalkan penolakan"))],
                         validators=[DataRequired(_l("Pilih."))])
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=1000)])


class ConfirmForm(FlaskForm):
    """A button with CSRF only (claim, release, sign out)."""

    agree = BooleanField(default=True)


class CaptureForm(FlaskForm):
    """The capture upload: the face and the fingers by ISO position (the scanner's files). Biometrics says how
    many fingers it needs and judges each image's quality."""

    face = FileField(_l("Foto wajah"), validators=[FileRequired(_l("Pilih berkas foto wajah."))])


for _position, _name in wording.FINGERS.items():
    setattr(CaptureForm, f"finger_{_position}", FileField(_name))


class FaceReviewForm(FlaskForm):
    decision = RadioField(_l("Keputusan"), choices=[
        ("same_person", _l("Orang yang sama: saya sudah mencocokkan pemohon dengan dokumen dan pasfoto")),
        ("recapture", _l("Rekam ulang wajah"))], validators=[DataRequired(_l("Pilih keputusan."))])
    note = TextAreaField(_l("Apa yang Anda periksa"), validators=[Optional(), Length(max=1000)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.decision.data == "same_person" and not (self.note.data or "").strip():
            self.note.errors = [_l("Tulis apa yang Anda periksa sebelum menyatakan orang yang sama.")]
            return False
        return True


class AdjudicationForm(FlaskForm):
    decision = RadioField(_l("Keputusan"), choices=[
        ("distinct", _l("Orang yang berbeda: lanjutkan pendaftaran")),
        ("duplicate", _l("Orang yang sama: tolak permohonan ini (sudah memiliki NIK)"))],
        validators=[DataRequired(_l("Pilih keputusan."))])
    message = TextAreaField(_l("Pesan untuk pemohon"), validators=[Optional(), Length(max=1000)])
    note = TextAreaField(_l("Catatan adjudikasi"), validators=[Optional(), Length(max=1000)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.decision.data == "duplicate" and not (self.message.data or "").strip():
            self.message.errors = [_l("Tulis pesan untuk pemohon: penolakan karena data ganda harus dijelaskan.")]
            return False
        return True


class RotationForm(FlaskForm):
    in_rotation = RadioField(_l("Rotasi"), choices=[("no", _l("Keluarkan dari rotasi")), ("yes", _l("Kembalikan ke rotasi"))],
                             validators=[DataRequired(_l("Pilih."))])
    reason = StringField(_l("Alasan"), validators=[DataRequired(_l("Tulis alasannya.")), Length(min=3, max=150)])


class BatchForm(FlaskForm):
    reference = StringField(_l("Nomor berita acara penerimaan"), validators=[DataRequired(_l("Isi nomor berita acara.")),
                                                                             Length(max=80)])
    first_serial = StringField(_l("Nomor seri pertama"), validators=[DataRequired(_l("Isi nomor seri pertama.")),
                                                                     Length(max=40)])
    count = IntegerField(_l("Jumlah blangko"), validators=[DataRequired(_l("Isi jumlah blangko.")),
                                                           NumberRange(min=1, max=10000, message=_l("Antara 1 dan 10.000."))])


class VoidForm(FlaskForm):
    serial = StringField(_l("Nomor seri blangko"), validators=[DataRequired(_l("Isi nomor seri.")), Length(max=40)])
    reason = StringField(_l("Alasan"), validators=[DataRequired(_l("Tulis alasannya.")), Length(min=3, max=200)])


class QualityForm(FlaskForm):
    result = RadioField(_l("Hasil pemeriksaan"), choices=[("passed", _l("Lulus: kartu siap diambil")),
                                                          ("defect", _l("Cacat: nomor seri dibatalkan, cetak ulang"))],
                        validators=[DataRequired(_l("Pilih hasil pemeriksaan."))])
    field = SelectField(_l("Bagian yang cacat"), choices=[("", "–")] + list(wording.CARD_PARTS.items()),
                        validators=[Optional()])
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.result.data == "defect" and not self.field.data:
            self.field.errors = [_l("Pilih bagian kartu yang cacat.")]
            return False
        return True


class ReprintForm(FlaskForm):
    reason = StringField(_l("Alasan cetak ulang"), validators=[DataRequired(_l("Tulis alasan cetak ulang.")),
                                                               Length(min=3, max=500)])

NIK_DIGITS = Regexp(r"^[0-9]{16}$", message=_l("NIK terdiri atas 16 angka."))


class ReceiptSearchForm(FlaskForm):
    receipt_number = StringField(_l("Nomor tanda terima"), validators=[
        DataRequired(_l("Ketik nomor tanda terima atau pindai kode QR-nya.")), Length(min=4, max=40)])


class HandoverForm(FlaskForm):
    nik = StringField(_l("NIK pemohon"), validators=[DataRequired(_l("Isi NIK pemohon.")), NIK_DIGITS])
    collected_by = RadioField(_l("Yang mengambil"), choices=[("applicant", _l("Pemohon sendiri")),
                                                            ("representative", _l("Wakil pemohon"))],
                              default="applicant", validators=[DataRequired()])
    representative_nik = StringField(_l("NIK wakil"), validators=[Optional(), NIK_DIGITS])
    representative_kk = StringField(_l("Nomor KK wakil (keluarga dalam satu KK)"), validators=[Optional(), NIK_DIGITS])
    representative_name = StringField(_l("Nama wakil sesuai KTP-el"), validators=[Optional(), Length(max=120)])
    old_card = BooleanField(_l("KTP-el lama sudah diserahkan dan ditarik"))
    fingerprint_override = TextAreaField(_l("Alasan kartu tetap diserahkan meski sidik jari tidak cocok"),
                                         validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.collected_by.data == "representative" and not self.representative_nik.data:
            self.representative_nik.errors = [_l("Isi NIK wakil yang mengambil.")]
            return False
        return True


class FingerprintForm(FlaskForm):
    """One finger of the person collecting, verified by biometrics against the holder's enrolment."""

    position = SelectField(_l("Jari"), choices=list(wording.FINGERS.items()), coerce=int, default=2)
    file = FileField(_l("Gambar sidik jari dari pemindai"), validators=[FileRequired(_l("Pilih berkas sidik jari."))])


class AttorneyForm(FlaskForm):
    file = FileField(_l("Pindaian surat kuasa (PDF, JPEG atau PNG)"), validators=[
        FileRequired(_l("Pilih berkas surat kuasa."))])
    representative_nik = StringField(_l("NIK penerima kuasa, sesuai surat"), validators=[
        DataRequired(_l("Isi NIK penerima kuasa.")), NIK_DIGITS])
    representative_name = StringField(_l("Nama penerima kuasa, sesuai surat"), validators=[
        DataRequired(_l("Isi nama penerima kuasa.")), Length(max=120)])


class RefusalForm(FlaskForm):
    nik = StringField(_l("NIK pemohon"), validators=[DataRequired(_l("Isi NIK pemohon.")), NIK_DIGITS])
    wrong = MultiCheckboxField(_l("Data yang salah tercetak"), choices=[
        (name, label) for name, label in wording.CARD_PARTS.items() if name not in ("print", "chip", "card_body")],
        validators=[DataRequired(_l("Pilih data yang salah."))])


class PauseForm(FlaskForm):
    reason = StringField(_l("Alasan menghentikan sementara"), validators=[DataRequired(_l("Tulis alasannya.")),
                                                                         Length(max=500)])


class RetryForm(FlaskForm):
    stage = SelectField(_l("Ulangi dari tahap"), choices=[
        ("checks", _l("Pemeriksaan otomatis")), ("review", _l("Kembali ke antrean verifikasi")),
        ("appointment", _l("Pemesanan jadwal perekaman")), ("verified", _l("Kirim ulang persetujuan ke layanan lain"))],
        validators=[DataRequired()])
