"""When an interview is reminded, and where a missed one sends the case (no I/O)."""
from __future__ import annotations

import datetime as dt

from .states import CaseState


def reminder_due(starts_at: dt.datetime, booked_at: dt.datetime, now: dt.datetime, lead: dt.timedelta) -> bool:
    """Remind within `lead` of the start, once; an interview booked inside that window needs no reminder (the
    citizen was just told)."""
    return starts_at - lead <= now < starts_at and booked_at <= starts_at - lead


def slot_times(starts_at: dt.datetime, count: int, minutes: int) -> list[dt.datetime]:
    """An officer's availability from `starts_at`: `count` consecutive interview slots of `minutes` each."""
    return [starts_at + dt.timedelta(minutes=minutes * i) for i in range(count)]


def after_no_show(missed: int, max_no_shows: int) -> CaseState:
    """The officer schedules another interview, until the citizen has missed `max_no_shows`: then a supervisor."""
    return CaseState.SUPERVISOR_REVIEW if missed >= max_no_shows else CaseState.OPEN
