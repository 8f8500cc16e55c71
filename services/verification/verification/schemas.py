"""Request and response bodies of the verification API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .decisions import CaseState, Decision


class CorrectionIn(Schema):
    field = fields.String(required=True, validate=validate.Length(min=1, max=80))
    message = fields.String(required=True, validate=validate.Length(min=1, max=500))


class DecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf([d.value for d in Decision]))
    reason_code = fields.String(load_default=None, validate=validate.Length(min=1, max=60))
    message = fields.String(load_default=None, validate=validate.Length(min=1, max=1000))
    corrections = fields.List(fields.Nested(CorrectionIn), load_default=list)

    @validates_schema
    def _reason_for_negative_decisions(self, data: dict, **_: object) -> None:
        if data["decision"] != Decision.APPROVE.value:
            if not data.get("reason_code"):
                raise ValidationError("a reason code is required for this decision", field_name="reason_code")
            if not data.get("message"):
                raise ValidationError("a message to the citizen is required for this decision", field_name="message")


class CaseQuery(Schema):
    state = fields.String(load_default=CaseState.OPEN.value, validate=validate.OneOf([s.value for s in CaseState]))
    application_id = fields.UUID(load_default=None)
    limit = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=500))


class AppointmentOut(Schema):
    id = fields.String()
    office_code = fields.String()
    starts_at = fields.AwareDateTime()


class CaseSummaryOut(Schema):
    id = fields.String()
    application_id = fields.String()
    receipt_number = fields.String()
    kind = fields.String()
    state = fields.String()
    office_code = fields.String()
    opened_at = fields.AwareDateTime()


class CaseOut(CaseSummaryOut):
    applicant = fields.Dict()
    documents = fields.List(fields.Dict())
    decided_at = fields.AwareDateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    reason_code = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    appointment = fields.Nested(AppointmentOut, allow_none=True)
