"""Bodies of the fee table, the payment webhook and what the citizen sees of a fee (marshmallow)."""
from marshmallow import EXCLUDE, Schema, fields, validate

from .rules import MAX_FEE_RUPIAH


class FeeOut(Schema):
    rupiah = fields.Integer(metadata={"description": "What the citizen pays; 0 unless the regency set a fee."})
    basis = fields.String(allow_none=True, metadata={"description": "The law or regional regulation behind it."})


class PaymentOut(Schema):
    state = fields.String(metadata={"description": "PENDING, PAID or FAILED (the gateway ended the attempt)."})
    rupiah = fields.Integer()
    paid_at = fields.AwareDateTime(allow_none=True)
    payment_type = fields.String(allow_none=True, metadata={"description": "As the gateway names it (qris, bank_transfer…)."})
    pay_url = fields.String(allow_none=True, metadata={"description": "The gateway's page where the citizen pays, "
                                                                      "while the payment is pending."})
    pay_by = fields.AwareDateTime(allow_none=True, metadata={
        "description": "While the application waits for its fee: unpaid by then, it expires (EKTP_INTAKE_PAYMENT_DAYS)."})
    refund_state = fields.String(allow_none=True, metadata={
        "description": "Paid after the application expired: DUE (being refunded), REFUNDED, or MANUAL (the office "
                       "refunds it: the gateway cannot); none otherwise."})


class FeeIn(Schema):
    rupiah = fields.Integer(required=True, strict=True, validate=validate.Range(0, MAX_FEE_RUPIAH))
    basis = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300), metadata={
        "description": "The regional regulation the fee rests on (required for a fee above 0)."})


class FeeRowOut(Schema):
    regency_code = fields.String()
    kind = fields.String()
    rupiah = fields.Integer()
    basis = fields.String(allow_none=True)
    updated_at = fields.AwareDateTime()
    updated_by = fields.String()


class FeeChangeOut(Schema):
    kind = fields.String()
    before = fields.Integer()
    after = fields.Integer()
    basis = fields.String(allow_none=True)
    actor = fields.String()
    at = fields.AwareDateTime()


class FeeQuery(Schema):
    regency_code = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{2}\.[0-9]{2}$"))


class NotificationIn(Schema):
    """Midtrans's HTTP notification: the fields checked here; the gateway sends more, which are ignored."""

    class Meta:
        unknown = EXCLUDE

    order_id = fields.String(required=True, validate=validate.Length(1, 50))
    status_code = fields.String(required=True, validate=validate.Length(1, 3))
    gross_amount = fields.String(required=True, validate=validate.Length(1, 20))
    signature_key = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-fA-F]{128}$"))
    transaction_status = fields.String(required=True, validate=validate.Length(1, 20))


class NotificationOut(Schema):
    order_id = fields.String()
    state = fields.String()
    result = fields.String(metadata={"description": "paid, failed, open, or duplicate (already paid: no change)."})
