"""The per-recipient rate limit (rules/ratelimit.py), with plain values."""
from __future__ import annotations

import datetime as dt

import pytest

from notify.rules import ratelimit

T0 = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(("sent_minutes_ago", "limit", "allowed_in_minutes"), [
    ([], 1, None),
    ([10], 2, None),
    ([10, 20], 2, 40),
    ([10, 20, 50], 2, 40),
    ([61, 70], 2, None),
    ([5, 10, 15], 3, 45),
])
def test_the_rate_limit_waits_until_the_oldest_message_leaves_the_window(sent_minutes_ago, limit, allowed_in_minutes):
    sent = [T0 - dt.timedelta(minutes=m) for m in sent_minutes_ago]
    expected = None if allowed_in_minutes is None else T0 + dt.timedelta(minutes=allowed_in_minutes)
    assert ratelimit.next_allowed(sent, T0, limit, HOUR) == expected
