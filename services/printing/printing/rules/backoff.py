"""How long a print job waits before it is tried again (no I/O)."""
from __future__ import annotations


def delay(retries: int, first: float, cap: float) -> float:
    """Seconds before retry number `retries` (1 for the first): first, 2 x first, 4 x first, ... at most `cap`."""
    if retries < 1:
        raise ValueError("retries counts from 1")
    return min(cap, first * 2 ** min(retries - 1, 30))
