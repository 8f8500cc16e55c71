"""Events the biometrics service publishes. They carry pseudonymous references, never templates or images."""
from marshmallow import Schema, fields, validate

from .catalog import contract


class BiometricsEnrolled(Schema):
    application_id = fields.UUID(required=True)
    reference_id = fields.UUID(required=True, metadata={"description": "Pseudonymous enrolment reference (what the matcher knows)."})
    enrolled_at = fields.AwareDateTime(required=True)
    fingers_enrolled = fields.Integer(required=True, strict=True)
    fingerprint_digests = fields.List(fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$")), load_default=list,
                                      metadata={"description": "SHA-256 of two enrolled fingerprint templates, for the card's chip."})


class CandidateSchema(Schema):
    reference_id = fields.UUID(required=True)
    application_id = fields.UUID(required=True)
    score = fields.Float(required=True)


class DuplicateSuspected(Schema):
    application_id = fields.UUID(required=True)
    reference_id = fields.UUID(required=True)
    candidates = fields.List(fields.Nested(CandidateSchema), required=True)


BIOMETRICS_ENROLLED = contract(
    "biometrics.enrolled", 1, BiometricsEnrolled, "biometrics",
    "Capture passed quality and no other identity matched: the person is enrolled; printing may print.")
DUPLICATE_SUSPECTED = contract(
    "biometrics.duplicate_suspected", 1, DuplicateSuspected, "biometrics",
    "The capture matches identities already enrolled: the case goes to adjudication.")


class IdentifyRequested(Schema):
    """An ABIS IDENTIFY request: search the gallery for the person behind ``reference_id``."""

    application_id = fields.UUID(required=True)
    reference_id = fields.UUID(required=True)
    capture_id = fields.UUID(required=True)


IDENTIFY_REQUESTED = contract(
    "biometrics.identify_requested", 1, IdentifyRequested, "biometrics",
    "A capture passed quality; the matcher (biometrics' worker) searches for duplicates before enrolling.")
