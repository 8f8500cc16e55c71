"""Use cases of an application: create a draft, attach documents, submit, follow the events.

Functions take a unit of work (the transaction) and plain values; routes and handlers stay thin.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from ektp_shared import metrics
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.common import CardHolderSchema
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.db import new_id
from ektp_shared.objects import ObjectStore
from ektp_shared.reference.application_kinds import application_kind
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork
from ektp_shared.web.errors import ApiError

from . import receipt
from .models import Application, Document, TimelineEntry
from .status import ACTIVE_STAGES, STAGE_OF_EVENT, Stage, moves_status, time_in_stage

RECEIPT_ATTEMPTS = 5


class ApplicationNotFound(LookupError):
    pass


def get(uow: UnitOfWork, application_id: str) -> Application:
    application = uow.session.get(Application, application_id)
    if application is None:
        raise ApplicationNotFound(application_id)
    return application


def active_for_nik(uow: UnitOfWork, nik_hash: str, excluding: str | None = None) -> Application | None:
    query = select(Application).where(Application.nik_hash == nik_hash,
                                      Application.status.in_([s.value for s in ACTIVE_STAGES if s is not Stage.DRAFT]))
    if excluding:
        query = query.where(Application.id != excluding)
    return uow.session.scalars(query).first()


def create(uow: UnitOfWork, nik_hash: str, body: dict[str, Any], now: dt.datetime) -> Application:
    application = Application(id=new_id(), kind=body["kind"], status=Stage.DRAFT.value, status_since=now,
                              nik_hash=nik_hash, applicant=jsonable(body["applicant"]), contact=body["contact"],
                              language=body["language"], created_at=now)
    uow.session.add(application)
    uow.session.add(TimelineEntry(application_id=application.id, stage=Stage.DRAFT.value, occurred_at=now))
    return application


def missing_documents(application: Application) -> list[str]:
    kind = application_kind(application.kind)
    return ["|".join(requirement) for requirement in kind.missing_documents(d.kind for d in application.documents)]


def attach_document(uow: UnitOfWork, objects: ObjectStore, application: Application, kind: str, data: bytes,
                    content_type: str, now: dt.datetime) -> Document:
    if application.status not in (Stage.DRAFT.value, Stage.CORRECTION_REQUESTED.value):
        raise ApiError(409, "not_editable", f"documents cannot change while the application is {application.status}",
                       field="application_id", location="path")
    document = next((d for d in application.documents if d.kind == kind), None)
    if document is None:
        document = Document(id=new_id(), application_id=application.id, kind=kind)
        application.documents.append(document)
    stored = objects.put(f"documents/{application.id}/{document.id}", data, content_type)
    document.object_key, document.sha256, document.content_type = stored.key, stored.sha256, content_type
    document.size, document.uploaded_at = stored.size, now
    return document


def submit(uow: UnitOfWork, application: Application, now: dt.datetime, region_code: str) -> None:
    if application.status != Stage.DRAFT.value:
        raise ApiError(409, "already_submitted", f"the application is already {application.status}",
                       field="application_id", location="path", details={"receipt_number": application.receipt_number})
    missing = missing_documents(application)
    if missing:
        raise ApiError(422, "documents_missing", f"documents still missing: {', '.join(missing)}", field="documents",
                       details={"missing_documents": missing})
    other = active_for_nik(uow, application.nik_hash, excluding=application.id)
    if other is not None:
        raise ApiError(409, "active_application_exists", "this NIK already has an application in progress",
                       field="applicant.nik", details={"receipt_number": other.receipt_number})
    application.receipt_number = _unique_receipt(uow, region_code, now)
    application.submitted_at = now
    _move(application, Stage.SUBMITTED, now, None)
    uow.session.add(TimelineEntry(application_id=application.id, stage=Stage.SUBMITTED.value, occurred_at=now,
                                  detail={"receipt_number": application.receipt_number}))
    uow.emit(APPLICATION_SUBMITTED, {
        "application_id": application.id, "receipt_number": application.receipt_number, "kind": application.kind,
        "submitted_at": now, "applicant": CardHolderSchema().load(application.applicant), "contact": application.contact,
        "language": application.language,
        "documents": [{"kind": d.kind, "document_id": d.id, "sha256": d.sha256, "content_type": d.content_type}
                      for d in application.documents],
    }, correlation_id=application.id)


def _unique_receipt(uow: UnitOfWork, region_code: str, now: dt.datetime) -> str:
    for _ in range(RECEIPT_ATTEMPTS):
        number = receipt.new_receipt_number(region_code, now.date())
        taken = uow.session.scalar(select(Application.id).where(Application.receipt_number == number))
        if taken is None:
            return number
    raise RuntimeError("no free receipt number after several attempts")


def record_event(uow: UnitOfWork, event: CloudEvent) -> None:
    """Enter an event of another service into the timeline, and move the status if it is the newest."""
    application = get(uow, str(event.data["application_id"]))
    stage = STAGE_OF_EVENT[event.type]
    detail = {k: jsonable(v) for k, v in event.data.items()
              if k in {"message", "reason_code", "corrections", "starts_at", "office", "pickup_from", "card_serial",
                       "collected_by"}}
    uow.session.add(TimelineEntry(application_id=application.id, stage=stage.value, occurred_at=event.time,
                                  event_type=event.type, detail=detail or None))
    if moves_status(application.status_since, event.time):
        reason = event.data.get("message") if stage in (Stage.CORRECTION_REQUESTED, Stage.REJECTED) else None
        _move(application, stage, event.time, reason)


def _move(application: Application, stage: Stage, at: dt.datetime, reason: str | None) -> None:
    if application.status != stage.value:
        metrics.STAGE_DURATION.labels(application.status).observe(time_in_stage(application.status_since, at))
    application.status, application.status_since, application.status_reason = stage.value, at, reason


def view(application: Application, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": application.id, "kind": application.kind, "status": application.status,
        "status_since": application.status_since, "status_reason": application.status_reason,
        "seconds_in_status": time_in_stage(application.status_since, now),
        "receipt_number": application.receipt_number, "created_at": application.created_at,
        "submitted_at": application.submitted_at, "missing_documents": missing_documents(application),
        "documents": [{"kind": d.kind, "sha256": d.sha256, "content_type": d.content_type, "size": d.size,
                       "uploaded_at": d.uploaded_at} for d in application.documents],
        "timeline": [{"stage": t.stage, "occurred_at": t.occurred_at, "detail": t.detail} for t in application.timeline],
        "applicant": application.applicant if application.status == Stage.DRAFT.value else None,
    }


def by_receipt(uow: UnitOfWork, receipt_number: str, nik_hash: str) -> Application | None:
    application = uow.session.scalars(select(Application).where(Application.receipt_number == receipt_number.strip().upper())).first()
    # The same answer for a wrong NIK as for an unknown receipt: tracking must not confirm either alone.
    return application if application is not None and application.nik_hash == nik_hash else None
