"""The audit trail of officer actions on cards, printers and stock: who, what, when, why."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from ektp_shared.db import new_id
from ektp_shared.uow import UnitOfWork

from .models import AuditEntry


def record(uow: UnitOfWork, actor: str, action: str, now: dt.datetime, application_id: str | None = None,
           office_code: str | None = None, **details: Any) -> None:
    uow.session.add(AuditEntry(id=new_id(), at=now, actor=actor[:80], action=action, application_id=application_id,
                               office_code=office_code, details=details))


def of(uow: UnitOfWork, application_id: str) -> list[AuditEntry]:
    return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.application_id == application_id)
                                    .order_by(AuditEntry.at, AuditEntry.id)))
