"""HTTP routes for judging by eye (officers of the enrolment's office): the captured images and the
application's photo, and a suspected duplicate's fingers compared one by one with its images. Every read is
audited; images are never cached by the browser."""
from __future__ import annotations

from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from . import audit, evidence
from .api import BEARER, _enrolment

READERS = ("biometric_operator", "biometric_adjudicator", "supervisor")


class FingerScoreOut(Schema):
    position = fields.Integer()
    score = fields.Float()


class ComparisonOut(Schema):
    application_id = fields.String()
    score = fields.Float(metadata={"description": "The 1:N search's evidence for this candidate (decades)."})
    evidence = fields.Float(metadata={"description": "The fingers alone, fused: -log10 of their false-match rate."})
    fmr = fields.Float()
    finger_scores = fields.List(fields.Nested(FingerScoreOut), metadata={
        "description": "Each finger captured in both, by ISO position: the matcher's score."})


def _image(name: str) -> None:
    if name not in evidence.IMAGE_NAMES:
        raise ApiError(404, "not_found", f"no image is called {name}; one of {', '.join(evidence.IMAGE_NAMES)}",
                       field="name", location="path")


def _served(image: bytes) -> Response:
    return Response(image, mimetype=evidence.content_type(image), headers={"Cache-Control": "no-store"})


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("evidence", __name__, url_prefix="/v1/enrolments",
                    description="Images and finger-by-finger comparisons for officers judging by eye.")

    @blp.route("/<application_id>/images/<name>", methods=["GET"])
    @requires(*READERS)
    @blp.doc(summary="An image of the latest capture (face, finger_1..finger_10) or the application's photo "
                     "(photo), for the capture desk's check and the face review.", security=BEARER)
    def image(application_id: str, name: str):
        _image(name)
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            found = evidence.captured_image(uow, runtime.context, runtime.objects, enrolment, name)
            audit.record(uow, g.principal.subject, "image.read", enrolment, utcnow(), image=name)
            uow.commit()
        return _served(found)

    @blp.route("/<application_id>/candidates/<candidate_id>", methods=["GET"])
    @requires("biometric_adjudicator", "supervisor")
    @blp.response(200, ComparisonOut)
    @blp.doc(summary="A suspected duplicate compared finger by finger with this enrolment.", security=BEARER)
    def comparison(application_id: str, candidate_id: str):
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            candidate = evidence.candidate_of(uow, enrolment, candidate_id)
            audit.record(uow, g.principal.subject, "candidate.compared", enrolment, utcnow(), candidate=candidate_id)
            uow.commit()
            return evidence.finger_comparison(uow, runtime.context, enrolment, candidate)

    @blp.route("/<application_id>/candidates/<candidate_id>/images/<name>", methods=["GET"])
    @requires("biometric_adjudicator", "supervisor")
    @blp.doc(summary="A suspected duplicate's captured image (face, finger_1..finger_10), seen through this "
                     "enrolment (the candidate may be of another office).", security=BEARER)
    def candidate_image(application_id: str, candidate_id: str, name: str):
        _image(name)
        with runtime.uow() as uow:
            enrolment = _enrolment(uow, application_id)
            candidate = evidence.candidate_of(uow, enrolment, candidate_id)
            found = evidence.captured_image(uow, runtime.context, runtime.objects, candidate, name)
            audit.record(uow, g.principal.subject, "candidate.image_read", enrolment, utcnow(), candidate=candidate_id,
                         image=name)
            uow.commit()
        return _served(found)

    return blp
