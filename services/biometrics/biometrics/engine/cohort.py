"""Cohort normalisation of face distances.

dlib's descriptors of some groups sit closer together than others (measured: at dlib's usual 0.6,
33 % false matches among East/Southeast-Asian faces against 1 % among the rest). A fixed distance
threshold is therefore a different error rate per group. Measuring each face against its k nearest
other people and scoring a pair by how much closer the two are than that local spacing
(d(a, b) - (mu_a + mu_b) / 2) makes the threshold mean the same thing in dense and sparse regions
(adaptive score normalisation, as in speaker and face verification). The cohort is people who are
neither of the two compared: in service, other enrolled citizens.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

DEFAULT_K = 10


class FaceCohort:
    def __init__(self, vectors: np.ndarray, ids: Sequence[str], k: int = DEFAULT_K):
        self.vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, 128)
        self.ids = np.asarray(list(ids), dtype=object)
        if self.ids.size != self.vectors.shape[0]:
            raise ValueError("one id per cohort vector")
        self.k = k
        self._norms = (self.vectors * self.vectors).sum(axis=1)

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def usable_for(self, excluded: int = 2) -> bool:
        return len(self) >= self.k + excluded

    def _distances(self, v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.float32)
        return np.sqrt(np.maximum(self._norms - 2.0 * (self.vectors @ v) + float(v @ v), 0.0))

    def spacing(self, v: np.ndarray, exclude: Collection[str] = ()) -> float:
        """Mean distance from v to its k nearest cohort members, leaving out the given people."""
        d = self._distances(v)
        if exclude:
            d[np.isin(self.ids, list(exclude))] = np.inf
        k = min(self.k, int(np.isfinite(d).sum()))
        if k == 0:
            raise ValueError("the cohort has no one left to compare with")
        return float(np.partition(d, k - 1)[:k].mean())

    def normalised(self, a: np.ndarray, b: np.ndarray, exclude: Collection[str] = ()) -> float:
        """Cohort-normalised distance of two descriptors (smaller is more alike, 0 is 'as close as
        their nearest other people')."""
        d = float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))
        return d - 0.5 * (self.spacing(a, exclude) + self.spacing(b, exclude))
