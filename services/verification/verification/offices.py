"""Use cases of the offices that capture biometrics: list them, create or change one (admin)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ektp_shared.calendar import zone_of_province
from ektp_shared.reference.regions import region
from ektp_shared.refusal import Refused
from ektp_shared.uow import UnitOfWork

from .models import Office


def listing(uow: UnitOfWork, scope: frozenset[str] | None = None) -> list[Office]:
    """The configured offices (those in ``scope`` when given: an officer sees their own)."""
    query = select(Office).order_by(Office.code)
    if scope is not None:
        query = query.where(Office.code.in_(sorted(scope)))
    return list(uow.session.scalars(query))


def put(uow: UnitOfWork, code: str, body: dict[str, Any]) -> Office:
    if not 1 <= len(code) <= 40 or not code.replace("-", "").isalnum():
        raise Refused("validation_failed", "office code: 1–40 letters, digits and hyphens", field="code", location="path")
    if region(body["serves"]) is None:
        raise Refused("region.unknown", "serves is not a current Kemendagri regency or district code", field="serves")
    row = uow.session.get(Office, code) or Office(code=code)
    for name, value in body.items():
        setattr(row, name, value)
    row.timezone = body["timezone"] or zone_of_province(body["serves"][:2])
    uow.session.add(row)
    return row
