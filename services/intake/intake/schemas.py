"""Request and response bodies of the intake API (marshmallow; unknown fields are rejected).

Each rule broken names its field, and the message starts with the rule's code (``nik.province_unknown: ...``)
so a front end can show its own text.
"""
import datetime as dt

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from ektp_shared.calendar import WIB, local_day
from ektp_shared.contracts.common import CITIZENSHIPS, GENDERS, NIK_PATTERN, ResidencePermitSchema
from ektp_shared.contracts.documents import DocumentType
from ektp_shared.identity.kk import check_kk
from ektp_shared.identity.nik import check_nik
from ektp_shared.reference.application_kinds import application_kind, application_kinds
from ektp_shared.reference.enumerations import WNA, Enumeration, values
from ektp_shared.reference.regions import Level, region

from .payment.schemas import FeeOut, PaymentOut

KINDS = tuple(kind.code for kind in application_kinds())
CHANGEABLE = tuple(sorted(application_kind("data_change").changes))
# Older than anyone alive: a birth date before this is a typo.
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)
# A parent's NIK whose birth date leaves them younger than this at the child's birth is a typo (or not the parent).
MIN_PARENT_AGE_AT_BIRTH = 10


def _years_between(earlier: dt.date, later: dt.date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def today() -> dt.date:
    """The day in Indonesia (WIB), which decides whether a date is in the future."""
    return local_day(dt.datetime.now(dt.timezone.utc), WIB)


def _rule_messages(findings) -> list[str]:
    return [f"{f.code}: {f.english}" for f in findings]


def _one_of(enumeration: Enumeration, name: str) -> validate.OneOf:
    return validate.OneOf(values(enumeration), error=f"{name} must be one of the values printed on the card: {{choices}}")


class AddressIn(Schema):
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    rt = fields.String(required=True, validate=validate.Regexp(r"^(?!000)[0-9]{3}$", error="RT must be 3 digits, 001–999, e.g. 001"))
    rw = fields.String(required=True, validate=validate.Regexp(r"^(?!000)[0-9]{3}$", error="RW must be 3 digits, 001–999, e.g. 002"))
    village_code = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$",
        error="village_code must be a Kemendagri desa/kelurahan code like 32.01.01.2001"))

    @validates("village_code")
    def _known_village(self, value: str, **_: object) -> None:
        found = region(value)
        if found is None or found.level != Level.VILLAGE:
            raise ValidationError("region.village_unknown: not a current Kemendagri desa/kelurahan code")


class ApplicantIn(Schema):
    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="NIK must be exactly 16 digits"))
    kk_number = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="No. KK must be exactly 16 digits"))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    birth_place = fields.String(required=True, validate=validate.Length(min=1, max=60))
    birth_date = fields.Date(required=True)
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    blood_type = fields.String(load_default=None, allow_none=True, validate=_one_of(Enumeration.GOLONGAN_DARAH, "blood_type"))
    religion = fields.String(required=True, validate=_one_of(Enumeration.AGAMA, "religion"))
    # Required for an e-KTP; a child's card (kia) does not ask them (ApplicationIn._asked_fields).
    marital_status = fields.String(load_default=None, validate=_one_of(Enumeration.STATUS_PERKAWINAN, "marital_status"),
                                   metadata={"description": "e-KTP: required. kia: leave out (BELUM KAWIN is implied)."})
    occupation = fields.String(load_default=None, validate=_one_of(Enumeration.PEKERJAAN, "occupation"),
                               metadata={"description": "e-KTP: required. kia: leave out (a child's card has none)."})
    citizenship = fields.String(load_default="WNI", validate=validate.OneOf(CITIZENSHIPS))
    permit_expiry = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "WNA only: expiry of the permanent-stay permit (KITAP); the card is valid until then."})
    address = fields.Nested(AddressIn, required=True)

    @validates("nik")
    def _nik_rules(self, value: str, **_: object) -> None:
        if (errors := check_nik(value, today=today()).errors):
            raise ValidationError(_rule_messages(errors))

    @validates("kk_number")
    def _kk_rules(self, value: str, **_: object) -> None:
        if (errors := check_kk(value, today=today()).errors):
            raise ValidationError(_rule_messages(errors))

    @validates("birth_date")
    def _plausible_birth_date(self, value: dt.date, **_: object) -> None:
        if not OLDEST_BIRTH_DATE <= value <= today():
            raise ValidationError(f"birth_date.implausible: must be between {OLDEST_BIRTH_DATE} and today")

    @validates_schema
    def _foreigners_permit(self, data: dict, **_: object) -> None:
        if data.get("citizenship") == WNA:
            if data.get("permit_expiry") is None:
                raise ValidationError("citizenship.wna_permit: a WNA card needs the KITAP expiry date",
                                      field_name="permit_expiry")
            if data["permit_expiry"] <= today():
                raise ValidationError("citizenship.permit_expired: the KITAP has expired", field_name="permit_expiry")
        elif data.get("permit_expiry") is not None:
            raise ValidationError("only a WNA gives a permit expiry", field_name="permit_expiry")


class ParentIn(Schema):
    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="NIK must be exactly 16 digits"),
                        metadata={"description": "The applying parent's NIK: the signed-in citizen, on the child's KK."})
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120), metadata={
        "description": "As on the KK; printed on the child's card."})

    @validates("nik")
    def _nik_rules(self, value: str, **_: object) -> None:
        if (errors := check_nik(value, today=today()).errors):
            raise ValidationError(_rule_messages(errors))


class ContactIn(Schema):
    phone = fields.String(load_default=None, allow_none=True,
                          validate=validate.Regexp(r"^\+?[0-9 ()-]{8,20}$", error="phone must be a phone number"))
    email = fields.Email(load_default=None, allow_none=True)

    @validates_schema
    def _one_channel(self, data: dict, **_: object) -> None:
        if not data.get("phone") and not data.get("email"):
            raise ValidationError("give a phone number, an email address, or both", field_name="phone")


class ResidenceIn(ResidencePermitSchema):
    pass


class ApplicationIn(Schema):
    kind = fields.String(load_default="new", validate=validate.OneOf(KINDS))
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))
    changes = fields.List(fields.String(validate=validate.OneOf(CHANGEABLE)), load_default=list, metadata={
        "description": f"data_change only: what changes, any of {', '.join(CHANGEABLE)}."})
    applicant = fields.Nested(ApplicantIn, required=True)
    residence = fields.Nested(ResidenceIn, load_default=None, allow_none=True, metadata={
        "description": "WNA only: passport and KITAP numbers."})
    contact = fields.Nested(ContactIn, required=True)
    parent = fields.Nested(ParentIn, load_default=None, allow_none=True, metadata={
        "description": "A child's card (kia_*) only: the applying parent, who signs in, is on the child's KK (checked "
                       "against the family-card registry by verification) and collects the card; `applicant` is the "
                       "child."})
    office_regency = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        r"^[0-9]{2}\.[0-9]{2}$", error="office_regency must be a regency code like 32.73"), metadata={
        "description": "outside_domicile only: the regency (kabupaten/kota) whose Disdukcapil office the citizen "
                       "chooses for capture, printing and pickup; not the regency of the address."})

    @validates_schema
    def _office_rules(self, data: dict, **_: object) -> None:
        chosen = data.get("office_regency")
        if not application_kind(data.get("kind", "new")).office_chosen:
            if chosen:
                raise ValidationError("only an outside_domicile application chooses its office",
                                      field_name="office_regency")
            return
        if not chosen:
            raise ValidationError("kind.office_missing: an outside_domicile application names the regency of the "
                                  "office the citizen chooses", field_name="office_regency")
        office = region(chosen)
        if office is None or office.level != Level.REGENCY or not office.current:
            raise ValidationError(f"kind.office_unknown: {chosen} is not a current regency code",
                                  field_name="office_regency")
        home = ((data.get("applicant") or {}).get("address") or {}).get("village_code", "")
        if home[:5] == chosen:
            raise ValidationError(f"kind.office_in_domicile: {chosen} is the regency of the address; apply with "
                                  "another kind to be served there", field_name="office_regency")

    @validates_schema
    def _parent_rules(self, data: dict, **_: object) -> None:
        parent, child = data.get("parent"), data.get("applicant") or {}
        if application_kind(data.get("kind", "new")).document_type != DocumentType.KIA:
            if parent:
                raise ValidationError("only a child's card (kia) names the applying parent", field_name="parent")
            return
        if not parent:
            raise ValidationError("kia.parent_missing: a child's card is applied for by a parent on the child's KK; "
                                  "give the parent's NIK and name", field_name="parent")
        if parent["nik"] == child.get("nik"):
            raise ValidationError("kia.parent_is_child: the parent's NIK is the child's; applicant is the child, "
                                  "parent the applying parent", field_name="parent.nik")
        parent_born = check_nik(parent["nik"], today=today()).birth_date
        child_born = child.get("birth_date")
        if parent_born and child_born and _years_between(parent_born, child_born) < MIN_PARENT_AGE_AT_BIRTH:
            raise ValidationError(f"kia.parent_too_young: by the NIKs' birth dates the parent was not "
                                  f"{MIN_PARENT_AGE_AT_BIRTH} when the child was born", field_name="parent.nik")

    @validates_schema
    def _asked_fields(self, data: dict, **_: object) -> None:
        """An e-KTP asks marital status and occupation; a child's card asks neither: its holder is unmarried, and
        a married child applies for an e-KTP."""
        applicant = data.get("applicant") or {}
        implied = application_kind(data.get("kind", "new")).implied_fields
        problems = {}
        for name in ("marital_status", "occupation"):
            given = applicant.get(name)
            if name not in implied:
                if given is None:
                    problems[f"applicant.{name}"] = ["Missing data for required field."]
            elif given not in (None, implied[name]):
                problems[f"applicant.{name}"] = [
                    "kind.child_married: a child who is or was married applies for an e-KTP, not a KIA"
                    if name == "marital_status" else f"kia.not_asked: a child's card (kia) has no {name}; leave it out"]
        if problems:
            raise ValidationError(problems)

    @post_load
    def _implied_fields(self, data: dict, **_: object) -> dict:
        data["applicant"] = application_kind(data["kind"]).with_implied_fields(data["applicant"])
        return data

    @validates_schema
    def _kind_rules(self, data: dict, **_: object) -> None:
        if data.get("kind") == "data_change":
            if not data.get("changes"):
                raise ValidationError("kind.changes_missing: a data change names what changes", field_name="changes")
        elif data.get("changes"):
            raise ValidationError("only a data_change application names changes", field_name="changes")
        if len(set(data.get("changes") or [])) != len(data.get("changes") or []):
            raise ValidationError("each change is named once", field_name="changes")
        applicant = data.get("applicant") or {}
        if applicant.get("citizenship") == WNA and not data.get("residence"):
            raise ValidationError("citizenship.wna_residence: a WNA gives passport and KITAP numbers",
                                  field_name="residence")
        if applicant.get("citizenship") != WNA and data.get("residence"):
            raise ValidationError("only a WNA gives passport and KITAP numbers", field_name="residence")


class TrackIn(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="NIK must be exactly 16 digits"))


class RescheduleIn(Schema):
    not_before = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "The earliest day the citizen can come; none: the earliest free slot."})


class NikValidateIn(Schema):
    nik = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "The NIK as typed; spaces, dots and hyphens are ignored."})
    birth_date = fields.Date(load_default=None, allow_none=True)
    gender = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(GENDERS))


class FindingOut(Schema):
    code = fields.String()
    message = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "{id, en}"})


class RegionOut(Schema):
    code = fields.String()
    name = fields.String()


class NikValidateOut(Schema):
    valid = fields.Boolean()
    errors = fields.List(fields.Nested(FindingOut))
    warnings = fields.List(fields.Nested(FindingOut))
    province = fields.Nested(RegionOut, allow_none=True)
    regency = fields.Nested(RegionOut, allow_none=True)
    district = fields.Nested(RegionOut, allow_none=True)
    current_regency = fields.Nested(RegionOut, allow_none=True, metadata={
        "description": "Where the NIK's regency belongs now, when its code was retired (e.g. 64.73 is 65.71 now)."})
    birth_date = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)


class DocumentOut(Schema):
    kind = fields.String()
    sha256 = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = fields.AwareDateTime()


class TimelineOut(Schema):
    stage = fields.String()
    occurred_at = fields.AwareDateTime()
    detail = fields.Dict(allow_none=True)


class CorrectionOut(Schema):
    field = fields.String()
    message = fields.String()


class ParentOut(Schema):
    nik = fields.String()
    full_name = fields.String()


class ApplicationOut(Schema):
    id = fields.String()
    kind = fields.String()
    document_type = fields.String(metadata={"description": "ektp, or kia (the child's card: no biometric capture)."})
    changes = fields.List(fields.String())
    status = fields.String()
    status_since = fields.AwareDateTime(metadata={"description": "When the current stage began (\"stuck since\")."})
    status_reason = fields.String(allow_none=True)
    seconds_in_status = fields.Float()
    receipt_number = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    correction_round = fields.Integer(metadata={"description": "Corrections answered so far."})
    corrections = fields.List(fields.Nested(CorrectionOut), metadata={
        "description": "While a correction is requested: what to change, field by field."})
    appointment = fields.Dict(allow_none=True, metadata={"description": "The current capture appointment, if any."})
    office_regency = fields.Nested(RegionOut, allow_none=True, metadata={
        "description": "outside_domicile: the regency whose office the citizen chose."})
    missing_documents = fields.List(fields.String())
    documents = fields.List(fields.Nested(DocumentOut))
    timeline = fields.List(fields.Nested(TimelineOut))
    applicant = fields.Dict(allow_none=True, metadata={
        "description": "The entered data, shown while the citizen can still change it (draft, correction)."})
    parent = fields.Nested(ParentOut, allow_none=True, metadata={
        "description": "kia: the applying parent, shown while the data can still change."})
    fee = fields.Nested(FeeOut, metadata={"description": "The fee of the application (Rp0 unless its regency set one)."})
    payment = fields.Nested(PaymentOut, allow_none=True, metadata={"description": "The newest payment, when a fee applies."})


class ReviewOut(Schema):
    id = fields.String()
    kind = fields.Dict(metadata={"description": "{code, id, en, fee: {rupiah, region_may_charge, basis, message}}: "
                                                "the fee is Rp0 for every kind (UU 24/2013 Pasal 79A)"})
    document_type = fields.String(metadata={"description": "ektp, or kia (the child's card)."})
    changes = fields.List(fields.String())
    applicant = fields.Dict(metadata={"description": "Everything entered, with region and enumeration names."})
    parent = fields.Nested(ParentOut, allow_none=True, metadata={"description": "kia: the applying parent."})
    residence = fields.Dict(allow_none=True)
    contact = fields.Dict()
    office_regency = fields.Nested(RegionOut, allow_none=True, metadata={
        "description": "outside_domicile: the regency whose office the citizen chose."})
    documents = fields.List(fields.Nested(DocumentOut))
    missing_documents = fields.List(fields.Nested(FindingOut))
    errors = fields.List(fields.Nested(FindingOut), metadata={"description": "What blocks submission."})
    warnings = fields.List(fields.Nested(FindingOut), metadata={"description": "Shown to the officer; does not block."})
    ready = fields.Boolean(metadata={"description": "True when the application can be submitted now."})
    fee = fields.Nested(FeeOut, metadata={"description": "What this application will cost: the regency's fee for "
                                                    "the kind (Rp0 unless an admin set one), paid after submitting."})


class TrackStageOut(Schema):
    stage = fields.String()
    at = fields.AwareDateTime(metadata={"description": "When the stage was reached."})


class TrackOut(Schema):
    status = fields.String()
    status_since = fields.AwareDateTime()
    stages = fields.List(fields.Nested(TrackStageOut))
    office = fields.String(allow_none=True, metadata={"description": "The office of the capture appointment, once booked."})


class CodeIn(Schema):
    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="NIK must be exactly 16 digits"))
    channel = fields.String(required=True, validate=validate.OneOf(["sms", "email"]))
    address = fields.String(required=True, validate=validate.Length(min=5, max=254), metadata={
        "description": "The mobile number (sms) or email address the code goes to."})
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))


class CodeOut(Schema):
    request_id = fields.String(metadata={"description": "Give it back with the code."})
    expires_at = fields.AwareDateTime()
    sent_to = fields.String(metadata={"description": "The address, partly masked."})


class SessionIn(Schema):
    request_id = fields.UUID(required=True)
    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="NIK must be exactly 16 digits"))
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$", error="the code is 6 digits"))


class AddressCodeIn(Schema):
    request_id = fields.UUID(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$", error="the code is 6 digits"))


class SessionStateOut(Schema):
    expires_at = fields.AwareDateTime(metadata={"description": "When the sign-in lapses unless used again."})
    ends_at = fields.AwareDateTime(metadata={"description": "When the sign-in ends however active."})


class SessionOut(SessionStateOut):
    token = fields.String(metadata={"description": "Bearer token of the citizen's requests; it renews while used."})


class MineOut(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String()
    status_since = fields.AwareDateTime()
    receipt_number = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
