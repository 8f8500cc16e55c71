"""The portal's forms (Flask-WTF: each carries its CSRF token). They check what a citizen can fix at once, with
messages in plain words ("NIK harus 16 angka"); intake stays the judge of every rule and its refusals are shown
beside the same fields (``FIELD_OF``)."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ektp_shared.calendar import WIB, local_day
from ektp_shared.contracts.documents import DocumentType
from ektp_shared.identity.contact import EMAIL, SMS, InvalidAddress, normalised
from ektp_shared.identity.kk import check_kk
from ektp_shared.identity.nik import check_nik
from ektp_shared.reference.application_kinds import application_kind, application_kinds
from ektp_shared.reference.enumerations import Enumeration, choices
from ektp_shared.reference.regions import Level, region, regions

from .wording import finding

SIXTEEN_DIGITS = r"^[0-9]{16}$"
THREE_DIGITS = r"^(?!000)[0-9]{3}$"

# Where intake names a field (its API body path), the form field that shows the message.
FIELD_OF = {
    "applicant.nik": "nik", "applicant.kk_number": "kk_number", "applicant.full_name": "full_name",
    "applicant.birth_place": "birth_place", "applicant.birth_date": "birth_date", "applicant.gender": "gender",
    "applicant.blood_type": "blood_type", "applicant.religion": "religion",
    "applicant.marital_status": "marital_status", "applicant.occupation": "occupation",
    "applicant.address": "street", "applicant.address.street": "street", "applicant.address.rt": "rt",
    "applicant.address.rw": "rw", "applicant.address.village_code": "village", "contact.phone": "phone",
    "contact.email": "email", "contact": "phone", "changes": "changes", "nik": "nik", "phone": "address",
    "email": "address", "code": "code", "receipt_number": "receipt_number", "file": "file",
    "not_before": "not_before", "office_regency": "office_regency",
    "parent": "parent_full_name", "parent.full_name": "parent_full_name", "parent.nik": "parent_nik",
}
REGION_LEVELS = ("province", "regency", "district", "village")


def _today() -> dt.date:
    return local_day(dt.datetime.now(dt.timezone.utc), WIB)


def _first_error(findings) -> None:
    """The NIK and No. KK rules (the same code intake runs), said in the citizen's language."""
    if findings:
        raise ValidationError(finding(findings[0].as_dict()))


def _enumeration(enumeration: Enumeration) -> list[SelectChoice]:
    """The values as the card prints them (capitals keep acronyms such as PNS or DPR-RI right)."""
    return [SelectChoice(c.value) for c in choices(enumeration)]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SignInForm(FlaskForm):
    nik = StringField(_l("NIK"), validators=[DataRequired(_l("Tulis NIK Anda.")),
                                              Regexp(SIXTEEN_DIGITS, message=_l("NIK harus 16 angka."))],
                      filters=[lambda v: v.replace(" ", "") if v else v])
    channel = RadioField(_l("Kirim kode lewat"), choices=[SelectChoice(SMS, _l("SMS ke nomor HP")), SelectChoice(EMAIL, _l("Email"))],
                         default=SMS, validators=[DataRequired(_l("Pilih SMS atau email."))])
    address = StringField(_l("Nomor HP atau alamat email"),
                          validators=[DataRequired(_l("Tulis nomor HP atau alamat email Anda."))],
                          filters=[lambda v: v.strip() if v else v])

    def validate_nik(self, field: StringField) -> None:
        _first_error(check_nik(field.data, today=_today()).errors)

    def validate_address(self, field: StringField) -> None:
        try:
            normalised(self.channel.data or SMS, field.data or "")
        except InvalidAddress as exc:
            if self.channel.data == EMAIL:
                raise ValidationError(_l("Tulis alamat email yang benar, misalnya nama@contoh.id.")) from exc
            raise ValidationError(_l("Tulis nomor HP Indonesia, misalnya 0812 3456 7890.")) from exc


class CodeForm(FlaskForm):
    code = StringField(_l("Kode 6 angka"), validators=[DataRequired(_l("Tulis kode dari pesan yang Anda terima.")),
                                                        Regexp(r"^[0-9]{6}$", message=_l("Kode terdiri dari 6 angka."))],
                       filters=[lambda v: v.replace(" ", "") if v else v])


class ResendForm(FlaskForm):
    """A button only: sends the same address a new code."""


PORTAL_KINDS = application_kinds()


class KindForm(FlaskForm):
    kind = RadioField(_l("Jenis permohonan"), choices=[SelectChoice(k.code) for k in PORTAL_KINDS],
                      validators=[DataRequired(_l("Pilih jenis permohonan."))])


class ApplicationForm(FlaskForm):
    """The applicant's data, address and contact; the region is chosen one level at a time."""

    nik = StringField(_l("NIK"), validators=[DataRequired(_l("Tulis NIK.")),
                                              Regexp(SIXTEEN_DIGITS, message=_l("NIK harus 16 angka."))])
    kk_number = StringField(_l("Nomor Kartu Keluarga (KK)"), validators=[
        DataRequired(_l("Tulis nomor KK.")), Regexp(SIXTEEN_DIGITS, message=_l("Nomor KK harus 16 angka."))],
        filters=[lambda v: v.replace(" ", "") if v else v])
    full_name = StringField(_l("Nama lengkap"), validators=[
        DataRequired(_l("Tulis nama lengkap seperti di KK.")), Length(max=120, message=_l("Paling banyak 120 huruf."))])
    birth_place = StringField(_l("Tempat lahir"), validators=[
        DataRequired(_l("Tulis tempat lahir.")), Length(max=60, message=_l("Paling banyak 60 huruf."))])
    birth_date = DateField(_l("Tanggal lahir"), validators=[DataRequired(_l("Tulis tanggal lahir, misalnya 17-08-2000."))])
    gender = RadioField(_l("Jenis kelamin"), choices=[SelectChoice("LAKI-LAKI", _l("Laki-laki")), SelectChoice("PEREMPUAN", _l("Perempuan"))],
                        validators=[DataRequired(_l("Pilih jenis kelamin."))])
    blood_type = SelectField(_l("Golongan darah (tidak wajib)"), validators=[Optional()])
    religion = SelectField(_l("Agama"), validators=[DataRequired(_l("Pilih agama."))])
    marital_status = SelectField(_l("Status perkawinan"), validators=[DataRequired(_l("Pilih status perkawinan."))])
    occupation = SelectField(_l("Pekerjaan"), validators=[DataRequired(_l("Pilih pekerjaan."))])
    street = StringField(_l("Alamat (jalan, nomor, dusun)"), validators=[
        DataRequired(_l("Tulis alamat.")), Length(max=200, message=_l("Paling banyak 200 huruf."))])
    rt = StringField(_l("RT"), validators=[DataRequired(_l("Tulis RT.")),
                                            Regexp(THREE_DIGITS, message=_l("RT 3 angka, misalnya 001."))])
    rw = StringField(_l("RW"), validators=[DataRequired(_l("Tulis RW.")),
                                            Regexp(THREE_DIGITS, message=_l("RW 3 angka, misalnya 002."))])
    province = SelectField(_l("Provinsi"), validate_choice=False)
    regency = SelectField(_l("Kabupaten/kota"), validate_choice=False)
    district = SelectField(_l("Kecamatan"), validate_choice=False)
    village = SelectField(_l("Desa/kelurahan"), validate_choice=False,
                          validators=[DataRequired(_l("Pilih desa/kelurahan sampai tingkat terakhir."))])
    changes = MultiCheckboxField(_l("Data yang berubah"), validate_choice=False)
    # A child's card (KIA): the applicant is the child; the parent applying is the signed-in citizen.
    parent_nik = StringField(_l("NIK orang tua"))
    parent_full_name = StringField(_l("Nama lengkap orang tua"), validators=[
        DataRequired(_l("Tulis nama lengkap orang tua seperti di KK.")),
        Length(max=120, message=_l("Paling banyak 120 huruf."))])
    office_regency = SelectField(_l("Kabupaten/kota kantor pilihan"),
                                 validators=[DataRequired(_l("Pilih kabupaten/kota kantor tempat Anda dilayani."))])
    phone = StringField(_l("Nomor HP"), validators=[Optional()])
    email = StringField(_l("Email (tidak wajib)"), validators=[Optional(), Email(_l("Tulis alamat email yang benar."))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        unknown = [SelectChoice("", _l("Tidak tahu"))]
        self.blood_type.choices = unknown + _enumeration(Enumeration.GOLONGAN_DARAH)
        pick = [SelectChoice("", _l("Pilih"))]
        self.religion.choices = pick + _enumeration(Enumeration.AGAMA)
        self.marital_status.choices = pick + _enumeration(Enumeration.STATUS_PERKAWINAN)
        self.occupation.choices = pick + _enumeration(Enumeration.PEKERJAAN)

    def validate_nik(self, field: StringField) -> None:
        _first_error(check_nik(field.data, today=_today()).errors)

    def validate_kk_number(self, field: StringField) -> None:
        _first_error(check_kk(field.data, today=_today()).errors)

    def validate_birth_date(self, field: DateField) -> None:
        if field.data and field.data > _today():
            raise ValidationError(_l("Tanggal lahir tidak boleh di masa depan."))

    def validate_phone(self, field: StringField) -> None:
        if not field.data and not self.email.data:
            raise ValidationError(_l("Tulis nomor HP (atau email) agar kami dapat mengabari Anda."))
        if field.data:
            try:
                normalised(SMS, field.data)
            except InvalidAddress as exc:
                raise ValidationError(_l("Tulis nomor HP Indonesia, misalnya 0812 3456 7890.")) from exc

    def validate_office_regency(self, field: SelectField) -> None:
        if field.data and field.data == (self.village.data or "")[:5]:
            raise ValidationError(_l("Kantor pilihan harus di luar kabupaten/kota alamat Anda; untuk dilayani di "
                                     "sana, pilih jenis permohonan lain."))

    def use_kind(self, kind: str) -> None:
        rules = application_kind(kind)
        self.changes.choices = [SelectChoice(field) for field in sorted(rules.changes)]
        if not rules.changes:
            del self.changes
        if rules.office_chosen:  # outside_domicile: every current regency, by name, with its province
            self.office_regency.choices = [SelectChoice("", _l("Pilih"))] + sorted(
                (SelectChoice(r.code, f"{r.name} ({region(r.code[:2]).name})") for r in regions(Level.REGENCY)),
                key=lambda choice: choice.label)
        else:
            del self.office_regency
        if rules.document_type is not DocumentType.KIA:
            del self.parent_nik, self.parent_full_name
        for not_asked in rules.implied_fields:  # a child's card: marital status and occupation
            delattr(self, not_asked)

    def body(self, kind: str, language: str) -> dict:
        """The body of intake's POST/PUT /v1/applications."""
        applicant = {
            "nik": self.nik.data, "kk_number": self.kk_number.data, "full_name": self.full_name.data.strip(),
            "birth_place": self.birth_place.data.strip(), "birth_date": self.birth_date.data.isoformat(),
            "gender": self.gender.data, "blood_type": self.blood_type.data or None, "religion": self.religion.data,
            "address": {"street": self.street.data.strip(), "rt": self.rt.data, "rw": self.rw.data,
                        "village_code": self.village.data},
        }
        applicant.update({name: self[name].data for name in ("marital_status", "occupation") if name in self})
        contact = {"phone": self.phone.data or None, "email": (self.email.data or "").strip().lower() or None}
        body = {"kind": kind, "language": language, "applicant": applicant, "contact": contact}
        if "changes" in self._fields:
            body["changes"] = list(self.changes.data or [])
        if "office_regency" in self._fields:
            body["office_regency"] = self.office_regency.data
        if "parent_full_name" in self._fields:
            body["parent"] = {"nik": self.parent_nik.data, "full_name": self.parent_full_name.data.strip()}
        return body

    def fill(self, application: dict) -> None:
        """Show an application's data (a draft being continued, or a correction)."""
        applicant, address = application.get("applicant") or {}, (application.get("applicant") or {}).get("address") or {}
        for name in ("nik", "kk_number", "full_name", "birth_place", "gender", "blood_type", "religion",
                     "marital_status", "occupation"):
            if name in self:
                self[name].data = applicant.get(name) or ""
        if applicant.get("birth_date"):
            self.birth_date.data = dt.date.fromisoformat(applicant["birth_date"])
        self.street.data, self.rt.data, self.rw.data = address.get("street"), address.get("rt"), address.get("rw")
        village = address.get("village_code") or ""
        parts = village.split(".")
        for level, count in zip(REGION_LEVELS, range(1, 5)):
            getattr(self, level).data = ".".join(parts[:count]) if len(parts) >= count and village else ""
        contact = application.get("contact") or {}
        self.phone.data, self.email.data = contact.get("phone") or "", contact.get("email") or ""
        if "changes" in self._fields:
            self.changes.data = list(application.get("changes") or [])
        if "office_regency" in self._fields:
            self.office_regency.data = (application.get("office_regency") or {}).get("code") or ""
        if "parent_full_name" in self._fields:
            parent = application.get("parent") or {}
            self.parent_nik.data, self.parent_full_name.data = parent.get("nik") or "", parent.get("full_name") or ""


class UploadForm(FlaskForm):
    """One per document on a page, told apart by a prefix; CSRFProtect checks the page's token on every POST
    (a prefixed form would look for a prefixed token of its own)."""

    class Meta:
        csrf = False

    file = FileField(_l("Berkas"), validators=[FileRequired(_l("Pilih berkas foto atau PDF lebih dulu."))])


class SubmitForm(FlaskForm):
    """The submit button of the review; its key makes a second tap the same submission."""

    key = StringField(validators=[DataRequired(), Length(max=64)])


class RescheduleForm(FlaskForm):
    not_before = DateField(_l("Tidak sebelum tanggal (tidak wajib)"), validators=[Optional()])

    def validate_not_before(self, field: DateField) -> None:
        if field.data and field.data < _today():
            raise ValidationError(_l("Pilih tanggal hari ini atau sesudahnya."))


class TrackForm(FlaskForm):
    receipt_number = StringField(_l("Nomor tanda terima"), validators=[
        DataRequired(_l("Tulis nomor tanda terima, misalnya KTP-2026-000123-ABCDEF-X.")),
        Length(min=4, max=40, message=_l("Nomor tanda terima tidak sesuai."))],
        filters=[lambda v: v.strip().upper() if v else v])
    nik = StringField(_l("NIK"), validators=[DataRequired(_l("Tulis NIK.")),
                                              Regexp(SIXTEEN_DIGITS, message=_l("NIK harus 16 angka."))],
                      filters=[lambda v: v.replace(" ", "") if v else v])


class SignOutForm(FlaskForm):
    """A button only (sign-out is a POST, so a link elsewhere cannot sign a citizen out)."""
