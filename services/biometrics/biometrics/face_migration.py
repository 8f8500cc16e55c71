"""Moving stored faces to the default face model: re-extract each face from its stored, encrypted capture.

A reference needs migrating while it has a face template of another model and none of the default one,
and no earlier attempt is recorded. Each run takes a batch, extracts outside any transaction (the slow
part), then records the result in a short one: the new template and a ``face_migrations`` row, and for an
enrolled reference a new gallery sequence number so every matcher replica reloads it with both templates.
A run that stops half-way leaves the rest pending: the next run (on any replica) goes on from there.

Captures keep arriving meanwhile. One that lands between the extraction and the record has replaced the
reference's templates (with the default model's among them): the record then finds the capture changed
and drops its result, so a face of an old capture never sits beside a new capture's fingers.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from ektp_shared.db import utcnow
from ektp_shared.objects import ObjectNotFound
from ektp_shared.service import Runtime

from . import metrics
from .abis import FACE
from .context import BiometricsContext
from .engine import CaptureRejected
from .models import Capture, Enrolment, FaceMigration, Template

MIGRATED = "migrated"
FAILED = "failed"
SUPERSEDED = "superseded"
log = logging.getLogger(__name__)


def _pending(model: str):
    """References with a face template of another model, none of ``model``, and no recorded attempt."""
    newer = aliased(Template)
    return (select(Template.reference_id)
            .where(Template.modality == FACE, Template.model != model,
                   ~exists().where(and_(newer.reference_id == Template.reference_id, newer.modality == FACE,
                                        newer.model == model)),
                   ~exists().where(and_(FaceMigration.reference_id == Template.reference_id,
                                        FaceMigration.model == model)))
            .distinct())


def remaining(session: Session, model: str) -> int:
    return session.scalar(select(func.count()).select_from(_pending(model).subquery())) or 0


def _batch(session: Session, model: str, size: int) -> list[tuple[str, str, str | None]]:
    """(reference id, capture id, object key of the captured face) of up to ``size`` pending references."""
    references = session.scalars(_pending(model).order_by(Template.reference_id).limit(size)).all()
    rows = session.execute(select(Enrolment.reference_id, Capture.id, Capture.image_keys)
                           .join(Capture, Capture.id == Enrolment.capture_id)
                           .where(Enrolment.reference_id.in_(references))).all()
    return [(reference_id, capture_id, keys.get("face")) for reference_id, capture_id, keys in rows]


def _record(session: Session, context: BiometricsContext, reference_id: str, capture_id: str, template,
            reason: str | None, now: dt.datetime) -> str:
    model = context.engine.settings.face_model
    current = session.scalar(select(Enrolment.capture_id).where(Enrolment.reference_id == reference_id))
    has_new = session.scalar(select(Template.id).where(Template.reference_id == reference_id,
                                                       Template.modality == FACE, Template.model == model))
    if current != capture_id or has_new is not None:
        return SUPERSEDED  # a new capture replaced the templates while this one was extracted
    outcome = MIGRATED if template is not None else FAILED
    session.add(FaceMigration(reference_id=reference_id, model=model, capture_id=capture_id, outcome=outcome,
                              reason=reason, at=now))
    if template is not None:
        session.add(Template(reference_id=reference_id, modality=FACE, position=0, model=model,
                             data=template.to_bytes(), quality=None))
        session.flush()
        context.abis.resequence(session, reference_id)
    return outcome


def migrate_faces(runtime: Runtime) -> int:
    """One batch: re-extract pending references' faces with the default model. Returns how many were done."""
    context: BiometricsContext = runtime.context
    model, size = context.engine.settings.face_model, runtime.settings.face_migration_batch
    if size <= 0:
        return 0
    with runtime.uow() as uow:
        batch = _batch(uow.session, model, size)
    done = 0
    for reference_id, capture_id, key in batch:
        template, reason = None, "image_missing"
        if key is not None:
            try:
                # The capture rules once passed; re-extraction only has to find that face again, so the
                # photo's smaller minimum applies (the new detector measures eyes slightly differently).
                template = context.engine.extract_face(runtime.objects.get(key), context.photo_policy, model=model)
            except CaptureRejected as rejected:
                template, reason = None, rejected.codes[0]
            except ObjectNotFound:
                template = None  # the capture's image is gone: recorded as failed, the old template stays
        with runtime.uow() as uow:
            outcome = _record(uow.session, context, reference_id, capture_id, template,
                              None if template is not None else reason, utcnow())
            uow.commit()
        metrics.FACE_MIGRATIONS.labels(outcome).inc()
        done += outcome != SUPERSEDED
    with runtime.uow() as uow:
        left = remaining(uow.session, model)
    metrics.FACE_MIGRATION_REMAINING.set(left)
    if batch:
        log.info("face migration: %d references re-extracted with %s, %d remaining", done, model, left)
    return done
