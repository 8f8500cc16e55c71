"""Fusing the evidence of several fingers and the face.

Every comparison is first turned into its calibrated false-match rate p (the chance that an impostor
scores as well). Independent p-values combine by Fisher's method: -2 * sum(ln p) follows a chi-square
law with 2k degrees of freedom when all k comparisons are impostors, so the fused p is again a
false-match rate and one threshold serves any number of fingers. The face's p is floored, so that a
face match adds at most a bounded amount of evidence, and a hit also needs the fingerprints alone to
reach `finger_support_fmr`: the face narrows and supports, it never decides.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import chi2

TINY = 1e-300
LN10 = math.log(10.0)


def fisher_log10(p_values: Sequence[float]) -> float:
    """log10 of the fused p-value (<= 0)."""
    if not p_values:
        return 0.0
    x = -2.0 * sum(math.log(max(p, TINY)) for p in p_values)
    return float(chi2.logsf(x, 2 * len(p_values))) / LN10


@dataclass(frozen=True)
class Evidence:
    """Decades of evidence (-log10 p): 3 means an impostor would do this well once in 1000."""

    fingers: float
    combined: float
    fingers_compared: int
    face_fmr: float | None

    @property
    def fmr(self) -> float:
        return 10.0 ** (-self.combined)


def weigh(finger_fmrs: Sequence[float], face_fmr: float | None, face_floor: float) -> Evidence:
    fingers = -fisher_log10(finger_fmrs)
    everything = list(finger_fmrs) + ([max(face_fmr, face_floor)] if face_fmr is not None else [])
    return Evidence(fingers, -fisher_log10(everything), len(finger_fmrs), face_fmr)


def is_hit(evidence: Evidence, threshold_fmr: float, finger_support_fmr: float) -> bool:
    return (evidence.fingers_compared > 0
            and evidence.combined >= -math.log10(threshold_fmr)
            and evidence.fingers >= -math.log10(finger_support_fmr))
