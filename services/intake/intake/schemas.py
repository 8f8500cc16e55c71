"""Request and response bodies of the intake API (marshmallow; unknown fields are rejected)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ektp_shared.contracts.common import CITIZENSHIPS, GENDERS, NIK_PATTERN, REGION_VILLAGE_PATTERN
from ektp_shared.reference.application_kinds import application_kinds

KINDS = tuple(kind.code for kind in application_kinds())


class AddressIn(Schema):
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    rt = fields.String(required=True, validate=validate.Regexp(r"^\d{3}$", error="RT must be 3 digits, e.g. 001"))
    rw = fields.String(required=True, validate=validate.Regexp(r"^\d{3}$", error="RW must be 3 digits, e.g. 002"))
    village_code = fields.String(required=True, validate=validate.Regexp(
        REGION_VILLAGE_PATTERN, error="village_code must be a Kemendagri desa/kelurahan code like 32.01.01.2001"))


class ApplicantIn(Schema):
    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="NIK must be exactly 16 digits"))
    kk_number = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="No. KK must be exactly 16 digits"))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    birth_place = fields.String(required=True, validate=validate.Length(min=1, max=60))
    birth_date = fields.Date(required=True)
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    blood_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8))
    religion = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    marital_status = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    occupation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))
    citizenship = fields.String(load_default="WNI", validate=validate.OneOf(CITIZENSHIPS))
    address = fields.Nested(AddressIn, required=True)


class ContactIn(Schema):
    phone = fields.String(load_default=None, allow_none=True,
                          validate=validate.Regexp(r"^\+?[0-9 ()-]{8,20}$", error="phone must be a phone number"))
    email = fields.Email(load_default=None, allow_none=True)

    @validates_schema
    def _one_channel(self, data: dict, **_: object) -> None:
        if not data.get("phone") and not data.get("email"):
            raise ValidationError("give a phone number, an email address, or both", field_name="phone")


class ApplicationIn(Schema):
    kind = fields.String(load_default="new", validate=validate.OneOf(KINDS))
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))
    applicant = fields.Nested(ApplicantIn, required=True)
    contact = fields.Nested(ContactIn, required=True)


class TrackIn(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN, error="NIK must be exactly 16 digits"))


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


class ApplicationOut(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String()
    status_since = fields.AwareDateTime()
    status_reason = fields.String(allow_none=True)
    seconds_in_status = fields.Float()
    receipt_number = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    missing_documents = fields.List(fields.String())
    documents = fields.List(fields.Nested(DocumentOut))
    timeline = fields.List(fields.Nested(TimelineOut))
    applicant = fields.Dict(allow_none=True, metadata={"description": "The entered data, shown while the application is a draft (review)."})
