"""Synthetic fingers for speed measurements and large-gallery tests: they cost the engine what real ones
cost and say nothing about accuracy (accuracy comes only from real images, `biometrics.evaluate`).

  * a synthetic finger: an ISO/IEC 19794-2 record with N(42, 10) minutiae (clipped to 15..90; LEADER
    finds a median of 42 on FVC), positions uniform in a 300 x 380 px ellipse, directions following a
    whorl-shaped orientation field plus noise, endings and bifurcations at random;
  * a recapture: the same finger pressed again, turned, shifted, a few minutiae lost and a few spurious.
"""
from __future__ import annotations

import numpy as np

from . import iso19794
from .finger import FingerTemplate


def synthetic_finger(rng: np.random.Generator, position: int) -> bytes:
    n = int(np.clip(round(rng.normal(42, 10)), 15, 90))
    r = np.sqrt(rng.random(n))
    phi = rng.random(n) * 2 * np.pi
    x, y = 200 + 150 * r * np.cos(phi), 220 + 190 * r * np.sin(phi)
    cx, cy = 200 + rng.normal(0, 30), 220 + rng.normal(0, 30)
    theta = np.arctan2(y - cy, x - cx) + np.pi / 2 + rng.normal(0, 0.25, n) + np.pi * rng.integers(0, 2, n)
    minutiae = np.column_stack([x, y, theta, rng.integers(1, 3, n), rng.integers(40, 101, n)])
    return iso19794.encode(iso19794.MinutiaeRecord(position, 60, 400, 440, 197, minutiae))


def recaptured(record: bytes, rng: np.random.Generator) -> FingerTemplate:
    t = FingerTemplate.from_bytes(record)
    m = t.minutiae[rng.random(t.count) > 0.15].copy()
    a = rng.normal(0, 0.15)
    c, s = np.cos(a), np.sin(a)
    xy = (m[:, :2] - 200) @ np.array([[c, -s], [s, c]]).T + 200 + rng.normal(0, 12, 2)
    m[:, :2] = xy + rng.normal(0, 2, xy.shape)
    m[:, 2] = m[:, 2] - a + rng.normal(0, 0.08, len(m))
    extra = FingerTemplate.from_bytes(synthetic_finger(rng, t.position)).minutiae[:4]
    m = np.vstack([m, extra])
    m[:, :2] = np.clip(m[:, :2], 0, 1000)
    return FingerTemplate(t.position, m, t.nfiq2, t.width, t.height)


class FingerPool:
    """Distractor identities made quickly: `per_position` synthetic fingers per position, their index
    signatures computed once, and each identity drawing one of them per position. Identities share
    fingers then (which only makes the index's job harder), but a million cost no million cylinders."""

    def __init__(self, gallery, rng: np.random.Generator, per_position: int = 100):
        self.rng = rng
        self.records = {p: [synthetic_finger(rng, p) for _ in range(per_position)] for p in range(1, 11)}
        self.signatures = np.stack([np.stack([gallery.finger_signatures([FingerTemplate.from_bytes(r)])[p - 1]
                                              for r in self.records[p]]) for p in range(1, 11)])
        self.per_position = per_position

    def draw(self) -> tuple[dict[int, bytes], np.ndarray]:
        """(ISO records by position, their index signatures (Gallery.finger_signatures)) of one distractor."""
        picks = self.rng.integers(self.per_position, size=10)
        return ({p: self.records[p][i] for p, i in zip(range(1, 11), picks)},
                self.signatures[np.arange(10), picks])
