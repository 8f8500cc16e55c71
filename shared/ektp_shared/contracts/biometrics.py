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
    "A capture passed quality (the citizen was captured); biometrics' worker checks the live face against the "
    "application's photo, then searches the gallery for duplicates and enrols when there is none.")


class InsertRequested(Schema):
    """An ABIS INSERT request: add the templates of ``reference_id`` to the gallery the 1:N search covers."""

    application_id = fields.UUID(required=True)
    reference_id = fields.UUID(required=True)


INSERT_REQUESTED = contract(
    "biometrics.insert_requested", 1, InsertRequested, "biometrics",
    "An adjudicator found a suspected duplicate to be a different person; biometrics' matcher enrols the reference "
    "(then biometrics.enrolled). Idempotent per reference.")


class FaceMismatch(Schema):
    application_id = fields.UUID(required=True)
    reference_id = fields.UUID(required=True)
    capture_id = fields.UUID(required=True)
    result = fields.String(required=True, validate=validate.OneOf(["no_match", "photo_unusable"]), metadata={
        "description": "no_match: the live face does not match the application's photo at the configured FMR; "
                       "photo_unusable: the photo has no usable face or could not be fetched intact."})
    fmr = fields.Float(load_default=None, allow_none=True, metadata={
        "description": "no_match: the calibrated chance that another person's face scores as well."})


FACE_MISMATCH = contract(
    "biometrics.face_mismatch", 1, FaceMismatch, "biometrics",
    "The face captured at the office could not be verified against the application's photo: the enrolment waits "
    "for an officer's review (biometrics API) and is neither searched nor enrolled until then.")
