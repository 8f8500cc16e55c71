"""HTTP routes of the biometrics service: capture submission (operators), enrolment state, the review
of a face that did not verify against the application's photo, 1:1 fingerprint verification for later
identity checks, and the portrait for card printing (a short-lived signed link)."""
from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from ektp_shared import logs
from ektp_shared.auth import office_scope, require_office, requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError
from ektp_shared.web.paths import get_or_404

from . import audit, enrolments, metrics, views
from .abis import FINGER
from .engine import CaptureRejected, FingerTemplate
from .models import Enrolment, Template
from .rules import face_checks
from .rules.states import STATES, EnrolmentState

BEARER = [{"bearerAuth": []}]
FINGER_FIELDS = {f"finger_{position}": position for position in range(1, 11)}


class ReviewOut(Schema):
    decision = fields.String()
    officer = fields.String()
    note = fields.String(allow_none=True)
    at = fields.String()


class FaceCheckOut(Schema):
    result = fields.String(metadata={"description": "match, no_match, photo_unusable or no_photo (the application "
                                                    "was submitted without one)."})
    fmr = fields.Float(metadata={"description": "The calibrated chance that another person's face scores as well."})
    score = fields.Float()
    method = fields.String()
    target_fmr = fields.Float()
    reason = fields.String(metadata={"description": "photo_unusable: why."})
    review = fields.Nested(ReviewOut, metadata={"description": "An officer's verdict on a face that did not verify."})


class HolderCheckOut(Schema):
    result = fields.String(metadata={"description": "match or no_match: whether the person captured for a replacement "
                                                    "or a data change is the holder of the NIK's enrolment."})
    against = fields.String(metadata={"description": "The application whose enrolment the fingers were compared with."})
    evidence = fields.Float(metadata={"description": "-log10(fmr): decades of evidence, the compared fingers fused."})
    fmr = fields.Float(metadata={"description": "The calibrated chance that another person's fingers score as well."})
    target_fmr = fields.Float()
    fingers = fields.List(fields.Integer(), metadata={"description": "ISO finger positions compared."})
    review = fields.Nested(ReviewOut, metadata={"description": "An officer's verdict on a mismatch."})


class EnrolmentOut(Schema):
    application_id = fields.String()
    state = fields.String(metadata={"description": ", ".join(STATES)})
    office_code = fields.String()
    captured_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    candidates = fields.List(fields.Dict(), allow_none=True)
    fingers = fields.List(fields.Integer(), metadata={"description": "ISO finger positions captured."})
    face_check = fields.Nested(FaceCheckOut, allow_none=True, metadata={
        "description": "The live face against the application's photo; null until the worker has checked it."})
    holder_check = fields.Nested(HolderCheckOut, allow_none=True, metadata={
        "description": "A replacement or data change: the fingers against the holder's own earlier enrolment (found "
                       "by NIK); null for a first card, a holder enrolled before this platform, or until checked."})
    finger_quality = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), metadata={
        "description": "NFIQ 2 of each captured finger (0-100, higher is better), by finger_<position>."})


class EnrolmentQuery(Schema):
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class FaceReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(face_checks.REVIEW_DECISIONS), metadata={
        "description": "same_person: you checked the citizen against the documents and the photo, search and "
                       "enrol; recapture: the capture is retaken."})
    note = fields.String(load_default=None, validate=validate.Length(min=1, max=1000), metadata={
        "description": "Required for same_person: what you checked."})

    @validates_schema
    def _note(self, data: dict, **_: object) -> None:
        if data["decision"] == face_checks.SAME_PERSON and not data.get("note"):
            raise ValidationError("say what you checked before overriding the face comparison", field_name="note")


class FingerVerifyOut(Schema):
    match = fields.Boolean()
    fmr = fields.Float(metadata={"description": "The calibrated chance that another person's fingers score as well."})
    target_fmr = fields.Float()
    evidence = fields.Float(metadata={"description": "-log10(fmr): decades of evidence, all fingers fused."})
    fingers_compared = fields.List(fields.Integer())


def _enrolment(uow: Any, application_id: str, officer: bool = True) -> Enrolment:
    """The enrolment, if it is of an office the officer works for (403 otherwise); ``officer=False`` for a
    route whose signed link is the permission (no officer, no office)."""
    enrolment = get_or_404(uow.session, Enrolment, application_id, "application_id",
                           "no application is waiting for biometric capture under this id")
    if officer:
        require_office(enrolment.office_code, field="application_id")
    logs.correlation_id.set(enrolment.application_id)
    return enrolment


class AuditEntryOut(Schema):
    at = fields.AwareDateTime()
    actor = fields.String()
    office_code = fields.String()
    action = fields.String()
    details = fields.Dict(allow_none=True)


class AuditOut(Schema):
    application_id = fields.String()
    entries = fields.List(fields.Nested(AuditEntryOut))


def _fingers_uploaded() -> dict[int, bytes]:
    return {position: request.files[name].read() for name, position in FINGER_FIELDS.items() if name in request.files}


def _reject_unknown_uploads(allowed: set[str], expected: str) -> None:
    unknown = sorted(set(request.files) - allowed)
    if unknown:
        raise ApiError(422, "unknown_field", f"unknown upload field {unknown[0]}; expected {expected}",
                       field=unknown[0], location="files")


def _read_capture(min_fingers: int) -> tuple[bytes, dict[int, bytes]]:
    _reject_unknown_uploads(set(FINGER_FIELDS) | {"face"}, "face and finger_1..finger_10")
    face = request.files.get("face")
    if face is None:
        raise ApiError(422, "validation_failed", "the face image is required", field="face", location="files")
    fingers = _fingers_uploaded()
    if len(fingers) < min_fingers:
        missing = next(name for name in FINGER_FIELDS if name not in request.files)
        raise ApiError(422, "validation_failed", f"at least {min_fingers} finger images are required",
                       field=missing, location="files")
    return face.read(), fingers


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("enrolments", __name__, url_prefix="/v1/enrolments",
                    description="Biometric capture (perekaman), quality gate, 1:1 verification and 1:N deduplication.")

    @blp.route("/<application_id>/capture", methods=["POST"])
    @requires("biometric_operator")
    @blp.response(202, EnrolmentOut)
    @blp.doc(summary="Submit the face and finger images (multipart: face, finger_1..finger_10 by ISO position). "
                     "A capture that fails quality is refused (422) with each image to retake and why; an accepted "
                     "one is checked against the application's photo and searched for duplicates by the worker.",
             security=BEARER)
    def capture(application_id: str):
        face_image, finger_images = _read_capture(runtime.settings.min_fingers)
        with runtime.uow() as uow:  # refuse a wrong enrolment before seconds of extraction
            enrolments.require_state(_enrolment(uow, application_id), EnrolmentState.AWAITING_CAPTURE)
        extracted = enrolments.extract(runtime.context.extractor, face_image, finger_images)
        images = {"face": face_image, **{f"finger_{p}": image for p, image in finger_images.items()}}
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            capture = enrolments.accept_capture(uow, runtime.objects, enrolment, extracted, images, g.principal.subject,
                                                utcnow())
            audit.record(uow, g.principal.subject, "capture.accepted", enrolment, utcnow(), capture_id=capture.id,
                         fingers=sorted(finger_images))
            uow.commit()
            return views.enrolment(uow, enrolment)

    @blp.route("", methods=["GET"])
    @requires("biometric_adjudicator", "supervisor", "biometric_operator")
    @blp.arguments(EnrolmentQuery, location="query")
    @blp.response(200, EnrolmentOut(many=True))
    @blp.doc(summary="Enrolments in a state, oldest first: e.g. FACE_REVIEW, the faces waiting for an officer.",
             security=BEARER)
    def listing(query: dict[str, Any]):
        with runtime.uow() as uow:
            chosen = select(Enrolment).where(Enrolment.state == query["state"])
            scope = office_scope()
            if scope is not None:
                chosen = chosen.where(Enrolment.office_code.in_(sorted(scope)))
            found = uow.session.scalars(chosen.order_by(Enrolment.state_since).limit(query["limit"]))
            return [views.enrolment(uow, enrolment) for enrolment in found]

    @blp.route("/<application_id>", methods=["GET"])
    @requires("biometric_operator", "biometric_adjudicator", "verifier", "supervisor")
    @blp.response(200, EnrolmentOut)
    @blp.doc(summary="The enrolment's state, the face check and, for a suspected duplicate, the candidates.",
             security=BEARER)
    def read(application_id: str):
        with runtime.uow() as uow:
            return views.enrolment(uow, _enrolment(uow, application_id))

    @blp.route("/<application_id>/face-review", methods=["POST"])
    @requires("biometric_adjudicator", "supervisor")
    @blp.arguments(FaceReviewIn)
    @blp.response(200, EnrolmentOut)
    @blp.doc(summary="Decide a capture that did not verify, against the application's photo (face_check) or, for a "
                     "replacement or data change, against the holder's own enrolment (holder_check): same_person "
                     "(search and enrol, your name and note on the record) or recapture.", security=BEARER)
    def face_review(body: dict[str, Any], application_id: str):
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            enrolments.review_face(uow, enrolment, body["decision"], g.principal.subject, body["note"], utcnow())
            audit.record(uow, g.principal.subject, f"face_review.{body['decision']}", enrolment, utcnow(),
                         note=body["note"])
            uow.commit()
            return views.enrolment(uow, enrolment)

    @blp.route("/<application_id>/verify", methods=["POST"])
    @requires("biometric_operator", "print_operator")
    @blp.response(200, FingerVerifyOut)
    @blp.doc(summary="1:1 identity check against the enrolled fingers (multipart finger_1..finger_10): is this the "
                     "enrolled person? Decided at the configured false-match rate.", security=BEARER)
    def verify(application_id: str):
        _reject_unknown_uploads(set(FINGER_FIELDS), "finger_1..finger_10")
        finger_images = _fingers_uploaded()
        if not finger_images:
            raise ApiError(422, "validation_failed", "at least one finger image is required", field="finger_1",
                           location="files")
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            enrolments.require_state(enrolment, EnrolmentState.ENROLLED)
            enrolled = [FingerTemplate.from_bytes(t.data) for t in uow.session.scalars(select(Template).where(
                Template.reference_id == enrolment.reference_id, Template.modality == FINGER))]
            audit.record(uow, g.principal.subject, "fingers.verified", enrolment, utcnow(),
                         fingers=sorted(finger_images))
            uow.commit()
        absent = sorted(set(finger_images) - {t.position for t in enrolled})
        if absent:
            raise ApiError(422, "finger_not_enrolled", f"finger_{absent[0]} was not enrolled; compare enrolled fingers "
                                                       f"({', '.join(f'finger_{t.position}' for t in enrolled)})",
                           field=f"finger_{absent[0]}", location="files")
        probe = enrolments.extract(runtime.context.extractor, None, finger_images)
        decision = runtime.context.engine.verify_fingers(list(probe.fingers.values()), enrolled)
        metrics.VERIFICATIONS.labels("fingers", "match" if decision.match else "no_match").inc()
        return {"match": decision.match, "fmr": decision.fmr, "target_fmr": decision.details["target_fmr"],
                "evidence": decision.score, "fingers_compared": sorted(decision.details["finger_scores"])}

    @blp.route("/<application_id>/audit", methods=["GET"])
    @requires("supervisor")
    @blp.response(200, AuditOut)
    @blp.doc(summary="The enrolment's audit log: which officer, at which office, did what and when (supervisor).",
             security=BEARER)
    def audit_log(application_id: str):
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            return {"application_id": enrolment.application_id, "entries": audit.of(uow, enrolment.application_id)}

    @blp.route("/<application_id>/portrait", methods=["GET"])
    @blp.doc(summary="The card's portrait, for personalisation: the captured face as an ISO/IEC 19794-5 token "
                     "image (PNG, 3:4, eyes level at 0.6 W, 0.25 W apart); needs a short-lived signed link.")
    def portrait(application_id: str):
        if not runtime.links.verify(request.path, request.args.get("expires"), request.args.get("signature")):
            raise ApiError(403, "link_invalid", "the link is missing, expired or not signed", field="signature",
                           location="query")
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id, officer=False)
            key = enrolments.latest_face_key(uow, enrolment)
            if key is None:
                raise ApiError(404, "not_found", "no face was captured for this application", field="application_id",
                               location="path")
            capture = runtime.objects.get(key)
        try:
            token = runtime.context.engine.portrait(capture)
        except CaptureRejected as exc:  # passed the quality gate once; a changed model could still miss it
            raise ApiError(409, "portrait_unavailable", "no face could be framed in the capture",
                           field="application_id", location="path") from exc
        return Response(token, mimetype="image/png", headers={"Cache-Control": "no-store"})

    return blp
