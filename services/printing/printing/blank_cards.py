"""Blank-card stock of each office: batches received, serials reserved for a print attempt, issued with
a good card, or voided when a card is spoiled, refused or fails inspection."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, insert, select

from ektp_shared import transitions
from ektp_shared.db import new_id
from ektp_shared.refusal import Refused, Why
from ektp_shared.uow import UnitOfWork

from .models import BlankCard, StockBatch
from .rules.states import BLANK_CARD, BlankState
from .rules.stock import serial_range

AVAILABLE, RESERVED, ISSUED, VOID = (state.value for state in BlankState)
STATES = tuple(state.value for state in BlankState)


class SerialConflict(Refused):
    """A serial of the batch is already in the stock."""

    def __init__(self, message: str):
        super().__init__("serial_conflict", message, field="first_serial", why=Why.CONFLICT)


def receive(uow: UnitOfWork, office_code: str, reference: str, first_serial: str, count: int, actor: str,
            now: dt.datetime) -> StockBatch:
    try:
        serials = serial_range(first_serial, count)
    except ValueError as exc:
        raise Refused("validation_failed", str(exc), field="count" if str(exc).startswith("count") else "first_serial") \
            from exc
    # Serials of one batch share prefix and length, so their range is a string range; the set test is exact.
    near = uow.session.scalars(select(BlankCard.serial).where(BlankCard.serial.between(serials[0], serials[-1]),
                                                              func.length(BlankCard.serial) == len(serials[0])))
    taken = len(set(near) & set(serials))
    if taken:
        raise SerialConflict(f"{taken} serials of this batch are already in the stock")
    batch = StockBatch(id=new_id(), office_code=office_code, reference=reference, first_serial=serials[0],
                       last_serial=serials[-1], count=count, received_at=now, received_by=actor[:80])
    uow.session.add(batch)
    uow.session.flush()
    uow.session.execute(insert(BlankCard), [
        {"serial": serial, "office_code": office_code, "batch_id": batch.id, "state": AVAILABLE, "updated_at": now}
        for serial in serials])
    return batch


def counts(uow: UnitOfWork, office_code: str) -> dict[str, int]:
    found = dict(uow.session.execute(select(BlankCard.state, func.count()).where(BlankCard.office_code == office_code)
                                     .group_by(BlankCard.state)).all())
    return {state: int(found.get(state, 0)) for state in STATES}


def available(uow: UnitOfWork, office_code: str) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(BlankCard)
                                  .where(BlankCard.office_code == office_code, BlankCard.state == AVAILABLE)) or 0)


def available_by_office(uow: UnitOfWork) -> dict[str, int]:
    rows = uow.session.execute(select(BlankCard.office_code, func.sum(case((BlankCard.state == AVAILABLE, 1), else_=0)))
                               .group_by(BlankCard.office_code).order_by(BlankCard.office_code))
    return {office: int(count or 0) for office, count in rows}


def ever_received(uow: UnitOfWork, office_code: str) -> bool:
    return uow.session.scalar(select(StockBatch.id).where(StockBatch.office_code == office_code).limit(1)) is not None


def batches(uow: UnitOfWork, office_code: str) -> list[StockBatch]:
    return list(uow.session.scalars(select(StockBatch).where(StockBatch.office_code == office_code)
                                    .order_by(StockBatch.received_at)))


def reserve(uow: UnitOfWork, office_code: str, application_id: str, job_id: str, now: dt.datetime) -> str | None:
    """The next available serial, lowest first (cards leave the office in batch order); None when out.
    Rows taken by another worker's open transaction are skipped rather than waited for."""
    blank = uow.session.scalar(select(BlankCard).where(BlankCard.office_code == office_code,
                                                       BlankCard.state == AVAILABLE)
                               .order_by(BlankCard.serial).limit(1).with_for_update(skip_locked=True))
    if blank is None:
        return None
    # The row is locked (FOR UPDATE SKIP LOCKED): the move cannot lose.
    transitions.move(uow.session, BLANK_CARD, blank, BlankState.RESERVED, now, application_id=application_id, job_id=job_id)
    return blank.serial


def issue(uow: UnitOfWork, serial: str, now: dt.datetime) -> None:
    _move(uow, serial, BlankState.ISSUED, now)


def release(uow: UnitOfWork, serial: str, now: dt.datetime) -> None:
    """The printer never took the card: the blank goes back to the shelf."""
    _move(uow, serial, BlankState.AVAILABLE, now, application_id=None, job_id=None)


def void(uow: UnitOfWork, serial: str, reason: str, now: dt.datetime) -> BlankCard:
    return _move(uow, serial, BlankState.VOID, now, void_reason=reason[:200])


def voided_for(uow: UnitOfWork, application_id: str) -> list[str]:
    """The serials of an applicant's cards that were voided, oldest first."""
    return list(uow.session.scalars(select(BlankCard.serial).where(BlankCard.application_id == application_id,
                                                                   BlankCard.state == VOID)
                                    .order_by(BlankCard.updated_at, BlankCard.serial)))


def void_unused(uow: UnitOfWork, office_code: str, serial: str, reason: str, now: dt.datetime) -> BlankCard:
    """A blank spoiled outside printing (damaged, lost). One in printing or issued is voided through its card."""
    blank = uow.session.get(BlankCard, serial)
    if blank is None or blank.office_code != office_code:
        raise Refused("not_found", "the office has no blank card with this serial", field="serial", why=Why.NOT_FOUND)
    if blank.state != AVAILABLE:
        raise Refused("not_available", f"the blank card is {blank.state}; cards in printing or issued are voided "
                                       "through their card", field="serial", why=Why.CONFLICT)
    return void(uow, serial, reason, now)


def _move(uow: UnitOfWork, serial: str, target: BlankState, now: dt.datetime, **values: object) -> BlankCard:
    blank = uow.session.get(BlankCard, serial)
    if blank is None:
        raise LookupError(f"no blank card {serial}")
    transitions.move_or_refuse(uow.session, BLANK_CARD, blank, target, now, field="serial", **values)
    return blank
