"""Error rates from genuine and impostor scores (ISO/IEC 19795-1 terms), higher score = more alike."""
from __future__ import annotations

import numpy as np

FMR_LEVELS = ("0.01", "0.001", "0.0001")


def det_curve(genuine: np.ndarray, impostor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, fmr, fnmr) for accepting scores >= threshold, at every distinct score."""
    g, i = np.sort(np.asarray(genuine, float)), np.sort(np.asarray(impostor, float))
    thresholds = np.unique(np.concatenate([g, i, [np.inf]]))
    fnmr = np.searchsorted(g, thresholds, side="left") / max(g.size, 1)
    fmr = 1.0 - np.searchsorted(i, thresholds, side="left") / max(i.size, 1)
    return thresholds, fmr, fnmr


def eer(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """Equal error rate: where FMR and FNMR cross, interpolated between the two nearest thresholds."""
    _, fmr, fnmr = det_curve(genuine, impostor)
    diff = fmr - fnmr  # falls from positive to negative as the threshold rises
    k = int(np.argmax(diff <= 0))
    if k == 0:
        return float((fmr[0] + fnmr[0]) / 2)
    d0, d1 = diff[k - 1], diff[k]
    w = d0 / (d0 - d1) if d0 != d1 else 0.5
    return float(fmr[k - 1] + w * (fmr[k] - fmr[k - 1]))


def threshold_at_fmr(impostor: np.ndarray, target: float) -> float | None:
    """The lowest threshold whose measured FMR is <= target, or None when fewer than 1/target
    impostor comparisons were made (the rate cannot be resolved)."""
    i = np.sort(np.asarray(impostor, float))
    if i.size < round(1.0 / target):
        return None
    allowed = int(np.floor(target * i.size))  # impostors that may score at or above the threshold
    return float(np.nextafter(i[i.size - allowed - 1], np.inf))


def fnmr_at_fmr(genuine: np.ndarray, impostor: np.ndarray, target: float) -> float | None:
    t = threshold_at_fmr(impostor, target)
    return None if t is None else float(np.mean(np.asarray(genuine, float) < t))


def summary(genuine: np.ndarray, impostor: np.ndarray) -> dict:
    g, i = np.asarray(genuine, float), np.asarray(impostor, float)
    out = {"genuine": int(g.size), "impostor": int(i.size), "eer": round(eer(g, i), 5) if g.size and i.size else None,
           "fnmr_at_fmr": {}, "thresholds": {}}
    for level in FMR_LEVELS:
        f = float(level)
        t = threshold_at_fmr(i, f) if i.size else None
        out["fnmr_at_fmr"][level] = None if t is None else round(float(np.mean(g < t)), 5)
        out["thresholds"][level] = None if t is None else round(t, 6)
    return out
