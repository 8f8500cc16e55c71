"""The one way to change a row's state: a conditional UPDATE from the state the caller expects.

    moved = transitions.move(session, CARD, card, CardState.QUEUED_FOR_PRINT, now)

The UPDATE's WHERE holds the expected state, so of two requests racing for one row exactly one moves it; the
other gets False (or ``Refused``, from ``move_or_refuse``) and nothing changes. Every move stamps the row's
``state_since`` (the lifecycle names the columns); a transition its lifecycle does not list is refused
before anything is written.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .lifecycle import Lifecycle
from .refusal import conflict

S = TypeVar("S")


def current(lifecycle: Lifecycle, row: Any) -> Any:
    return lifecycle.states(getattr(row, lifecycle.state_attribute))


def move(session: Session, lifecycle: Lifecycle, row: Any, target: Any, now: dt.datetime, *, expected: Any = None,
         **values: Any) -> bool:
    """Move ``row`` from ``expected`` (default: the state it was loaded in) to ``target`` and set ``values`` with
    it; False when another transaction moved it first. A row already in ``target`` only takes the values (it
    is not a transition: no check, no new time stamp)."""
    source = expected if expected is not None else current(lifecycle, row)
    if source == target == current(lifecycle, row):
        for name, value in values.items():
            setattr(row, name, value)
        return True
    lifecycle.check(source, target)
    model = type(row)
    changes = {lifecycle.state_attribute: target.value, lifecycle.since_attribute: now, **values}
    keys = [getattr(model, column.key) == getattr(row, column.key) for column in inspect(model).primary_key]
    statement = (update(model).where(*keys, getattr(model, lifecycle.state_attribute) == source.value)
                 .values(**changes).execution_options(synchronize_session=False))
    if session.execute(statement).rowcount != 1:
        return False
    for name, value in changes.items():
        set_committed_value(row, name, value)
    return True


def move_or_refuse(session: Session, lifecycle: Lifecycle, row: Any, target: Any, now: dt.datetime, *,
                   expected: Any = None, field: str = "id", **values: Any) -> None:
    """``move``, or ``Refused`` (409) naming the state the row is in now."""
    if not move(session, lifecycle, row, target, now, expected=expected, **values):
        session.refresh(row, [lifecycle.state_attribute])
        raise conflict("state.changed", f"it is {getattr(row, lifecycle.state_attribute)} now", field=field,
                       location="path")
