"""The per-recipient rate limit: at most `limit` messages to one address in any `window` (no I/O).

A message over the limit is not dropped; it waits until the oldest message in the window leaves it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def next_allowed(sent: Iterable[dt.datetime], now: dt.datetime, limit: int, window: dt.timedelta) -> dt.datetime | None:
    """None when one more message may go now; otherwise when it may."""
    if limit < 1:
        raise ValueError("the limit must allow at least one message")
    recent = sorted(moment for moment in sent if moment > now - window)
    if len(recent) < limit:
        return None
    return recent[len(recent) - limit] + window
