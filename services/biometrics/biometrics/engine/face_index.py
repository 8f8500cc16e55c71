"""One face model's part of the 1:N gallery: its enrolled faces as a float32 matrix, searched exactly
with one matrix-vector product (about 4 ms per 100,000; from `coarse_from` faces on, screened on
principal axes first, still exactly: see search), cohort-normalised once the cohort is large enough
and the model has a cohort calibration. The Gallery keeps one per face model and takes the locks.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .calibration import ScoreCalibration
from .cohort import DEFAULT_K, FaceCohort
from .face import DESCRIPTOR_SIZE, FaceTemplate

COARSE_DIMS = 64
COARSE_CANDIDATES = 2000


class FaceIndex:
    def __init__(self, model: str, raw_calibration: ScoreCalibration, cohort_calibration: ScoreCalibration | None,
                 cohort_size: int, coarse_from: int):
        self.model = model
        self.raw_calibration = raw_calibration
        self.cohort_calibration = cohort_calibration
        self.cohort_size = cohort_size
        self.coarse_from = coarse_from
        self._faces = np.zeros((0, DESCRIPTOR_SIZE), np.float32)
        self._face_ids: list[str] = []
        self._row: dict[str, int] = {}
        self._spacing = np.zeros(0, np.float32)
        self._norms = np.zeros(0, np.float32)
        self._projection: np.ndarray | None = None
        self._coarse: np.ndarray | None = None
        self._coarse_norms = np.zeros(0, np.float32)
        self._cohort_rows = np.zeros(0, np.int64)
        self._cohort_dirty = True

    def __len__(self) -> int:
        return len(self._face_ids)

    def __contains__(self, reference_id: str) -> bool:
        return reference_id in self._row

    def vector(self, reference_id: str) -> np.ndarray:
        return self._faces[self._row[reference_id]].copy()

    def reference(self, row: int) -> str:
        return self._face_ids[row]

    def add(self, reference_id: str, vector: np.ndarray) -> None:
        """Append a face (the caller removed any earlier one of the reference)."""
        n = len(self._face_ids)
        if n == self._faces.shape[0]:
            grown = max(1024, 2 * n)
            self._faces = np.resize(self._faces, (grown, DESCRIPTOR_SIZE))
            self._spacing = np.resize(self._spacing, grown)
            self._norms = np.resize(self._norms, grown)
            if self._coarse is not None:
                self._coarse = np.resize(self._coarse, (grown, COARSE_DIMS))
                self._coarse_norms = np.resize(self._coarse_norms, grown)
        self._faces[n] = vector
        self._norms[n] = float(vector @ vector)
        if self._coarse is not None:
            self._coarse[n] = vector @ self._projection
            self._coarse_norms[n] = float(self._coarse[n] @ self._coarse[n])
        self._face_ids.append(reference_id)
        self._row[reference_id] = n
        if n < self.cohort_size:
            self._cohort_dirty = True
        else:
            self._spacing[n] = self._spacings(self._faces[n:n + 1], [reference_id])[0]

    def add_many(self, reference_ids: Sequence[str], vectors: np.ndarray) -> None:
        """Append many faces at once (a rebuild): as add, one by one until the cohort is full, then in blocks."""
        first = max(0, min(len(reference_ids), self.cohort_size - len(self._face_ids)))
        for reference_id, vector in zip(reference_ids[:first], vectors[:first]):
            self.add(reference_id, vector)
        ids, block = list(reference_ids[first:]), np.asarray(vectors[first:], np.float32)
        if not ids:
            return
        n, m = len(self._face_ids), len(ids)
        if n + m > self._faces.shape[0]:
            grown = max(1024, 2 * n, n + m)
            self._faces = np.resize(self._faces, (grown, DESCRIPTOR_SIZE))
            self._spacing = np.resize(self._spacing, grown)
            self._norms = np.resize(self._norms, grown)
            if self._coarse is not None:
                self._coarse = np.resize(self._coarse, (grown, COARSE_DIMS))
                self._coarse_norms = np.resize(self._coarse_norms, grown)
        self._faces[n:n + m] = block
        self._norms[n:n + m] = (block * block).sum(1)
        if self._coarse is not None:
            self._coarse[n:n + m] = block @ self._projection
            self._coarse_norms[n:n + m] = (self._coarse[n:n + m] ** 2).sum(1)
        self._face_ids.extend(ids)
        self._row.update(zip(ids, range(n, n + m)))
        self._spacing[n:n + m] = self._spacings(block, ids)

    def remove(self, reference_id: str) -> None:
        row = self._row.pop(reference_id, None)
        if row is None:
            return
        last = len(self._face_ids) - 1
        if row != last:  # move the last row into the hole
            moved = self._face_ids[last]
            self._faces[row] = self._faces[last]
            self._spacing[row] = self._spacing[last]
            self._norms[row] = self._norms[last]
            if self._coarse is not None:
                self._coarse[row] = self._coarse[last]
                self._coarse_norms[row] = self._coarse_norms[last]
            self._face_ids[row] = moved
            self._row[moved] = row
        self._face_ids.pop()
        self._cohort_dirty = True

    def cohort(self) -> FaceCohort:
        self.ready()
        rows = self._cohort_rows
        return FaceCohort(self._faces[rows].copy(), [self._face_ids[i] for i in rows])

    def _refresh_cohort(self) -> None:
        n = len(self._face_ids)
        self._cohort_rows = np.arange(min(n, self.cohort_size))
        self._spacing[:n] = self._spacings(self._faces[:n], self._face_ids) if n else []
        self._cohort_dirty = False

    def _cohort_usable(self) -> bool:
        return self.cohort_calibration is not None and self._cohort_rows.size >= DEFAULT_K + 2

    def _spacings(self, vectors: np.ndarray, own_ids: Sequence[str]) -> np.ndarray:
        """Mean distance of each vector to its k nearest cohort members other than itself."""
        cohort = self._faces[self._cohort_rows]
        k = DEFAULT_K
        if cohort.shape[0] < k + 2:
            return np.full(vectors.shape[0], np.nan, np.float32)
        cn = (cohort * cohort).sum(1)
        own = np.array([self._row.get(i, -1) for i in own_ids])
        out = np.empty(vectors.shape[0], np.float32)
        for start in range(0, vectors.shape[0], 4096):  # bounded memory for big rebuilds
            v = vectors[start:start + 4096]
            d = np.sqrt(np.maximum(cn[None, :] - 2.0 * (v @ cohort.T) + (v * v).sum(1)[:, None], 0.0))
            rows = own[start:start + 4096]
            inside = (rows >= 0) & (rows < cohort.shape[0])
            d[np.nonzero(inside)[0], rows[inside]] = np.inf
            out[start:start + 4096] = np.partition(d, k - 1, axis=1)[:, :k].mean(1)
        return out

    def _build_coarse(self) -> None:
        """Project every face onto its 64 main axes (PCA of up to 20,000 of them). Distances there
        are lower bounds of true distances, so a search can skip most rows and still be exact."""
        n = len(self._face_ids)
        sample = self._faces[:n:max(1, n // 20000)].astype(np.float64)
        _, vectors = np.linalg.eigh(np.cov(sample, rowvar=False))
        self._projection = np.ascontiguousarray(vectors[:, ::-1][:, :COARSE_DIMS], dtype=np.float32)
        self._coarse = np.zeros((self._faces.shape[0], COARSE_DIMS), np.float32)
        for start in range(0, n, 65536):
            end = min(n, start + 65536)
            self._coarse[start:end] = self._faces[start:end] @ self._projection
        self._coarse_norms = np.zeros(self._faces.shape[0], np.float32)
        self._coarse_norms[:n] = (self._coarse[:n] * self._coarse[:n]).sum(1)

    def ready(self) -> None:
        if self._cohort_dirty:
            self._refresh_cohort()
        if self._coarse is None and len(self._face_ids) >= self.coarse_from:
            self._build_coarse()

    def _probe_spacing(self, q: np.ndarray) -> tuple[float, dict[int, float]]:
        """The probe's mean distance to its k nearest cohort members, and for each of those members
        the mean without it: a candidate who is among them is not compared with itself."""
        cohort_d = np.sqrt(np.maximum(self._norms[self._cohort_rows] - 2.0 * (self._faces[self._cohort_rows] @ q)
                                      + float(q @ q), 0.0))
        k = DEFAULT_K
        nearest = np.argpartition(cohort_d, k)[:k + 1]
        nearest = nearest[np.argsort(cohort_d[nearest])]
        near_d = cohort_d[nearest]
        base = float(near_d[:k].mean())
        adjusted = {int(self._cohort_rows[row]): float(np.delete(near_d, i).mean())
                    for i, row in enumerate(nearest[:k])}
        return base, adjusted

    def search(self, face: FaceTemplate, k: int) -> tuple[np.ndarray, np.ndarray, bool]:
        """(rows, scores, normalised): every row's score, or in a large gallery at least the k best
        rows', exactly; scores are cohort-normalised distances when the cohort allows."""
        n = len(self._face_ids)
        q = face.vector
        normalised = self._cohort_usable()
        mu_probe, adjusted = self._probe_spacing(q) if normalised else (0.0, {})
        special = np.fromiter(adjusted, dtype=np.int64)

        def exact(rows: np.ndarray) -> np.ndarray:
            g = self._faces[rows]
            out = np.sqrt(np.maximum(self._norms[rows] - 2.0 * (g @ q) + float(q @ q), 0.0))
            if normalised:
                out -= 0.5 * (mu_probe + self._spacing[rows])
                for i in np.nonzero(np.isin(rows, special))[0]:
                    out[i] -= 0.5 * (adjusted[int(rows[i])] - mu_probe)
            return out

        if self._coarse is None or n <= 4 * COARSE_CANDIDATES:
            rows = np.arange(n)
            return rows, exact(rows), normalised
        qp = q @ self._projection
        bound = self._coarse[:n] @ qp
        bound *= -2.0
        bound += self._coarse_norms[:n]
        bound += float(qp @ qp)
        np.maximum(bound, 0.0, out=bound)
        np.sqrt(bound, out=bound)
        if normalised:
            bound -= 0.5 * self._spacing[:n]  # a lower bound of score + mu_probe / 2 for every row
        keep = max(COARSE_CANDIDATES, 20 * k)
        # About the `keep` best-bounded rows, by a cut read off every 64th bound (a full partition of a
        # million bounds costs more than the whole screened search).
        sample = bound[::64]
        cut = np.partition(sample, min(sample.size - 1, keep // 64))[min(sample.size - 1, keep // 64)]
        rows = np.union1d(np.flatnonzero(bound <= cut), special)
        scores = exact(rows)
        kth = np.partition(scores, k - 1)[k - 1] if k <= scores.size else np.inf
        # Any other row whose bound does not exceed the k-th exact score could still belong to the top k:
        # score those exactly too (a few, or in a crowded region many; never a guess).
        doubtful = np.setdiff1d(np.flatnonzero(bound - 0.5 * mu_probe <= kth), rows, assume_unique=True)
        if doubtful.size:
            rows, scores = np.concatenate([rows, doubtful]), np.concatenate([scores, exact(doubtful)])
        return rows, scores, normalised

    def search_faces(self, face: FaceTemplate, k: int) -> list[tuple[str, float]]:
        """The k nearest enrolled faces (reference id, distance; cohort-normalised once the gallery
        holds enough faces). A shortlist for review, never a decision."""
        self.ready()
        if not self._face_ids:
            return []
        rows, scores, _ = self.search(face, k)
        k = min(k, scores.size)
        top = np.argpartition(scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        top = top[np.argsort(scores[top])]
        return [(self._face_ids[rows[i]], float(scores[i])) for i in top]
