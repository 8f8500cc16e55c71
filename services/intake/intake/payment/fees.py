"""The fee table's use cases: what a regency charges for a kind (Rp0 unless an admin set otherwise), and an
admin setting it, audited."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from ektp_shared.refusal import conflict
from ektp_shared.uow import UnitOfWork

from .models import Fee, FeeChange
from .rules import FREE_BASIS, check_fee


@dataclasses.dataclass(frozen=True)
class Charge:
    rupiah: int
    basis: str


FREE = Charge(0, FREE_BASIS)


def charge(uow: UnitOfWork, regency_code: str, kind: str) -> Charge:
    row = uow.session.get(Fee, (regency_code, kind))
    return Charge(row.rupiah, row.basis or "") if row is not None and row.rupiah else FREE


def table(uow: UnitOfWork, regency_code: str | None = None) -> list[Fee]:
    query = select(Fee).order_by(Fee.regency_code, Fee.kind)
    if regency_code:
        query = query.where(Fee.regency_code == regency_code)
    return list(uow.session.scalars(query))


def set_fee(uow: UnitOfWork, regency_code: str, kind: str, rupiah: int, basis: str | None, actor: str,
            now: dt.datetime, gateway_ready: bool) -> Fee:
    check_fee(regency_code, kind, rupiah, basis)
    if rupiah and not gateway_ready:
        raise conflict("fee.no_gateway", "no payment gateway is configured (EKTP_INTAKE_PAYMENT_SNAP_URL, "
                       "_API_URL, _SERVER_KEY): a fee could not be paid", field="rupiah")
    row = uow.session.get(Fee, (regency_code, kind), with_for_update=True)
    before = row.rupiah if row is not None else 0
    if row is None:
        row = Fee(regency_code=regency_code, kind=kind)
        uow.session.add(row)
    row.rupiah, row.basis = rupiah, (basis or "").strip() or None
    row.updated_at, row.updated_by = now, actor
    uow.session.add(FeeChange(regency_code=regency_code, kind=kind, before=before, after=rupiah, basis=row.basis,
                              actor=actor, at=now))
    return row


def changes(uow: UnitOfWork, regency_code: str) -> list[FeeChange]:
    return list(uow.session.scalars(select(FeeChange).where(FeeChange.regency_code == regency_code)
                                    .order_by(FeeChange.id)))
