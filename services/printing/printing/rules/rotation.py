"""Which printers take cards: a printer whose status blocks printing, or that failed a job, is out of
rotation until it reports ready again; an operator can hold one out (no I/O)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from ..drivers.base import BLOCKING, Condition, PrinterStatus


@dataclasses.dataclass(frozen=True)
class Verdict:
    in_rotation: bool
    reason: str | None = None


@dataclasses.dataclass(frozen=True)
class Candidate:
    printer_id: str
    in_rotation: bool
    last_used_at: dt.datetime | None


def describe(conditions: Iterable[Condition]) -> str:
    return ",".join(sorted(str(condition) for condition in conditions)) or "not ready"


def judge(status: PrinterStatus, held_by_operator: bool, held_reason: str | None = None) -> Verdict:
    """Rotation after a status poll. An operator's hold wins; otherwise a printer is in rotation exactly
    when it is ready (a low ribbon is a warning, not a reason to stop)."""
    if held_by_operator:
        return Verdict(False, held_reason or "held by an operator")
    if status.ready:
        return Verdict(True)
    return Verdict(False, describe(status.conditions & BLOCKING or status.conditions))


def choose(candidates: Sequence[Candidate]) -> str | None:
    """The printer in rotation that has waited longest since its last card, so an office's printers
    share the work; None when no printer can take a card."""
    ready = [c for c in candidates if c.in_rotation]
    if not ready:
        return None
    never = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return min(ready, key=lambda c: (c.last_used_at or never, c.printer_id)).printer_id
