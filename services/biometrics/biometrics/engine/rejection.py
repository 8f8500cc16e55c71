"""Why a capture was refused: a stable code for machines and a sentence for the operator."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    position: int | None = None  # ISO finger position 1..10; None for the face


class CaptureRejected(Exception):
    """Raised by extraction when a capture must be retaken; `reasons` says which and why."""

    def __init__(self, reasons: list[Reason]):
        super().__init__("; ".join(r.message for r in reasons))
        self.reasons = list(reasons)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]
