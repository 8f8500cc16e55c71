"""Request and response bodies of the verification API."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ektp_shared.contracts.common import CardHolderSchema, ResidencePermitSchema
from ektp_shared.reference.application_kinds import application_kinds, document_types
from ektp_shared.web.query import QueryInteger

from .rules.decisions import Decision, RetryStage
from .rules.reasons import CORRECTION_REASONS, REJECTION_REASONS
from .rules.states import CaseState

KINDS = [k.code for k in application_kinds()]
# What a correction may name: a card field (or the address group / one of its parts), the WNA permit,
# the list of changes of a data change, or a document.
CORRECTABLE = ({f"applicant.{name}" for name in CardHolderSchema().fields}
               | {f"applicant.address.{name}" for name in ("street", "rt", "rw", "village_code")}
               | {f"residence.{name}" for name in ResidencePermitSchema().fields} | {"residence", "changes"}
               | {f"documents.{d.code}" for d in document_types()})
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class CorrectionIn(Schema):
    field = fields.String(required=True, validate=validate.OneOf(sorted(CORRECTABLE), error="not a field or document a citizen can correct: {input}"))
    message = fields.String(required=True, validate=validate.Length(min=1, max=500))


class DecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf([d.value for d in Decision]))
    reason_code = fields.String(load_default=None, validate=validate.Length(min=1, max=60))
    message = fields.String(load_default=None, validate=validate.Length(min=1, max=1000),
                            metadata={"description": "To the citizen (Bahasa Indonesia), for a correction or rejection."})
    corrections = fields.List(fields.Nested(CorrectionIn), load_default=list)

    @validates_schema
    def _reasons(self, data: dict, **_: object) -> None:
        decision = data["decision"]
        if decision == Decision.APPROVE.value:
            return
        if not data.get("reason_code"):
            raise ValidationError("a reason code is required for this decision", field_name="reason_code")
        allowed = CORRECTION_REASONS if decision == Decision.REQUEST_CORRECTION.value else REJECTION_REASONS
        if data["reason_code"] not in allowed:
            raise ValidationError(f"reason code for {decision} must be one of: {', '.join(allowed)}", field_name="reason_code")
        if not data.get("message"):
            raise ValidationError("a message to the citizen is required for this decision", field_name="message")
        if decision == Decision.REQUEST_CORRECTION.value and not data.get("corrections"):
            raise ValidationError("name at least one field or document to correct", field_name="corrections")


class RejectionReviewIn(Schema):
    confirm = fields.Boolean(required=True, metadata={"description": "true: reject (four eyes); false: overturn."})
    note = fields.String(load_default=None, validate=validate.Length(max=1000))


class CaseQuery(Schema):
    state = fields.String(load_default=CaseState.OPEN.value, validate=validate.OneOf([s.value for s in CaseState]))
    application_id = fields.UUID(load_default=None)
    office = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    flag = fields.String(load_default=None, validate=validate.Length(min=1, max=60))
    unclaimed = fields.Boolean(load_default=False)
    limit = QueryInteger(load_default=50, validate=validate.Range(min=1, max=500))


class ClaimNextIn(Schema):
    state = fields.String(load_default=CaseState.OPEN.value, validate=validate.OneOf(
        [CaseState.OPEN.value, CaseState.SUPERVISOR_REVIEW.value, CaseState.REJECTION_PROPOSED.value,
         CaseState.ADJUDICATION.value]))
    office = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    flag = fields.String(load_default=None, validate=validate.Length(min=1, max=60))


class InterviewIn(Schema):
    starts_at = fields.AwareDateTime(load_default=None, metadata={
        "description": "A time of the officer's choosing; leave it out to take a slot of the officer's availability."})
    slot_id = fields.String(load_default=None, validate=validate.Length(equal=36), metadata={
        "description": "A free slot of the scheduling officer's availability (GET /v1/interview-slots); with neither "
                       "slot_id nor starts_at, the earliest free one."})
    channel = fields.String(required=True, validate=validate.OneOf(["phone", "video"]))
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^\+?[0-9 ()-]{8,20}$", error="phone must be a phone number"),
                          metadata={"description": "phone: the number the officer calls."})
    join_url = fields.Url(load_default=None, schemes={"https"}, metadata={"description": "video: the meeting link."})

    @validates_schema
    def _when(self, data: dict, **_: object) -> None:
        if data.get("starts_at") and data.get("slot_id"):
            raise ValidationError("give starts_at or slot_id, not both", field_name="slot_id")

    @validates_schema
    def _contact(self, data: dict, **_: object) -> None:
        if data["channel"] == "phone" and not data.get("phone"):
            raise ValidationError("a phone interview needs the number to call", field_name="phone")
        if data["channel"] == "video" and not data.get("join_url"):
            raise ValidationError("a video interview needs the meeting link", field_name="join_url")


class AvailabilityIn(Schema):
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "When the first slot begins."})
    count = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=32))
    minutes = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=5, max=120))


class SlotOut(Schema):
    id = fields.String()
    officer = fields.String()
    starts_at = fields.AwareDateTime()
    minutes = fields.Integer()
    free = fields.Boolean()


class AppointmentQuery(Schema):
    day = fields.Date(required=True, metadata={"description": "The office day (YYYY-MM-DD, Western Indonesian Time)."})
    office = fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class DayAppointmentOut(Schema):
    id = fields.String()
    case_id = fields.String()
    application_id = fields.String()
    receipt_number = fields.String()
    full_name = fields.String(metadata={"description": "Who to call to the capture desk."})
    office_code = fields.String()
    starts_at = fields.AwareDateTime()
    state = fields.String(metadata={"description": "SCHEDULED, ATTENDED or NO_SHOW."})


class DashboardQuery(Schema):
    office = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    stuck_hours = QueryInteger(load_default=48, validate=validate.Range(min=1, max=24 * 90), metadata={
        "description": "An open case standing in its state longer than this is listed as stuck."})


class StageOut(Schema):
    state = fields.String()
    count = fields.Integer()
    open = fields.Boolean()
    oldest_seconds = fields.Integer(allow_none=True, metadata={"description": "Open states: the longest wait in it."})


class StuckOut(Schema):
    id = fields.String()
    receipt_number = fields.String()
    state = fields.String()
    state_since = fields.AwareDateTime()
    office_code = fields.String()
    claimed_by = fields.String(allow_none=True)


class DashboardOut(Schema):
    stages = fields.List(fields.Nested(StageOut))
    stuck = fields.List(fields.Nested(StuckOut))


class SlotQuery(Schema):
    officer = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    free = fields.Boolean(load_default=True)


class InterviewOutcomeIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(["held", "no_show"]))
    notes = fields.String(load_default=None, validate=validate.Length(max=2000))


class AdjudicationIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["distinct", "duplicate"]), metadata={
        "description": "distinct: different people, continue; duplicate: the same person, reject."})
    message = fields.String(load_default=None, validate=validate.Length(min=1, max=1000),
                            metadata={"description": "duplicate: the message to the citizen."})
    note = fields.String(load_default=None, validate=validate.Length(max=1000))

    @validates_schema
    def _message(self, data: dict, **_: object) -> None:
        if data["decision"] == "duplicate" and not data.get("message"):
            raise ValidationError("rejecting as a duplicate needs a message to the citizen", field_name="message")


class PauseIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class RetryIn(Schema):
    stage = fields.String(required=True, validate=validate.OneOf([s.value for s in RetryStage]))


class OfficeIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["DISDUKCAPIL", "UPT"]))
    serves = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9]{2}\.[0-9]{2}(\.[0-9]{2})?$", error="serves must be a regency (NN.NN) or district (NN.NN.NN) code"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    timezone = fields.String(load_default=None, validate=validate.OneOf(["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]))
    daily_capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2000))
    opens = fields.String(required=True, validate=validate.Regexp(_HHMM, error="opens must be HH:MM"))
    closes = fields.String(required=True, validate=validate.Regexp(_HHMM, error="closes must be HH:MM"))

    @validates_schema
    def _hours(self, data: dict, **_: object) -> None:
        if data["opens"] >= data["closes"]:
            raise ValidationError("the office must open before it closes", field_name="closes")


class AppointmentOut(Schema):
    id = fields.String()
    office_code = fields.String()
    starts_at = fields.AwareDateTime()
    state = fields.String()


class CaseSummaryOut(Schema):
    id = fields.String()
    application_id = fields.String()
    receipt_number = fields.String()
    kind = fields.String()
    state = fields.String()
    state_since = fields.AwareDateTime()
    office_code = fields.String()
    priority = fields.Integer()
    flags = fields.List(fields.String())
    opened_at = fields.AwareDateTime()
    queued_at = fields.AwareDateTime()
    claimed_by = fields.String(allow_none=True)
    lease_expires_at = fields.AwareDateTime(allow_none=True)
    correction_rounds = fields.Integer()


class CaseOut(CaseSummaryOut):
    changes = fields.List(fields.String())
    applicant = fields.Dict(metadata={"description": "The card's holder (for a KIA, the child)."})
    parent = fields.Dict(allow_none=True, metadata={"description": "KIA only: the applying parent (NIK, name)."})
    residence = fields.Dict(allow_none=True)
    findings = fields.List(fields.Dict(), metadata={"description": "The automatic checks: code, severity, message {id, en}, detail."})
    documents = fields.List(fields.Dict(), metadata={"description": "Each with a short-lived `url` to its content."})
    decided_at = fields.AwareDateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    reason_code = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    proposed_rejection = fields.Dict(allow_none=True)
    resume_state = fields.String(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True)
    appointment = fields.Nested(AppointmentOut, allow_none=True)
    interviews = fields.List(fields.Dict())


class OfficeOut(Schema):
    code = fields.String()
    kind = fields.String()
    serves = fields.String()
    name = fields.String()
    address = fields.String()
    timezone = fields.String()
    daily_capacity = fields.Integer()
    opens = fields.String()
    closes = fields.String()
