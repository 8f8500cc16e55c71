"""Field groups that several contracts share."""
from marshmallow import Schema, fields, validate

NIK_PATTERN = r"^[0-9]{16}$"
REGION_VILLAGE_PATTERN = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
GENDERS = ("LAKI-LAKI", "PEREMPUAN")
CITIZENSHIPS = ("WNI", "WNA")


class AddressSchema(Schema):
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    rt = fields.String(required=True, validate=validate.Regexp(r"^\d{3}$"))
    rw = fields.String(required=True, validate=validate.Regexp(r"^\d{3}$"))
    village_code = fields.String(required=True, validate=validate.Regexp(REGION_VILLAGE_PATTERN),
                                 metadata={"description": "Kemendagri desa/kelurahan code; district, regency and province are its prefixes."})


class CardHolderSchema(Schema):
    """The data printed on the card. Personal data: only consumers that must have it receive it."""

    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN))
    kk_number = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    birth_place = fields.String(required=True, validate=validate.Length(min=1, max=60))
    birth_date = fields.Date(required=True)
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    blood_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8))
    religion = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    marital_status = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40), metadata={
        "description": "A child's card (kia): always BELUM KAWIN, which intake implies (it does not ask)."})
    occupation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80), metadata={
        "description": "A child's card (kia): null; intake does not ask it and the KIA does not print it."})
    citizenship = fields.String(load_default="WNI", validate=validate.OneOf(CITIZENSHIPS))
    permit_expiry = fields.Date(load_default=None, allow_none=True,
                                metadata={"description": "WNA only: expiry of the permanent-stay permit (KITAP), which ends the card's validity."})
    address = fields.Nested(AddressSchema, required=True)


class OfficeSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Office id (Disdukcapil or UPT)."})
    name = fields.String(required=True)
    address = fields.String(required=True)
    timezone = fields.String(load_default="Asia/Jakarta", metadata={"description": "IANA zone of the office (WIB, WITA or WIT)."})


class ResidencePermitSchema(Schema):
    """A foreign resident's (WNA) documents behind the card: UU 24/2013 gives WNA with a permanent-stay permit an e-KTP."""

    passport_number = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9]{6,12}$"))
    permit_number = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9./-]{6,30}$"),
                                  metadata={"description": "Number of the permanent-stay permit (KITAP)."})


class ParentSchema(Schema):
    """The parent who applies for a child's card (KIA): on the child's family card, named on the card."""

    nik = fields.String(required=True, validate=validate.Regexp(NIK_PATTERN))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
