"""Events the intake service publishes."""
from marshmallow import Schema, fields, validate

from .catalog import contract
from .common import CardHolderSchema


class ContactSchema(Schema):
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    email = fields.Email(load_default=None, allow_none=True)


class DocumentRefSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "Document code: kk, akta_kelahiran, photo, ... (see ektp_shared.reference.application_kinds)"})
    document_id = fields.UUID(required=True, metadata={"description": "Fetched from intake by a short-lived link; never the file."})
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    content_type = fields.String(required=True)


class ApplicationSubmitted(Schema):
    application_id = fields.UUID(required=True)
    receipt_number = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "new, data_change, replacement_lost, replacement_damaged, move_in"})
    submitted_at = fields.AwareDateTime(required=True)
    applicant = fields.Nested(CardHolderSchema, required=True)
    contact = fields.Nested(ContactSchema, required=True, metadata={"description": "For notify only: how to reach the citizen."})
    documents = fields.List(fields.Nested(DocumentRefSchema), required=True)
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))


APPLICATION_SUBMITTED = contract(
    "application.submitted", 1, ApplicationSubmitted, "intake",
    "A citizen submitted a complete application; verification opens a case, notify sends the receipt.")
