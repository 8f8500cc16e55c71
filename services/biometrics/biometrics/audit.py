"""The audit trail of officers' actions on enrolments: who, at which office, did what, when."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from ektp_shared.uow import UnitOfWork

from .models import AuditEntry, Enrolment


def record(uow: UnitOfWork, actor: str, action: str, enrolment: Enrolment, now: dt.datetime, **details: Any) -> None:
    uow.session.add(AuditEntry(at=now, actor=actor[:120], office_code=enrolment.office_code, action=action,
                               application_id=enrolment.application_id, details=details or None))


def of(uow: UnitOfWork, application_id: str) -> list[AuditEntry]:
    return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.application_id == application_id)
                                    .order_by(AuditEntry.at, AuditEntry.id)))
