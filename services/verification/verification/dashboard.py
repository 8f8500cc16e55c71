"""The supervisor's view of an office: how many cases stand in each state (the funnel, in the order an
application moves), how long the oldest has stood there, and the open cases stuck longer than a threshold."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from ektp_shared.uow import UnitOfWork

from .models import Case
from .rules.states import FINAL, CaseState

FUNNEL = (CaseState.OPEN, CaseState.INTERVIEW_SCHEDULED, CaseState.CORRECTION_REQUESTED, CaseState.SUPERVISOR_REVIEW,
          CaseState.REJECTION_PROPOSED, CaseState.APPROVED, CaseState.ADJUDICATION, CaseState.ENROLLED,
          CaseState.VERIFIED, CaseState.REJECTED, CaseState.EXPIRED, CaseState.PAUSED)
OPEN_STATES = tuple(s.value for s in CaseState if s not in FINAL)


def _scoped(query: Any, office: str | None, scope: frozenset[str] | None) -> Any:
    if office is not None:
        query = query.where(Case.office_code == office)
    if scope is not None:
        query = query.where(Case.office_code.in_(sorted(scope)))
    return query


def stages(uow: UnitOfWork, office: str | None, scope: frozenset[str] | None, now: dt.datetime) -> list[dict[str, Any]]:
    """Each state in funnel order: its count and, for an open state, the oldest case's seconds in it."""
    rows = uow.session.execute(_scoped(select(Case.state, func.count(), func.min(Case.state_since))
                                       .group_by(Case.state), office, scope)).all()
    found = {state: (count, since) for state, count, since in rows}
    out = []
    for state in FUNNEL:
        count, since = found.get(state.value, (0, None))
        open_ = state.value in OPEN_STATES
        out.append({"state": state.value, "count": count, "open": open_,
                    "oldest_seconds": int((now - since).total_seconds()) if open_ and since is not None else None})
    return out


def stuck(uow: UnitOfWork, office: str | None, scope: frozenset[str] | None, now: dt.datetime, hours: int,
          limit: int = 50) -> list[Case]:
    """Open cases that have stood in their state longer than ``hours``, the longest first."""
    return list(uow.session.scalars(_scoped(select(Case).where(
        Case.state.in_(OPEN_STATES), Case.state_since < now - dt.timedelta(hours=hours)), office, scope)
        .order_by(Case.state_since).limit(limit)))
