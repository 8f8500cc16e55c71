"""The in-memory 1:N gallery: enrolled faces and fingers, searched for duplicates.

Faces are a float32 matrix searched exactly with one matrix-vector product (about 4 ms per 100,000;
from `coarse_from` faces on, screened on principal axes first, still exactly: see _face_search).
Fingers are kept as their ISO/IEC 19794-2 bytes (about 300 B each) and turned into cylinders only
when a search reaches them, with the most recent kept in a bounded cache. A search compares the
probe's fingers with the face shortlist, and with everyone when the gallery is small enough that a
full fingerprint search fits in the time budget, so a person whose face fails is still found there.
The gallery holds reference ids only: never a NIK or a name.

Thread-safety: every method takes the gallery's lock, so one instance may be shared by threads,
but searches then run one at a time; scale out with processes or partitions (docs/biometrics.md).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .calibration import ScoreCalibration, fpir_from_target
from .cohort import DEFAULT_K, FaceCohort
from .face import FaceTemplate
from .finger import FingerTemplate
from .fusion import Evidence, is_hit, weigh
from .iso19794 import TemplateFormatError
from .matcher import Matcher

COARSE_DIMS = 64
# Index fingers and thumbs first: they are captured most reliably.
SCREEN_ORDER = (2, 7, 1, 6, 3, 8, 4, 9, 5, 10)
COARSE_CANDIDATES = 2000


@dataclass(frozen=True)
class Candidate:
    """A suspected duplicate. evidence is in decades: -log10 of the fused false-match rate."""

    reference_id: str
    evidence: float
    fingerprint_evidence: float
    fingers_compared: int
    finger_scores: dict[int, float] = field(default_factory=dict)
    face_distance: float | None = None

    @property
    def fmr(self) -> float:
        return 10.0 ** (-self.evidence)


@dataclass(frozen=True)
class SearchPolicy:
    shortlist: int = 50  # identities taken from the face search into fingerprint matching
    full_search_limit: int = 1000  # up to this many identities, every one is fingerprint-matched
    face_floor: float = 1e-3  # the most a face match can say, as a false-match rate
    finger_support_fmr: float = 1e-3  # fingerprints alone must reach this for a hit
    target_fpir: int = 30  # MOSIP style: round(-10 * log10(FPIR)); 30 is FPIR 0.001
    # Faces whose spacing normalises the others. The cohort calibration was measured with a cohort
    # of about 250 faces (the evaluation set); a much denser cohort shifts normalised distances,
    # so change this together with a recalibration.
    cohort_size: int = 250
    cache_size: int = 20000  # prepared fingers kept in memory
    screen_fingers: int = 4  # compare the rest only if one of these reaches screen_fmr
    screen_fmr: float = 1e-2
    coarse_from: int = 200_000  # faces from which a search first screens on 64-dimension projections


class Gallery:
    def __init__(self, matcher: Matcher, finger_calibration: ScoreCalibration,
                 face_raw_calibration: ScoreCalibration, face_cohort_calibration: ScoreCalibration | None,
                 policy: SearchPolicy = SearchPolicy()):
        self.matcher = matcher
        self.policy = policy
        self._finger_cal = finger_calibration
        self._face_raw_cal = face_raw_calibration
        self._face_cohort_cal = face_cohort_calibration
        self._lock = threading.RLock()
        self._fingers: dict[str, dict[int, bytes]] = {}
        self._faces = np.zeros((0, 128), np.float32)
        self._face_ids: list[str] = []
        self._row: dict[str, int] = {}
        self._spacing = np.zeros(0, np.float32)
        self._norms = np.zeros(0, np.float32)
        self._projection: np.ndarray | None = None
        self._coarse: np.ndarray | None = None
        self._coarse_norms = np.zeros(0, np.float32)
        self._cohort_rows = np.zeros(0, np.int64)
        self._cohort_dirty = True
        self._prepared: OrderedDict[tuple[str, int], object] = OrderedDict()

    # -- contents ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._fingers)

    def __contains__(self, reference_id: str) -> bool:
        return reference_id in self._fingers

    def add(self, reference_id: str, face: FaceTemplate | None, fingers: Iterable[FingerTemplate]) -> None:
        """Enrol (or replace) a reference. Idempotent: adding the same reference twice keeps one."""
        self.add_stored(reference_id, None if face is None else face.to_bytes(),
                        {f.position: f.to_bytes() for f in fingers})

    def add_stored(self, reference_id: str, face: bytes | None, fingers: Mapping[int, bytes]) -> None:
        """Enrol from stored templates (FaceTemplate bytes, ISO/IEC 19794-2 records by finger position)
        without decoding the fingers: the way to rebuild the gallery from the database at start."""
        for position, record in fingers.items():
            if not 1 <= position <= 10 or record[:8] != b"FMR\x00 20\x00":
                raise TemplateFormatError(f"finger {position}: not an ISO/IEC 19794-2:2005 record")
        vector = None if face is None else FaceTemplate.from_bytes(face).vector
        with self._lock:
            if reference_id in self._fingers:
                self.remove(reference_id)
            self._fingers[reference_id] = dict(fingers)
            if vector is not None:
                n = len(self._face_ids)
                if n == self._faces.shape[0]:
                    grown = max(1024, 2 * n)
                    self._faces = np.resize(self._faces, (grown, 128))
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
                if n < self.policy.cohort_size:
                    self._cohort_dirty = True
                else:
                    self._spacing[n] = self._spacings(self._faces[n:n + 1], [reference_id])[0]

    def remove(self, reference_id: str) -> None:
        with self._lock:
            fingers = self._fingers.pop(reference_id, None)
            for position in (fingers or {}):
                self._prepared.pop((reference_id, position), None)
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

    def face_cohort(self) -> FaceCohort:
        """Enrolled faces to normalise 1:1 face comparisons against (Engine.verify_face)."""
        with self._lock:
            self._ready()
            rows = self._cohort_rows
            return FaceCohort(self._faces[rows].copy(), [self._face_ids[i] for i in rows])

    # -- face ---------------------------------------------------------------------------------
    def _refresh_cohort(self) -> None:
        n = len(self._face_ids)
        self._cohort_rows = np.arange(min(n, self.policy.cohort_size))
        self._spacing[:n] = self._spacings(self._faces[:n], self._face_ids) if n else []
        self._cohort_dirty = False

    def _cohort_usable(self) -> bool:
        return self._face_cohort_cal is not None and self._cohort_rows.size >= DEFAULT_K + 2

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

    def _ready(self) -> None:
        if self._cohort_dirty:
            self._refresh_cohort()
        if self._coarse is None and len(self._face_ids) >= self.policy.coarse_from:
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

    def _face_search(self, face: FaceTemplate, k: int) -> tuple[np.ndarray, np.ndarray, bool]:
        """(rows, scores, normalised): every row's score, or in a large gallery at least the k best
        rows', exactly; scores are cohort-normalised distances when the cohort allows."""
        n = len(self._face_ids)
        q = face.vector
        if not self._cohort_usable():
            raw = np.sqrt(np.maximum(self._norms[:n] - 2.0 * (self._faces[:n] @ q) + float(q @ q), 0.0))
            return np.arange(n), raw, False
        mu_probe, adjusted = self._probe_spacing(q)
        special = np.fromiter(adjusted, dtype=np.int64)

        def exact(rows: np.ndarray) -> np.ndarray:
            g = self._faces[rows]
            out = np.sqrt(np.maximum(self._norms[rows] - 2.0 * (g @ q) + float(q @ q), 0.0))
            out -= 0.5 * (mu_probe + self._spacing[rows])
            for i in np.nonzero(np.isin(rows, special))[0]:
                out[i] -= 0.5 * (adjusted[int(rows[i])] - mu_probe)
            return out

        if self._coarse is None or n <= 4 * COARSE_CANDIDATES:
            rows = np.arange(n)
            return rows, exact(rows), True
        qp = q @ self._projection
        bound = self._coarse[:n] @ qp
        bound *= -2.0
        bound += self._coarse_norms[:n]
        bound += float(qp @ qp)
        np.maximum(bound, 0.0, out=bound)
        np.sqrt(bound, out=bound)
        bound -= 0.5 * self._spacing[:n]  # a lower bound of score + mu_probe / 2 for every row
        keep = max(COARSE_CANDIDATES, 20 * k)
        part = np.argpartition(bound, keep)
        rows = np.union1d(part[:keep], special)
        scores = exact(rows)
        kth = np.partition(scores, k - 1)[k - 1] if k <= scores.size else np.inf
        if bound[part[keep]] - 0.5 * mu_probe > kth:
            return rows, scores, True
        rows = np.arange(n)  # the bound could not vouch for the top k: search everything exactly
        return rows, exact(rows), True

    def search_faces(self, face: FaceTemplate, k: int) -> list[tuple[str, float]]:
        """The k nearest enrolled faces (reference id, distance; cohort-normalised once the gallery
        holds enough faces). A shortlist for review, never a decision."""
        with self._lock:
            self._ready()
            if not self._face_ids:
                return []
            rows, scores, _ = self._face_search(face, k)
            k = min(k, scores.size)
            top = np.argpartition(scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
            top = top[np.argsort(scores[top])]
            return [(self._face_ids[rows[i]], float(scores[i])) for i in top]

    # -- search -------------------------------------------------------------------------------
    def _prepare(self, reference_id: str, position: int, blob: bytes):
        key = (reference_id, position)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = self.matcher.prepare(FingerTemplate.from_bytes(blob))
            self._prepared[key] = prepared
            if len(self._prepared) > self.policy.cache_size:
                self._prepared.popitem(last=False)
        else:
            self._prepared.move_to_end(key)
        return prepared

    def _finger_scores(self, ref: str, probe: dict, stored: dict[int, bytes]) -> dict[int, float]:
        """Scores of the fingers both sides have, compared in SCREEN_ORDER. Sequential screening:
        when none of the first `screen_fingers` reaches `screen_fmr`, the rest are not compared.
        A true mate loses its first four fingers that way with probability about FNMR(1 %)^4,
        2e-9 with the FVC single-finger FNMR of 0.66 %, while most impostors stop there."""
        positions = [p for p in SCREEN_ORDER if p in probe and p in stored]
        policy, scores = self.policy, {}
        for i, p in enumerate(positions):
            weak = all(self._finger_cal.fmr(s) > policy.screen_fmr for s in scores.values())
            if i == policy.screen_fingers and weak:
                break
            scores[p] = self.matcher.compare_prepared(probe[p], self._prepare(ref, p, stored[p]))
        return scores

    def identify(self, face: FaceTemplate | None, fingers: Sequence[FingerTemplate],
                 target_fpir: int | None = None, exclude: Collection[str] = ()) -> list[Candidate]:
        """Suspected duplicates for adjudication, best first; empty when there is none.

        The target FPIR (MOSIP style, default the policy's) is shared over the enrolled identities,
        so each comparison must reach a false-match rate of FPIR / N."""
        fpir = fpir_from_target(self.policy.target_fpir if target_fpir is None else target_fpir)
        with self._lock:
            threshold_fmr = fpir / max(len(self._fingers), 1)
            self._ready()
            ids: set[str] = set()
            face_score: dict[str, float] = {}
            if face is not None and self._face_ids:
                rows, scores, normalised = self._face_search(face, self.policy.shortlist)
                face_cal = self._face_cohort_cal if normalised else self._face_raw_cal
                k = min(self.policy.shortlist, scores.size)
                order = np.argpartition(scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
                ids.update(self._face_ids[rows[i]] for i in order)
                face_score = {self._face_ids[r]: float(sc) for r, sc in zip(rows, scores)} if rows.size <= \
                    self.policy.full_search_limit else {self._face_ids[rows[i]]: float(scores[i]) for i in order}
            if len(self._fingers) <= self.policy.full_search_limit:
                ids.update(self._fingers)
            probe = {f.position: self.matcher.prepare(f) for f in fingers}
            hits = []
            for ref in ids.difference(exclude):
                stored = self._fingers[ref]
                distance = face_score.get(ref)
                face_fmr = None if distance is None else float(face_cal.fmr(distance))
                scores = self._finger_scores(ref, probe, stored)
                evidence: Evidence = weigh([float(self._finger_cal.fmr(s)) for s in scores.values()],
                                           face_fmr, self.policy.face_floor)
                if is_hit(evidence, threshold_fmr, self.policy.finger_support_fmr):
                    hits.append(Candidate(ref, evidence.combined, evidence.fingers, evidence.fingers_compared,
                                          {p: round(s, 4) for p, s in sorted(scores.items())},
                                          distance))
            return sorted(hits, key=lambda c: -c.evidence)
