"""What intake does not keep: drafts never submitted expire, and the documents of an application that ended
without a card (rejected, expired) are deleted with their objects once the retention period has passed.
Every purge is counted (ektp_documents_purged_total) and written to the access log."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from ektp_shared import transitions
from ektp_shared.objects import ObjectStore
from ektp_shared.uow import UnitOfWork

from . import metrics
from .models import AccessEntry, Application, Document, TimelineEntry
from .rules.states import APPLICATION, Stage

SYSTEM = "system"
BATCH = 200


def expire_drafts(uow: UnitOfWork, now: dt.datetime, draft_days: int) -> int:
    """Drafts created ``draft_days`` ago and never submitted end as EXPIRED; returns how many."""
    stale = uow.session.scalars(select(Application).where(
        Application.status == Stage.DRAFT.value, Application.created_at < now - dt.timedelta(days=draft_days))
        .limit(BATCH)).all()
    expired = 0
    for application in stale:
        if transitions.move(uow.session, APPLICATION, application, Stage.EXPIRED, now, status_reason="draft_expired"):
            uow.session.add(TimelineEntry(application_id=application.id, stage=Stage.EXPIRED.value, occurred_at=now,
                                          detail={"reason": "draft_expired"}))
            expired += 1
    return expired


def ended_with_documents(uow: UnitOfWork, now: dt.datetime, retention_days: int) -> list[str]:
    """Applications rejected or expired ``retention_days`` ago whose documents are still kept."""
    return list(uow.session.scalars(select(Application.id).where(
        Application.status.in_([Stage.REJECTED.value, Stage.EXPIRED.value]),
        Application.status_since < now - dt.timedelta(days=retention_days),
        Application.documents_purged_at.is_(None)).limit(BATCH)))


def purge_documents(uow: UnitOfWork, objects: ObjectStore, application_id: str, now: dt.datetime) -> int:
    """Delete an ended application's documents, objects first (deleting one twice is harmless, so a crash in
    between is finished by the next run); returns how many documents went."""
    application = uow.session.get(Application, application_id, with_for_update=True)
    if application is None or application.documents_purged_at is not None:
        return 0
    documents = list(uow.session.scalars(select(Document).where(Document.application_id == application_id)))
    for document in documents:
        objects.delete(document.object_key)
    uow.session.execute(delete(Document).where(Document.application_id == application_id))
    application.documents_purged_at = now
    uow.session.add(AccessEntry(application_id=application_id, actor=SYSTEM, action=f"purge:documents:{len(documents)}",
                                at=now))
    metrics.DOCUMENTS_PURGED.labels(application.status.lower()).inc(len(documents))
    return len(documents)
