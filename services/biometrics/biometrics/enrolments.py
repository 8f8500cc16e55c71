"""Use cases of an enrolment, the application side of biometrics: become eligible on approval, note
the application's photo, accept a capture, check the live face against the photo, hand the capture
to the matcher (abis.py) and follow the adjudication of a suspected duplicate. States: rules/states.py.

Every change of state is a conditional update from the state the use case expects, so two requests
racing for one enrolment (a double-tapped capture, two officers reviewing at once) change it once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select

from ektp_shared import transitions
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts import biometrics as contracts
from ektp_shared.db import new_id
from ektp_shared.objects import ObjectStore
from ektp_shared.refusal import Refused, conflict
from ektp_shared.uow import UnitOfWork

from . import metrics
from .abis import FACE, FINGER, FINGER_MODEL
from .context import BiometricsContext
from .engine import Candidate, CaptureRejected, FaceTemplate, FingerTemplate
from .extraction import Extracted, Extractor
from .models import Capture, Enrolment, Photo, Template
from .photos import PhotoUnavailable, fetch_photo
from .rules import face_checks, holder_checks
from .rules.face_checks import FaceCheck
from .rules.holder_checks import HolderCheck
from .rules.states import ENROLMENT, EnrolmentState

AWAITING_CAPTURE, IDENTIFYING, FACE_REVIEW = EnrolmentState.AWAITING_CAPTURE, EnrolmentState.IDENTIFYING, EnrolmentState.FACE_REVIEW
DUPLICATE_SUSPECTED, ENROLLING = EnrolmentState.DUPLICATE_SUSPECTED, EnrolmentState.ENROLLING
ENROLLED, NOT_ENROLLED = EnrolmentState.ENROLLED, EnrolmentState.NOT_ENROLLED


def state_conflict(state: str) -> Refused:
    """The enrolment is not in the state the request needs; ``details.state`` says where it is."""
    return conflict("state_conflict", f"the enrolment is {state}", field="application_id", location="path",
                    details={"state": state})


def require_state(enrolment: Enrolment, state: EnrolmentState) -> None:
    if enrolment.state != state.value:
        raise state_conflict(enrolment.state)


def _move(uow: UnitOfWork, enrolment: Enrolment, expected: EnrolmentState, new: EnrolmentState, now: dt.datetime,
          **values: Any) -> bool:
    """Move from ``expected`` to ``new`` unless someone else moved it first; False then."""
    return transitions.move(uow.session, ENROLMENT, enrolment, new, now, expected=expected, **values)


def _state_now(uow: UnitOfWork, enrolment: Enrolment) -> str:
    return uow.session.scalar(select(Enrolment.state).where(Enrolment.application_id == enrolment.application_id))


def extract(extractor: Extractor, face: bytes | None, fingers: dict[int, bytes]) -> Extracted:
    """The templates of a capture, or ``Refused`` naming each image to retake and why."""
    try:
        return extractor.extract(face, fingers)
    except CaptureRejected as rejected:
        raise Refused("recapture_required", "; ".join(r.message for r in rejected.reasons), details={
            "errors": [{"field": "face" if r.position is None else f"finger_{r.position}", "location": "files",
                        "code": r.code, "message": r.message} for r in rejected.reasons]}) from None


def make_eligible(uow: UnitOfWork, event: CloudEvent, nik_hash: str, now: dt.datetime) -> None:
    """application.verified: the citizen may be captured. Approved again after a correction: harmless (a
    waiting enrolment takes the latest office and data; a captured one stays as it is). ``nik_hash``: the
    card holder's NIK as its keyed hash, by which a later replacement finds this enrolment."""
    application_id = str(event.data["application_id"])
    office, kind = event.data["office"]["code"], event.data["kind"]
    enrolment = uow.session.get(Enrolment, application_id)
    if enrolment is None:
        uow.session.add(Enrolment(application_id=application_id, reference_id=new_id(), state=AWAITING_CAPTURE.value,
                                  office_code=office, eligible_at=now, state_since=now, nik_hash=nik_hash, kind=kind))
    elif enrolment.state == AWAITING_CAPTURE.value:
        enrolment.office_code, enrolment.nik_hash, enrolment.kind = office, nik_hash, kind


def note_photo(uow: UnitOfWork, event: CloudEvent, round_: int, now: dt.datetime) -> None:
    """application.submitted (round 0) / resubmitted: remember which document is the photo (not the data)."""
    application_id = str(event.data["application_id"])
    photo = next((d for d in event.data["documents"] if d["kind"] == "photo"), None)
    row = uow.session.get(Photo, application_id)
    if row is None:
        row = Photo(application_id=application_id)
        uow.session.add(row)
    elif row.round > round_:
        return  # an earlier round arriving late
    row.document_id = str(photo["document_id"]) if photo else None
    row.sha256 = photo["sha256"] if photo else None
    row.round, row.noted_at = round_, now


def accept_capture(uow: UnitOfWork, objects: ObjectStore, enrolment: Enrolment, extracted: Extracted,
                   images: Mapping[str, bytes], operator: str, now: dt.datetime) -> Capture:
    """Keep the raw images (encrypted, for re-extraction when algorithms change) and the templates, and ask
    the worker to check the face and search for the person. Refused unless awaiting capture."""
    capture_id = new_id()
    if not _move(uow, enrolment, AWAITING_CAPTURE, IDENTIFYING, now, captured_at=now, capture_id=capture_id):
        raise state_conflict(_state_now(uow, enrolment))
    keys = {name: objects.put(f"captures/{enrolment.reference_id}/{capture_id}/{name}", image,
                              "application/octet-stream").key for name, image in images.items()}
    capture = Capture(id=capture_id, application_id=enrolment.application_id, captured_by=operator, captured_at=now,
                      image_keys=keys)
    uow.session.add(capture)
    uow.session.execute(delete(Template).where(Template.reference_id == enrolment.reference_id))
    for face in extracted.faces:
        uow.session.add(Template(reference_id=enrolment.reference_id, modality=FACE, position=0, model=face.model,
                                 data=face.to_bytes(), quality=None))
    for position, finger in extracted.fingers.items():
        uow.session.add(Template(reference_id=enrolment.reference_id, modality=FINGER, position=position,
                                 model=FINGER_MODEL, data=finger.to_bytes(), quality=finger.nfiq2))
    _request_identify(uow, enrolment)
    return capture


def _request_identify(uow: UnitOfWork, enrolment: Enrolment) -> None:
    uow.emit(contracts.IDENTIFY_REQUESTED, {"application_id": enrolment.application_id,
                                            "reference_id": enrolment.reference_id,
                                            "capture_id": enrolment.capture_id},
             correlation_id=enrolment.application_id)


def chip_digests(fingers: list[FingerTemplate]) -> list[str]:
    """Digests of the two fingers the card's chip carries: the lowest ISO positions captured (thumbs, index)."""
    chosen = sorted(fingers, key=lambda f: f.position)[:2]
    return [hashlib.sha256(f.to_bytes()).hexdigest() for f in chosen] if len(chosen) == 2 else []


def _fingers(uow: UnitOfWork, reference_id: str) -> list[FingerTemplate]:
    return [FingerTemplate.from_bytes(t.data) for t in uow.session.scalars(
        select(Template).where(Template.reference_id == reference_id, Template.modality == FINGER))]


def _enrolled(uow: UnitOfWork, enrolment: Enrolment, expected: EnrolmentState, now: dt.datetime) -> None:
    if not _move(uow, enrolment, expected, ENROLLED, now, decided_at=now):
        return
    fingers = _fingers(uow, enrolment.reference_id)
    uow.emit(contracts.BIOMETRICS_ENROLLED, {"application_id": enrolment.application_id,
                                             "reference_id": enrolment.reference_id, "enrolled_at": now,
                                             "fingers_enrolled": len(fingers),
                                             "fingerprint_digests": chip_digests(fingers)},
             correlation_id=enrolment.application_id)


def live_face(uow: UnitOfWork, context: BiometricsContext, reference_id: str) -> FaceTemplate:
    """The captured face by the newest model in use that it has a template of (a capture made before a model
    change has only the older model's until it is migrated)."""
    order = context.engine.settings.face_models
    stored = [FaceTemplate.from_bytes(data) for data in uow.session.scalars(
        select(Template.data).where(Template.reference_id == reference_id, Template.modality == FACE))]
    usable = sorted((t for t in stored if t.model in order), key=lambda t: order.index(t.model))
    if not usable:
        raise LookupError("no face template of a model in use is stored for this capture")
    return usable[0]


def check_face(uow: UnitOfWork, context: BiometricsContext, enrolment: Enrolment) -> FaceCheck:
    """The live face against the application's photo. Raises (so the bus retries) while the submission has
    not reached biometrics or intake cannot answer."""
    photo = uow.session.get(Photo, enrolment.application_id)
    if photo is None:
        raise LookupError("the application's submission has not reached biometrics yet")
    if photo.document_id is None:
        return FaceCheck(face_checks.NO_PHOTO)
    live = live_face(uow, context, enrolment.reference_id)
    try:
        settings = context.settings
        image = fetch_photo(settings.intake_url, context.links, photo.document_id, photo.sha256 or "",
                            settings.photo_link_seconds, settings.photo_fetch_timeout_seconds)
        # The photo's face by the live face's model: a comparison never crosses models.
        reference = context.engine.extract_face(image, context.photo_policy, model=live.model)
    except PhotoUnavailable as unavailable:
        return face_checks.unusable(str(unavailable))
    except CaptureRejected as rejected:
        return face_checks.unusable(f"the application's photo: {rejected}")
    decision = context.engine.verify_face(live, reference, cohort=context.abis.face_cohort(live.model))
    return face_checks.judged(decision.match, decision.fmr, decision.score, decision.method,
                              decision.details["target_fmr"])


def _listed(uow: UnitOfWork, candidates: list[Candidate]) -> list[dict[str, Any]]:
    owners = dict(uow.session.execute(select(Enrolment.reference_id, Enrolment.application_id).where(
        Enrolment.reference_id.in_([c.reference_id for c in candidates]))).all())
    return [{"reference_id": c.reference_id, "application_id": owners[c.reference_id], "score": round(c.evidence, 3)}
            for c in candidates if c.reference_id in owners]


def holder_enrolments(uow: UnitOfWork, enrolment: Enrolment) -> list[Enrolment]:
    """The card holder's own other enrolments (same NIK hash) that were enrolled, newest first."""
    if enrolment.nik_hash is None:
        return []
    return list(uow.session.scalars(select(Enrolment).where(
        Enrolment.nik_hash == enrolment.nik_hash, Enrolment.state == ENROLLED.value,
        Enrolment.application_id != enrolment.application_id).order_by(Enrolment.decided_at.desc())))


def check_holder(uow: UnitOfWork, context: BiometricsContext, enrolment: Enrolment, holder: Enrolment) -> HolderCheck:
    """The new capture's fingers 1:1 against the holder's latest enrolment, the fingers both have."""
    decision = context.engine.verify_fingers(_fingers(uow, enrolment.reference_id), _fingers(uow, holder.reference_id))
    return holder_checks.judged(holder.application_id, decision.match, decision.score, decision.fmr,
                                decision.details["target_fmr"], list(decision.details["finger_scores"]))


def process_capture(uow: UnitOfWork, context: BiometricsContext, event: CloudEvent, now: dt.datetime) -> None:
    """IDENTIFY request: the face check (once per capture); for a replacement or data change, the 1:1 check
    against the holder's own enrolment; then the 1:N search. No candidate enrols."""
    enrolment = uow.session.get(Enrolment, str(event.data["application_id"]))
    if enrolment is None or enrolment.state != IDENTIFYING.value or enrolment.capture_id != str(event.data["capture_id"]):
        return  # decided already or superseded: a redelivered or stale request changes nothing
    capture = uow.session.get(Capture, enrolment.capture_id)
    if capture.face_check is None:
        check = check_face(uow, context, enrolment)
        capture.face_check = check.to_json()
        metrics.VERIFICATIONS.labels("face_photo", check.result).inc()
    else:
        check = FaceCheck.from_json(capture.face_check)
    if not check.passes:
        if _move(uow, enrolment, IDENTIFYING, FACE_REVIEW, now):
            uow.emit(contracts.FACE_MISMATCH, {"application_id": enrolment.application_id,
                                               "reference_id": enrolment.reference_id,
                                               "capture_id": enrolment.capture_id, "result": check.result,
                                               "fmr": check.fmr}, correlation_id=enrolment.application_id)
        return
    holders = holder_enrolments(uow, enrolment) if holder_checks.checks_holder(enrolment.kind) else []
    if holders:
        _renew(uow, context, enrolment, capture, holders, now)
        return
    candidates = context.abis.decide(uow.session, enrolment.reference_id, context.settings.target_fpir, now)
    if not candidates:
        _enrolled(uow, enrolment, IDENTIFYING, now)
        return
    _suspect(uow, enrolment, candidates, now)


def _renew(uow: UnitOfWork, context: BiometricsContext, enrolment: Enrolment, capture: Capture,
           holders: list[Enrolment], now: dt.datetime) -> None:
    """A replacement or data change of an enrolled holder: 1:1 against the holder's latest enrolment, then
    1:N with the holder's own enrolments left out. The holder is in the gallery once already, so a capture
    found to be theirs is enrolled (it is what the next 1:1 compares with) without entering the gallery."""
    if capture.holder_check is None:
        holder = check_holder(uow, context, enrolment, holders[0])
        capture.holder_check = holder.to_json()
        metrics.VERIFICATIONS.labels("fingers_holder", holder.result).inc()
    else:
        holder = HolderCheck.from_json(capture.holder_check)
    if not holder.passes:
        _move(uow, enrolment, IDENTIFYING, FACE_REVIEW, now)  # the review page shows the holder check and why
        return
    candidates = context.abis.identify(uow.session, enrolment.reference_id, context.settings.target_fpir,
                                       exclude={h.reference_id for h in holders})
    if not candidates:
        _enrolled(uow, enrolment, IDENTIFYING, now)
        return
    _suspect(uow, enrolment, candidates, now)


def _suspect(uow: UnitOfWork, enrolment: Enrolment, candidates: list[Candidate], now: dt.datetime) -> None:
    listed = _listed(uow, candidates)
    if _move(uow, enrolment, IDENTIFYING, DUPLICATE_SUSPECTED, now, decided_at=now, candidates=listed):
        uow.emit(contracts.DUPLICATE_SUSPECTED, {"application_id": enrolment.application_id,
                                                 "reference_id": enrolment.reference_id, "candidates": listed},
                 correlation_id=enrolment.application_id)


def review_face(uow: UnitOfWork, enrolment: Enrolment, decision: str, officer: str, note: str | None,
                now: dt.datetime) -> FaceCheck | HolderCheck:
    """An officer's verdict on a capture that did not verify, against the application's photo or (the face
    passed) against the holder's own enrolment: same_person (the search runs) or recapture."""
    require_state(enrolment, FACE_REVIEW)
    capture = uow.session.get(Capture, enrolment.capture_id)
    face = FaceCheck.from_json(capture.face_check)
    failed = face if not face.passes else HolderCheck.from_json(capture.holder_check)
    check = face_checks.reviewed(failed, decision, officer, note, now)
    target = IDENTIFYING if decision == face_checks.SAME_PERSON else AWAITING_CAPTURE
    if not _move(uow, enrolment, FACE_REVIEW, target, now):
        raise state_conflict(_state_now(uow, enrolment))
    if isinstance(check, FaceCheck):
        capture.face_check = check.to_json()
    else:
        capture.holder_check = check.to_json()
    if target == IDENTIFYING:
        _request_identify(uow, enrolment)
    return check


def adjudicated(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> None:
    """adjudication.decided: distinct → ask the matcher to INSERT; duplicate → the reference is not enrolled."""
    enrolment = uow.session.get(Enrolment, str(event.data["application_id"]))
    if enrolment is None:
        raise LookupError("no enrolment for this application: biometrics raised no duplicate for it")
    if enrolment.state != DUPLICATE_SUSPECTED.value or enrolment.reference_id != str(event.data["reference_id"]):
        return  # decided already, or about another capture
    record = {"decision": event.data["decision"], "adjudicator": event.data["adjudicator"],
              "decided_at": event.data["decided_at"].isoformat()}
    if event.data["decision"] == "duplicate":
        _move(uow, enrolment, DUPLICATE_SUSPECTED, NOT_ENROLLED, now, adjudication=record)
        return
    if _move(uow, enrolment, DUPLICATE_SUSPECTED, ENROLLING, now, adjudication=record):
        uow.emit(contracts.INSERT_REQUESTED, {"application_id": enrolment.application_id,
                                              "reference_id": enrolment.reference_id},
                 correlation_id=enrolment.application_id)


def insert(uow: UnitOfWork, context: BiometricsContext, event: CloudEvent, now: dt.datetime) -> None:
    """INSERT request: enrol the adjudicated reference. A redelivered request finds it enrolled and stops."""
    enrolment = uow.session.get(Enrolment, str(event.data["application_id"]))
    if enrolment is None or enrolment.state != ENROLLING.value or enrolment.reference_id != str(event.data["reference_id"]):
        return
    context.abis.insert(uow.session, enrolment.reference_id, now)
    _enrolled(uow, enrolment, ENROLLING, now)


def finger_positions(uow: UnitOfWork, enrolment: Enrolment) -> list[int]:
    return sorted(uow.session.scalars(select(Template.position).where(Template.reference_id == enrolment.reference_id,
                                                                      Template.modality == FINGER)))


def latest_face_key(uow: UnitOfWork, enrolment: Enrolment) -> str | None:
    capture = uow.session.get(Capture, enrolment.capture_id) if enrolment.capture_id else None
    return capture.image_keys.get("face") if capture else None
