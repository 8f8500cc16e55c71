"""Events the verification service publishes."""
from marshmallow import Schema, fields, validate

from .catalog import contract
from .common import CardHolderSchema, OfficeSchema


class ApplicationVerified(Schema):
    application_id = fields.UUID(required=True)
    receipt_number = fields.String(required=True)
    kind = fields.String(required=True)
    verified_at = fields.AwareDateTime(required=True)
    card_holder = fields.Nested(CardHolderSchema, required=True, metadata={"description": "The verified card data printing personalises."})
    office = fields.Nested(OfficeSchema, required=True, metadata={"description": "The office that captures, prints and hands over."})


class FieldCorrectionSchema(Schema):
    field = fields.String(required=True, metadata={"description": "A data field or a document kind."})
    message = fields.String(required=True)


class CorrectionRequested(Schema):
    application_id = fields.UUID(required=True)
    reason_code = fields.String(required=True)
    message = fields.String(required=True)
    corrections = fields.List(fields.Nested(FieldCorrectionSchema), load_default=list)


class ApplicationRejected(Schema):
    application_id = fields.UUID(required=True)
    reason_code = fields.String(required=True)
    message = fields.String(required=True)


class AppointmentScheduled(Schema):
    application_id = fields.UUID(required=True)
    appointment_id = fields.UUID(required=True)
    purpose = fields.String(load_default="biometric_capture", validate=validate.OneOf(["biometric_capture"]))
    starts_at = fields.AwareDateTime(required=True)
    office = fields.Nested(OfficeSchema, required=True)


APPLICATION_VERIFIED = contract(
    "application.verified", 1, ApplicationVerified, "verification",
    "An officer approved the application; biometrics may capture, printing keeps the card data.")
CORRECTION_REQUESTED = contract(
    "application.correction_requested", 1, CorrectionRequested, "verification",
    "An officer asks the citizen to correct fields or documents.")
APPLICATION_REJECTED = contract(
    "application.rejected", 1, ApplicationRejected, "verification",
    "The application is rejected, with the reason.")
APPOINTMENT_SCHEDULED = contract(
    "appointment.scheduled", 1, AppointmentScheduled, "verification",
    "A biometric-capture appointment (perekaman) was booked at the office.")
