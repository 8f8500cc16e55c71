"""HTTP routes of the biometrics service: capture submission (operators), enrolment state, and the
portrait for card printing (a short-lived signed link)."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ektp_shared import logs
from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from . import enrolments
from .engine.rejection import CaptureRejected
from .models import Enrolment

BEARER = [{"bearerAuth": []}]
FINGER_FIELDS = {f"finger_{position}": position for position in range(1, 11)}
PORTRAIT_PATH = "/v1/enrolments/{application_id}/portrait"


class EnrolmentOut(Schema):
    application_id = fields.String()
    state = fields.String()
    office_code = fields.String()
    captured_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    candidates = fields.List(fields.Dict(), allow_none=True)
    fingers = fields.List(fields.Integer(), metadata={"description": "ISO finger positions captured."})


def _enrolment(uow: Any, application_id: str) -> Enrolment:
    try:
        enrolment = uow.session.get(Enrolment, str(uuid.UUID(application_id)))
    except ValueError:
        enrolment = None
    if enrolment is None:
        raise ApiError(404, "not_found", "no application is waiting for biometric capture under this id",
                       field="application_id", location="path")
    logs.correlation_id.set(enrolment.application_id)
    return enrolment


def _view(enrolment: Enrolment, fingers: list[int]) -> dict[str, Any]:
    return {"application_id": enrolment.application_id, "state": enrolment.state, "office_code": enrolment.office_code,
            "captured_at": enrolment.captured_at, "decided_at": enrolment.decided_at,
            "candidates": enrolment.candidates, "fingers": fingers}


def _read_capture(max_fingers_missing_ok: int) -> tuple[bytes, dict[int, bytes]]:
    unknown = sorted(set(request.files) - set(FINGER_FIELDS) - {"face"})
    if unknown:
        raise ApiError(422, "unknown_field", f"unknown upload field {unknown[0]}; expected face and finger_1..finger_10",
                       field=unknown[0], location="files")
    face = request.files.get("face")
    if face is None:
        raise ApiError(422, "validation_failed", "the face image is required", field="face", location="files")
    fingers = {position: request.files[name].read() for name, position in FINGER_FIELDS.items() if name in request.files}
    if len(fingers) < max_fingers_missing_ok:
        raise ApiError(422, "validation_failed", f"at least {max_fingers_missing_ok} finger images are required",
                       field="finger_1", location="files")
    return face.read(), fingers


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("enrolments", __name__, url_prefix="/v1/enrolments",
                    description="Biometric capture (perekaman), quality gate and 1:N deduplication.")

    @blp.route("/<application_id>/capture", methods=["POST"])
    @requires("biometric_operator")
    @blp.response(202, EnrolmentOut)
    @blp.doc(summary="Submit the face and finger images (multipart: face, finger_1..finger_10 by ISO position). "
                     "A capture that fails quality is refused with what to retake and why.", security=BEARER)
    def capture(application_id: str):
        face_image, finger_images = _read_capture(runtime.settings.min_fingers)
        engine = runtime.deps.engine
        reasons = []
        try:
            face = engine.extract_face(face_image)
        except CaptureRejected as rejected:
            reasons.extend(rejected.reasons)
        try:
            fingers = engine.extract_fingers(finger_images)
        except CaptureRejected as rejected:
            reasons.extend(rejected.reasons)
        if reasons:
            raise ApiError(422, "recapture_required", "; ".join(r.message for r in reasons), details={
                "errors": [{"field": "face" if r.position is None else f"finger_{r.position}", "location": "files",
                            "code": r.code, "message": r.message} for r in reasons]})
        images = {"face": face_image, **{f"finger_{p}": image for p, image in finger_images.items()}}
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            if enrolment.state != enrolments.AWAITING_CAPTURE:
                raise ApiError(409, "already_captured", f"the enrolment is {enrolment.state}", field="application_id",
                               location="path")
            enrolments.accept_capture(uow, runtime.objects, enrolment, enrolments.Extracted(face, fingers), images,
                                      g.principal.subject, utcnow())
            uow.commit()
            return _view(enrolment, sorted(fingers))

    @blp.route("/<application_id>", methods=["GET"])
    @requires("biometric_operator", "biometric_adjudicator", "verifier")
    @blp.response(200, EnrolmentOut)
    @blp.doc(summary="The enrolment's state and, for a suspected duplicate, the candidates.", security=BEARER)
    def read(application_id: str):
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            return _view(enrolment, enrolments.finger_positions(uow, enrolment))

    @blp.route("/<application_id>/portrait", methods=["GET"])
    @blp.doc(summary="The captured face, for card personalisation; needs a short-lived signed link.")
    def portrait(application_id: str):
        if not runtime.links.verify(request.path, request.args.get("expires"), request.args.get("signature")):
            raise ApiError(403, "link_invalid", "the link is missing, expired or not signed", field="signature",
                           location="query")
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            key = enrolments.latest_face_key(uow, enrolment)
            if key is None:
                raise ApiError(404, "not_found", "no face was captured for this application", field="application_id",
                               location="path")
            return Response(runtime.objects.get(key), mimetype="application/octet-stream",
                            headers={"Cache-Control": "no-store"})

    return blp
