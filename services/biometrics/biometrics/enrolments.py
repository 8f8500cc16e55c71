"""Use cases of an enrolment: become eligible on approval, accept a capture, decide it by a 1:N search."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections.abc import Mapping

from sqlalchemy import select

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts import biometrics as contracts
from ektp_shared.db import new_id
from ektp_shared.objects import ObjectStore
from ektp_shared.uow import UnitOfWork

from .engine.engine import Engine
from .engine.face import FaceTemplate
from .engine.finger import FingerTemplate
from .engine.gallery import Gallery
from .models import Capture, Enrolment, Template

AWAITING_CAPTURE = "AWAITING_CAPTURE"
IDENTIFYING = "IDENTIFYING"
ENROLLED = "ENROLLED"
DUPLICATE_SUSPECTED = "DUPLICATE_SUSPECTED"
FACE = "face"
FINGER = "finger"


def make_eligible(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> None:
    application_id = str(event.data["application_id"])
    if uow.session.get(Enrolment, application_id) is None:
        uow.session.add(Enrolment(application_id=application_id, reference_id=new_id(), state=AWAITING_CAPTURE,
                                  office_code=event.data["office"]["code"], eligible_at=now))


@dataclasses.dataclass(frozen=True)
class Extracted:
    face: FaceTemplate
    fingers: dict[int, FingerTemplate]


def accept_capture(uow: UnitOfWork, objects: ObjectStore, enrolment: Enrolment, extracted: Extracted,
                   images: Mapping[str, bytes], operator: str, now: dt.datetime) -> Capture:
    """Keep the raw images (encrypted, for re-extraction when algorithms change) and the templates, and ask
    the matcher to search for the person."""
    capture = Capture(id=new_id(), application_id=enrolment.application_id, captured_by=operator, captured_at=now,
                      image_keys={})
    keys = {}
    for name, image in images.items():
        keys[name] = objects.put(f"captures/{enrolment.reference_id}/{capture.id}/{name}", image,
                                 "application/octet-stream").key
    capture.image_keys = keys
    uow.session.add(capture)
    for template in uow.session.scalars(select(Template).where(Template.reference_id == enrolment.reference_id)):
        uow.session.delete(template)
    uow.session.flush()
    uow.session.add(Template(reference_id=enrolment.reference_id, modality=FACE, position=0,
                             data=extracted.face.to_bytes(), quality=None))
    for position, finger in extracted.fingers.items():
        uow.session.add(Template(reference_id=enrolment.reference_id, modality=FINGER, position=position,
                                 data=finger.to_bytes(), quality=getattr(finger, "quality", None)))
    enrolment.state, enrolment.captured_at = IDENTIFYING, now
    uow.emit(contracts.IDENTIFY_REQUESTED, {"application_id": enrolment.application_id, "reference_id": enrolment.reference_id,
                                  "capture_id": capture.id}, correlation_id=enrolment.application_id)
    return capture


def chip_digests(fingers: list[FingerTemplate]) -> list[str]:
    """Digests of the two fingers the card's chip carries: the lowest ISO positions captured (thumbs, index)."""
    chosen = sorted(fingers, key=lambda f: f.position)[:2]
    return [hashlib.sha256(f.to_bytes()).hexdigest() for f in chosen] if len(chosen) == 2 else []


def _templates(uow: UnitOfWork, reference_ids: list[str]) -> dict[str, tuple[FaceTemplate | None, list[FingerTemplate]]]:
    found: dict[str, tuple[FaceTemplate | None, list[FingerTemplate]]] = {}
    for template in uow.session.scalars(select(Template).where(Template.reference_id.in_(reference_ids))):
        face, fingers = found.get(template.reference_id, (None, []))
        if template.modality == FACE:
            face = FaceTemplate.from_bytes(template.data)
        else:
            fingers.append(FingerTemplate.from_bytes(template.data))
        found[template.reference_id] = (face, fingers)
    return found


class GallerySync:
    """The matcher's in-memory gallery, kept up to date with the enrolments committed to the database."""

    def __init__(self, engine: Engine):
        self.gallery: Gallery = engine.new_gallery()
        self._seen_until: dt.datetime | None = None
        self._lock = threading.Lock()

    def refresh(self, uow: UnitOfWork) -> None:
        with self._lock:
            query = select(Enrolment.reference_id, Enrolment.decided_at).where(Enrolment.state == ENROLLED)
            if self._seen_until is not None:
                query = query.where(Enrolment.decided_at >= self._seen_until)
            rows = uow.session.execute(query).all()
            missing = [row.reference_id for row in rows if row.reference_id not in self.gallery]
            for start in range(0, len(missing), 500):
                for reference_id, (face, fingers) in _templates(uow, missing[start:start + 500]).items():
                    self.gallery.add(reference_id, face, fingers)
            if rows:
                self._seen_until = max(row.decided_at for row in rows)


def identify(uow: UnitOfWork, sync: GallerySync, event: CloudEvent, target_fpir: int, now: dt.datetime) -> None:
    enrolment = uow.session.get(Enrolment, str(event.data["application_id"]))
    if enrolment is None or enrolment.state != IDENTIFYING:
        return  # decided already (a redelivered request after a crash): nothing to do twice
    sync.refresh(uow)
    face, fingers = _templates(uow, [enrolment.reference_id])[enrolment.reference_id]
    candidates = sync.gallery.identify(face, fingers, target_fpir=target_fpir, exclude={enrolment.reference_id})
    enrolment.decided_at = now
    if not candidates:
        enrolment.state = ENROLLED
        uow.emit(contracts.BIOMETRICS_ENROLLED, {"application_id": enrolment.application_id, "reference_id": enrolment.reference_id,
                                       "enrolled_at": now, "fingers_enrolled": len(fingers),
                                       "fingerprint_digests": chip_digests(fingers)},
                 correlation_id=enrolment.application_id)
        return
    owners = dict(uow.session.execute(select(Enrolment.reference_id, Enrolment.application_id).where(
        Enrolment.reference_id.in_([c.reference_id for c in candidates]))).all())
    listed = [{"reference_id": c.reference_id, "application_id": owners[c.reference_id], "score": round(c.evidence, 3)}
              for c in candidates if c.reference_id in owners]
    enrolment.state, enrolment.candidates = DUPLICATE_SUSPECTED, listed
    uow.emit(contracts.DUPLICATE_SUSPECTED, {"application_id": enrolment.application_id, "reference_id": enrolment.reference_id,
                                   "candidates": listed}, correlation_id=enrolment.application_id)


def finger_positions(uow: UnitOfWork, enrolment: Enrolment) -> list[int]:
    return sorted(uow.session.scalars(select(Template.position).where(Template.reference_id == enrolment.reference_id,
                                                                      Template.modality == FINGER)))


def latest_face_key(uow: UnitOfWork, enrolment: Enrolment) -> str | None:
    capture = uow.session.scalars(select(Capture).where(Capture.application_id == enrolment.application_id)
                                  .order_by(Capture.captured_at.desc())).first()
    return capture.image_keys.get("face") if capture else None
