"""What an officer looks at to judge a case by eye: the captured images (face, fingers), the application's
photo, and how each of a suspected duplicate's fingers compares. Read through an enrolment of the officer's
own office; a candidate only as a candidate of that enrolment (it may be enrolled anywhere)."""
from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import select

from ektp_shared.refusal import Refused, Why
from ektp_shared.uow import UnitOfWork

from .abis import FINGER
from .context import BiometricsContext
from .engine import FingerTemplate
from .models import Capture, Enrolment, Photo, Template
from .photos import PhotoUnavailable, fetch_photo

CAPTURED = ("face", *(f"finger_{position}" for position in range(1, 11)))
IMAGE_NAMES = (*CAPTURED, "photo")


def content_type(image: bytes) -> str:
    if image.startswith(b"\x89PNG"):
        return "image/png"
    if image.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return "application/octet-stream"


def _not_found(message: str, field: str = "name") -> Refused:
    return Refused("not_found", message, why=Why.NOT_FOUND, field=field, location="path")


def captured_image(uow: UnitOfWork, context: BiometricsContext, objects: Any, enrolment: Enrolment, name: str) -> bytes:
    """An image of the enrolment's latest capture, or the application's photo (``photo``, fetched from intake)."""
    if name == "photo":
        photo = uow.session.get(Photo, enrolment.application_id)
        if photo is None or photo.document_id is None:
            raise _not_found("the application was submitted without a photo")
        settings = context.settings
        try:
            return fetch_photo(settings.intake_url, context.links, photo.document_id, photo.sha256 or "",
                               settings.photo_link_seconds, settings.photo_fetch_timeout_seconds)
        except (PhotoUnavailable, requests.RequestException) as exc:
            raise _not_found(f"the application's photo cannot be had now: {exc}") from None
    capture = uow.session.get(Capture, enrolment.capture_id) if enrolment.capture_id else None
    if capture is None or name not in capture.image_keys:
        raise _not_found(f"no {name} image was captured for this application")
    return objects.get(capture.image_keys[name])


def candidate_of(uow: UnitOfWork, enrolment: Enrolment, application_id: str) -> Enrolment:
    """A suspected duplicate of ``enrolment`` (404 unless it is one of its candidates)."""
    if application_id not in {c["application_id"] for c in enrolment.candidates or []}:
        raise _not_found("this application is not a candidate of the enrolment", field="candidate_id")
    return uow.session.scalars(select(Enrolment).where(Enrolment.application_id == application_id)).one()


def _fingers(uow: UnitOfWork, enrolment: Enrolment) -> list[FingerTemplate]:
    return [FingerTemplate.from_bytes(t.data) for t in uow.session.scalars(select(Template).where(
        Template.reference_id == enrolment.reference_id, Template.modality == FINGER))]


def finger_comparison(uow: UnitOfWork, context: BiometricsContext, enrolment: Enrolment,
                      candidate: Enrolment) -> dict[str, Any]:
    """Each finger both captured, scored one against the other, and the fused evidence."""
    decision = context.engine.verify_fingers(_fingers(uow, enrolment), _fingers(uow, candidate))
    listed = next(c for c in enrolment.candidates or [] if c["application_id"] == candidate.application_id)
    return {"application_id": candidate.application_id, "score": listed["score"], "evidence": decision.score,
            "fmr": decision.fmr, "finger_scores": [{"position": position, "score": score} for position, score
                                                   in decision.details["finger_scores"].items()]}


def finger_quality(uow: UnitOfWork, enrolment: Enrolment) -> dict[str, float | None]:
    """NFIQ 2 of each captured finger (0-100, higher is better), by ``finger_<position>``."""
    rows = uow.session.execute(select(Template.position, Template.quality).where(
        Template.reference_id == enrolment.reference_id, Template.modality == FINGER)).all()
    return {f"finger_{position}": quality for position, quality in sorted(rows)}
