"""Request and response bodies of printing's API (marshmallow; unknown fields are rejected)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ektp_shared.web.query import QueryInteger

from ..print_jobs import STATES as JOB_STATES
from ..rules import pickup
from ..rules.quality import DEFECTS, PRINTED_FIELDS
from ..rules.stock import MAX_BATCH

NIK = validate.Regexp(r"^[0-9]{16}$", error="must be exactly 16 digits")
OFFICE_CODE = r"^[A-Z0-9][A-Z0-9-]{1,39}$"
PRINTER_OFFICE = validate.Regexp(r"^(\*|[A-Z0-9][A-Z0-9-]{1,39})$",
                                 error="an office code such as DISDUKCAPIL-3201 (or * for the shared fleet)")


class RepresentativeIn(Schema):
    nik = fields.String(required=True, validate=NIK, metadata={"description": "The representative's own NIK."})
    kk_number = fields.String(load_default=None, validate=NIK,
                              metadata={"description": "The representative's No. KK (family on the applicant's KK)."})
    name = fields.String(load_default=None, validate=validate.Length(min=1, max=120), metadata={
        "description": "The representative's name as on their KTP; with a surat kuasa, the name it gives."})


class AttorneyIn(Schema):
    """The form fields beside the surat kuasa's file: the representative it names."""

    representative_nik = fields.String(required=True, validate=NIK, metadata={"description": "As written in the letter."})
    representative_name = fields.String(required=True, validate=validate.Length(min=1, max=120),
                                        metadata={"description": "As written in the letter."})


ATTORNEY_FORM = ("representative_nik", "representative_name")


class HandoverIn(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    nik = fields.String(required=True, validate=NIK, metadata={"description": "The applicant's NIK (a child's card, KIA: the NIK of the parent who applied and collects it)."})
    collected_by = fields.String(load_default=pickup.APPLICANT, validate=validate.OneOf([pickup.APPLICANT,
                                                                                         pickup.REPRESENTATIVE]))
    representative = fields.Nested(RepresentativeIn, load_default=None,
                                   metadata={"description": "Required when collected_by is representative."})
    old_card = fields.String(load_default=None, allow_none=True, validate=validate.OneOf([pickup.HANDED_IN]), metadata={
        "description": "data_change, replacement_damaged, move_in: handed_in, once the operator took the old card "
                       "in (it is withdrawn and its serial voided); otherwise leave it out."})
    fingerprint_override = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=10, max=500),
                                         metadata={"description": "Required when every finger verified at the desk "
                                                   "failed (POST .../fingerprint): why the card is handed over anyway. "
                                                   "Ignored otherwise."})


class RefusalIn(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    nik = fields.String(required=True, validate=NIK)
    fields_ = fields.List(fields.String(validate=validate.OneOf(PRINTED_FIELDS)), required=True, data_key="fields",
                          validate=validate.Length(min=1, max=len(PRINTED_FIELDS)),
                          metadata={"description": "The printed fields the citizen found wrong (those of the card's "
                                                   "document type: a KIA has no_kk and nama_orang_tua)."})


class QualityIn(Schema):
    result = fields.String(required=True, validate=validate.OneOf(["passed", "defect"]))
    field = fields.String(load_default=None, validate=validate.OneOf(DEFECTS),
                          metadata={"description": "With a defect: which field or part of the card is wrong."})
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class ReprintIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class JobOut(Schema):
    id = fields.String()
    state = fields.String(metadata={"description": "queued, sent, printed, qc_passed, qc_failed or failed."})
    purpose = fields.String(metadata={"description": "first, reprint or correction."})
    attempts = fields.Integer()
    spoiled = fields.Integer()
    serial = fields.String(allow_none=True)
    printer = fields.String(allow_none=True)
    outcome_unknown = fields.Boolean()
    chip_verified = fields.Boolean(allow_none=True)
    reason = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime()
    printed_at = fields.AwareDateTime(allow_none=True)
    qc_field = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class LetterOut(Schema):
    number = fields.String()
    issued_at = fields.AwareDateTime()
    valid_until = fields.Date()


class FingerprintCheckOut(Schema):
    position = fields.Integer(metadata={"description": "ISO finger position (1 right thumb ... 10 left little)."})
    match = fields.Boolean(metadata={"description": "The finger is the holder's, at the 1:1 false-match rate."})
    evidence = fields.Float(metadata={"description": "The 1:1 score: -log10 of the false-match rate."})
    fmr = fields.Float()
    target_fmr = fields.Float()
    checked_by = fields.String()
    checked_at = fields.AwareDateTime()


class CardOut(Schema):
    application_id = fields.String()
    receipt_number = fields.String()
    state = fields.String()
    kind = fields.String()
    document_type = fields.String(metadata={"description": "ektp, or kia: a child's card, collected by the parent "
                                                           "who applied (the handover's NIK is theirs)."})
    serial = fields.String(allow_none=True)
    void_serials = fields.List(fields.String())
    printed_at = fields.AwareDateTime(allow_none=True)
    pickup_from = fields.Date(allow_none=True)
    office = fields.Dict()
    reminders_sent = fields.Integer()
    refused_fields = fields.List(fields.String(), allow_none=True)
    collected_at = fields.AwareDateTime(allow_none=True)
    collected_by = fields.String(allow_none=True)
    collector_relation = fields.String(allow_none=True,
                                       metadata={"description": "applicant, family (same KK) or attorney (surat kuasa)."})
    old_card = fields.String(allow_none=True, metadata={
        "description": "A replacement: handed_in (the old card was withdrawn) or reported_lost."})
    withdrawn_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "This card was withdrawn when its holder collected a replacement (its serial is void)."})
    surat_kuasa = fields.Boolean(metadata={"description": "A power of attorney was uploaded for this card."})
    fingerprint_checks = fields.List(fields.Nested(FingerprintCheckOut), metadata={
        "description": "Fingers verified at the pickup desk against the holder's enrolment, oldest first."})
    fingerprint = fields.String(allow_none=True, metadata={
        "description": "At the handover: verified (a finger matched), overridden (none did; see fingerprint_override) "
                       "or not_checked."})
    fingerprint_override = fields.String(allow_none=True, metadata={
        "description": "The officer's reason for handing over although the fingerprint did not match."})
    temporary_letter = fields.Nested(LetterOut, allow_none=True)
    jobs = fields.List(fields.Nested(JobOut))


class AttorneyOut(Schema):
    sha256 = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = fields.AwareDateTime()


class PrinterIn(Schema):
    office_code = fields.String(required=True, validate=PRINTER_OFFICE)
    uri = fields.String(required=True, validate=validate.Length(min=8, max=300),
                        metadata={"description": "cardprinter://host:port or ipp://host:631/printers/QUEUE"})


class RotationIn(Schema):
    in_rotation = fields.Boolean(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=150))


class PrinterOut(Schema):
    name = fields.String()
    office_code = fields.String()
    uri = fields.String(metadata={"description": "Without credentials."})
    in_rotation = fields.Boolean()
    held_by_operator = fields.Boolean()
    out_reason = fields.String(allow_none=True)
    online = fields.Boolean(allow_none=True)
    conditions = fields.String(allow_none=True)
    ribbon_remaining = fields.Integer(allow_none=True)
    cards_in_feeder = fields.Integer(allow_none=True)
    polled_at = fields.AwareDateTime(allow_none=True)
    last_used_at = fields.AwareDateTime(allow_none=True)


class JobQuery(Schema):
    state = fields.String(load_default=None, validate=validate.OneOf(JOB_STATES))
    office_code = fields.String(load_default=None, validate=PRINTER_OFFICE)
    limit = QueryInteger(load_default=100, validate=validate.Range(min=1, max=1000))


class QueuedJobOut(Schema):
    id = fields.String()
    application_id = fields.String()
    office_code = fields.String()
    state = fields.String()
    purpose = fields.String()
    priority = fields.Integer(metadata={"description": "0 first-time applicant, 1 replacement."})
    attempts = fields.Integer()
    spoiled = fields.Integer()
    outcome_unknown = fields.Boolean()
    reason = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()


class BatchIn(Schema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=80),
                              metadata={"description": "The delivery's reference (berita acara / delivery note)."})
    first_serial = fields.String(required=True, validate=validate.Length(min=1, max=40),
                                 metadata={"description": "Serial of the first blank; the batch counts up from it."})
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_BATCH))


class VoidIn(Schema):
    serial = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=150))


class PolicyIn(Schema):
    representative = fields.String(required=True, validate=validate.OneOf(pickup.POLICIES))
    low_stock_threshold = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=MAX_BATCH))
    qc_by_operator = fields.Boolean(required=True)


class PolicyOut(Schema):
    office_code = fields.String()
    representative = fields.String()
    low_stock_threshold = fields.Integer()
    qc_by_operator = fields.Boolean()
    own = fields.Boolean(metadata={"description": "False: the office follows the service's defaults."})


class BatchOut(Schema):
    id = fields.String()
    reference = fields.String()
    first_serial = fields.String()
    last_serial = fields.String()
    count = fields.Integer()
    received_at = fields.AwareDateTime()
    received_by = fields.String()


class StockOut(Schema):
    office_code = fields.String()
    available = fields.Integer()
    reserved = fields.Integer()
    issued = fields.Integer()
    void = fields.Integer()
    low_stock_threshold = fields.Integer()
    low = fields.Boolean()
    batches = fields.List(fields.Nested(BatchOut))


class CardQuery(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40), metadata={
        "description": "The receipt number the citizen shows (typed, or read from its QR code)."})


class ReportQuery(Schema):
    office_code = fields.String(load_default=None, validate=validate.Regexp(OFFICE_CODE))


class UncollectedOut(Schema):
    application_id = fields.String()
    receipt_number = fields.String()
    office_code = fields.String()
    serial = fields.String(allow_none=True)
    pickup_from = fields.Date()
    reminders_sent = fields.Integer()
    reported_at = fields.AwareDateTime(attribute="reported_uncollected_at")
