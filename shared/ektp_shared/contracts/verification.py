"""Events the verification service publishes."""
from marshmallow import Schema, fields, validate

from .catalog import contract
from .common import CardHolderSchema, OfficeSchema, ParentSchema
from .documents import document_type_field
from .intake import DocumentRefSchema


class ApplicationVerified(Schema):
    application_id = fields.UUID(required=True)
    receipt_number = fields.String(required=True)
    kind = fields.String(required=True)
    document_type = document_type_field()
    verified_at = fields.AwareDateTime(required=True)
    card_holder = fields.Nested(CardHolderSchema, required=True, metadata={"description": "The verified card data printing personalises."})
    office = fields.Nested(OfficeSchema, required=True, metadata={"description": "The office that captures, prints and hands over."})
    parent = fields.Nested(ParentSchema, load_default=None, allow_none=True, metadata={
        "description": "kia only: the applying parent, printed on the card and the one who collects it."})
    photo = fields.Nested(DocumentRefSchema, load_default=None, allow_none=True, metadata={
        "description": "kia only: the child's photo at intake (from age 5; none under 5), which printing prints, as "
                       "there is no capture."})


class FieldCorrectionSchema(Schema):
    field = fields.String(required=True, metadata={
        "description": "What to correct: a data field as named in intake's API (`applicant.full_name`, "
                       "`applicant.address.village_code`, ...) or a document (`documents.photo`)."})
    message = fields.String(required=True)


class CorrectionRequested(Schema):
    application_id = fields.UUID(required=True)
    reason_code = fields.String(required=True)
    message = fields.String(required=True)
    corrections = fields.List(fields.Nested(FieldCorrectionSchema), load_default=list)
    round = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1), metadata={
        "description": "Which correction round this is (1, 2, ...)."})
    rounds_left = fields.Integer(load_default=None, allow_none=True, strict=True, metadata={
        "description": "Further rounds before the case goes to a supervisor instead."})


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
    replaces = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "The appointment this one replaces (a reschedule); none for the first booking."})


class InterviewScheduled(Schema):
    application_id = fields.UUID(required=True)
    interview_id = fields.UUID(required=True)
    starts_at = fields.AwareDateTime(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(["phone", "video"]))
    join_url = fields.Url(load_default=None, allow_none=True, metadata={"description": "Video only: the meeting link."})


class InterviewReminder(Schema):
    application_id = fields.UUID(required=True)
    interview_id = fields.UUID(required=True)
    starts_at = fields.AwareDateTime(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(["phone", "video"]))
    join_url = fields.Url(load_default=None, allow_none=True, metadata={"description": "Video only: the meeting link."})


class InterviewHeld(Schema):
    application_id = fields.UUID(required=True)
    interview_id = fields.UUID(required=True)
    starts_at = fields.AwareDateTime(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(["phone", "video"]))


class InterviewMissed(InterviewHeld):
    missed = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "Interviews of this application the citizen has missed so far, this one included."})
    next = fields.String(required=True, validate=validate.OneOf(["new_interview", "supervisor_review"]), metadata={
        "description": "new_interview: the officer schedules another; supervisor_review: too many missed, a "
                       "supervisor decides the case."})


class ApplicationExpired(Schema):
    application_id = fields.UUID(required=True)
    expired_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(["no_show"]), metadata={
        "description": "no_show: the citizen missed the capture appointment and booked no other in time."})


class AdjudicationDecided(Schema):
    application_id = fields.UUID(required=True)
    reference_id = fields.UUID(required=True, metadata={"description": "The biometric reference that was suspected."})
    decision = fields.String(required=True, validate=validate.OneOf(["distinct", "duplicate"]), metadata={
        "description": "distinct: different people, enrol; duplicate: the same person, do not enrol."})
    adjudicator = fields.String(required=True, metadata={"description": "The deciding officer's account (token subject)."})
    candidates = fields.List(fields.UUID(), required=True, metadata={"description": "Reference ids considered."})
    decided_at = fields.AwareDateTime(required=True)


APPLICATION_VERIFIED = contract(
    "application.verified", 1, ApplicationVerified, "verification",
    "An officer approved the application; biometrics may capture, printing keeps the card data. For a document "
    "type that skips biometrics (kia), printing prints the card on this event.")
CORRECTION_REQUESTED = contract(
    "application.correction_requested", 1, CorrectionRequested, "verification",
    "An officer asks the citizen to correct fields or documents.")
APPLICATION_REJECTED = contract(
    "application.rejected", 1, ApplicationRejected, "verification",
    "The application is rejected, with the reason (a rejection is confirmed by a second officer).")
APPOINTMENT_SCHEDULED = contract(
    "appointment.scheduled", 1, AppointmentScheduled, "verification",
    "A biometric-capture appointment (perekaman) was booked at the office; a reschedule is a new one.")
INTERVIEW_SCHEDULED = contract(
    "interview.scheduled", 1, InterviewScheduled, "verification",
    "An officer scheduled a phone or video interview with the citizen.")
INTERVIEW_REMINDER = contract(
    "interview.reminder", 1, InterviewReminder, "verification",
    "The interview is due within a day (EKTP_VERIFICATION_INTERVIEW_REMINDER_HOURS): remind the citizen, once.")
INTERVIEW_HELD = contract(
    "interview.held", 1, InterviewHeld, "verification",
    "The officer held the interview; the case is back with the officer to decide.")
INTERVIEW_MISSED = contract(
    "interview.missed", 1, InterviewMissed, "verification",
    "The citizen could not be reached for the interview (no show): another interview, or after too many a "
    "supervisor's review.")
APPLICATION_EXPIRED = contract(
    "application.expired", 1, ApplicationExpired, "verification",
    "The citizen missed the capture appointment and booked none in time: the application ends.")
ADJUDICATION_DECIDED = contract(
    "adjudication.decided", 1, AdjudicationDecided, "verification",
    "An adjudicator decided a suspected biometric duplicate; biometrics enrols (distinct) or not (duplicate).")
