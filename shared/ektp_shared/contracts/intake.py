"""Events the intake service publishes."""
from marshmallow import Schema, fields, validate

from .catalog import contract
from .common import CardHolderSchema, ParentSchema, ResidencePermitSchema
from .documents import document_type_field


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
    kind = fields.String(required=True, metadata={
        "description": "new, data_change, replacement_lost, replacement_damaged, move_in, outside_domicile; "
                       "kia_new, kia_replacement_lost, kia_replacement_damaged"})
    document_type = document_type_field()
    submitted_at = fields.AwareDateTime(required=True)
    applicant = fields.Nested(CardHolderSchema, required=True, metadata={
        "description": "The card's holder: the citizen, or for a kia application the child."})
    parent = fields.Nested(ParentSchema, load_default=None, allow_none=True, metadata={
        "description": "kia only: the applying parent, on the child's KK; the messages are addressed to them."})
    contact = fields.Nested(ContactSchema, required=True, metadata={
        "description": "For notify only: how to reach the citizen (for a kia application, the parent)."})
    documents = fields.List(fields.Nested(DocumentRefSchema), required=True)
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))
    changes = fields.List(fields.String(), load_default=list, metadata={
        "description": "data_change only: the fields that change (address, marital_status, occupation, religion, name, photo)."})
    residence = fields.Nested(ResidencePermitSchema, load_default=None, allow_none=True, metadata={
        "description": "WNA only: passport and permanent-stay permit (KITAP) numbers, for the officer's check."})
    office_regency = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9]{2}\.[0-9]{2}$"),
                                   metadata={"description": "outside_domicile only: the regency whose office the "
                                             "citizen chose; verification books the capture there, and printing "
                                             "prints and hands over there. None: the office of the address."})
    warnings = fields.List(fields.String(), load_default=list, metadata={
        "description": "Codes of the warnings the citizen saw at review (e.g. nik.birth_date_mismatch)."})


class ApplicationResubmitted(ApplicationSubmitted):
    round = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "The correction round this resubmission answers (1 for the first correction)."})


class RescheduleRequested(Schema):
    application_id = fields.UUID(required=True)
    appointment_id = fields.UUID(required=True, metadata={"description": "The appointment the citizen cannot keep."})
    requested_at = fields.AwareDateTime(required=True)
    not_before = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "The earliest day the citizen can come (none: the earliest free slot)."})


class CodeRequested(Schema):
    """A one-time code for a citizen to prove they control a phone number or email address."""

    request_id = fields.UUID(required=True, metadata={"description": "The code request (the event's correlation id)."})
    channel = fields.String(required=True, validate=validate.OneOf(["sms", "email"]))
    address = fields.String(required=True, validate=validate.Length(min=5, max=254), metadata={
        "description": "E.164 phone number or email address: the code goes there, nowhere else."})
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"), metadata={
        "description": "The code, valid until expires_at and for a few tries: only notify may keep it, encrypted."})
    expires_at = fields.AwareDateTime(required=True)
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))


class PaymentDue(Schema):
    """A submitted application waits for its regional fee: notify tells the citizen what to pay by when."""

    application_id = fields.UUID(required=True)
    receipt_number = fields.String(required=True)
    document_type = document_type_field()
    rupiah = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "The fee, in rupiah."})
    basis = fields.String(load_default=None, allow_none=True, metadata={
        "description": "The regional regulation the fee rests on."})
    pay_by = fields.AwareDateTime(required=True, metadata={
        "description": "Unpaid by then, the application expires (application.expired_unpaid)."})
    contact = fields.Nested(ContactSchema, required=True, metadata={
        "description": "For notify only: how to reach the citizen (for a kia application, the parent)."})
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))


class UnpaidFee(Schema):
    """A fee still unpaid (a reminder), or never paid: ids and amounts only; notify has the contact already."""

    application_id = fields.UUID(required=True)
    rupiah = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    pay_by = fields.AwareDateTime(required=True)


class ApplicationExpiredUnpaid(UnpaidFee):
    expired_at = fields.AwareDateTime(required=True)


APPLICATION_SUBMITTED = contract(
    "application.submitted", 1, ApplicationSubmitted, "intake",
    "A citizen submitted a complete application; verification opens a case, notify sends the receipt.")
APPLICATION_RESUBMITTED = contract(
    "application.resubmitted", 1, ApplicationResubmitted, "intake",
    "The citizen corrected what the officer asked and submitted again; the case returns to the officers' queue.")
RESCHEDULE_REQUESTED = contract(
    "appointment.reschedule_requested", 1, RescheduleRequested, "intake",
    "The citizen asks for another biometric-capture slot; verification frees the old one and books a new one.")
CITIZEN_CODE_REQUESTED = contract(
    "citizen.code_requested", 1, CodeRequested, "intake",
    "A citizen signs in (or adds a contact) and must prove the address: notify sends the one-time code by the same "
    "SMS and email providers as every other message.")
PAYMENT_DUE = contract(
    "payment.due", 1, PaymentDue, "intake",
    "A submitted application waits for its regional fee (verification hears of it once paid): notify tells the "
    "citizen the amount and the pay-by date.")
PAYMENT_REMINDER = contract(
    "payment.reminder", 1, UnpaidFee, "intake",
    "The fee is still unpaid a few days (EKTP_INTAKE_PAYMENT_REMINDER_DAYS) before the pay-by date: remind the "
    "citizen, once.")
APPLICATION_EXPIRED_UNPAID = contract(
    "application.expired_unpaid", 1, ApplicationExpiredUnpaid, "intake",
    "The fee was not paid by the pay-by date: the application ends (the citizen may apply again); a payment made "
    "after this is refunded.")
