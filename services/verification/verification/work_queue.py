"""The officers' work queue: oldest first within priority, filtered by state, office, kind or flag; an
officer claims a case for a while (a lease) so two officers never work the same case, and a case whose
officer walked away returns to the queue when the lease runs out."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection

from sqlalchemy import Select, or_, select, update

from ektp_shared.uow import UnitOfWork

from .models import Case, CaseFlag
from .rules.decisions import DecisionNotAllowed, may_work
from .rules.states import CaseState


@dataclasses.dataclass(frozen=True)
class Filters:
    state: CaseState = CaseState.OPEN
    office: str | None = None
    kind: str | None = None
    flag: str | None = None
    unclaimed_only: bool = False
    offices: frozenset[str] | None = None  # the officer's offices; None: every office (a national role)


def _free_at(now: dt.datetime):
    return or_(Case.claimed_by.is_(None), Case.lease_expires_at < now)


def _query(filters: Filters, now: dt.datetime) -> Select:
    query = select(Case).where(Case.state == filters.state.value)
    if filters.office:
        query = query.where(Case.office_code == filters.office)
    if filters.offices is not None:
        query = query.where(Case.office_code.in_(sorted(filters.offices)))
    if filters.kind:
        query = query.where(Case.kind == filters.kind)
    if filters.flag:
        query = query.where(Case.id.in_(select(CaseFlag.case_id).where(CaseFlag.code == filters.flag)))
    if filters.unclaimed_only:
        query = query.where(_free_at(now))
    return query.order_by(Case.priority.desc(), Case.queued_at, Case.id)


def listing(uow: UnitOfWork, filters: Filters, now: dt.datetime, limit: int) -> list[Case]:
    return list(uow.session.scalars(_query(filters, now).limit(limit)))


def claim(uow: UnitOfWork, case: Case, officer: str, roles: Collection[str], now: dt.datetime, lease_seconds: int) -> None:
    """Take (or renew) the lease; refused while another officer's lease runs. One UPDATE with the
    condition in its WHERE, so of two officers claiming at once exactly one wins."""
    if not may_work(CaseState(case.state), roles):
        raise DecisionNotAllowed(f"a case in {case.state} is not in a queue your roles work")
    until = now + dt.timedelta(seconds=lease_seconds)
    won = uow.session.execute(
        update(Case).where(Case.id == case.id, Case.state == case.state,
                           or_(_free_at(now), Case.claimed_by == officer))
        .values(claimed_by=officer, lease_expires_at=until).execution_options(synchronize_session=False)).rowcount
    uow.session.refresh(case)
    if not won:
        raise DecisionNotAllowed(f"the case is claimed by another officer until {case.lease_expires_at:%H:%M:%S} UTC")


def claim_next(uow: UnitOfWork, filters: Filters, officer: str, roles: Collection[str], now: dt.datetime,
               lease_seconds: int) -> Case | None:
    """The first free case of the queue, claimed; None when the queue is empty."""
    for case in uow.session.scalars(_query(dataclasses.replace(filters, unclaimed_only=True), now).limit(20)):
        try:
            claim(uow, case, officer, roles, now, lease_seconds)
        except DecisionNotAllowed:
            continue  # another officer took it a moment ago
        return case
    return None


def release(uow: UnitOfWork, case: Case, officer: str) -> bool:
    """Give the case back; False when the officer did not hold it."""
    released = uow.session.execute(update(Case).where(Case.id == case.id, Case.claimed_by == officer)
                                   .values(claimed_by=None, lease_expires_at=None)
                                   .execution_options(synchronize_session=False)).rowcount
    uow.session.refresh(case)
    return bool(released)


def require_claim(case: Case, officer: str, now: dt.datetime) -> None:
    if case.claimed_by != officer or case.lease_expires_at is None or case.lease_expires_at < now:
        raise DecisionNotAllowed("claim the case first (POST /v1/cases/<id>/claim); your claim is missing or expired")

