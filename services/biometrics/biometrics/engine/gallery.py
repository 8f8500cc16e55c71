"""The in-memory 1:N gallery: enrolled faces and fingers, searched for duplicates.

Faces are kept per face model (face_index.py): a reference enrolled before a model change has its old
model's template until it is migrated, and a probe is compared, model by model, only with templates of
the model it has a template of. Never across models.
Fingers are kept as their ISO/IEC 19794-2 bytes (about 300 B each) and turned into cylinders only
when a search reaches them, with the most recent kept in a bounded cache; every finger is also in the
fingerprint index (finger_index.py, MCC hashing), a fixed-length signature per finger.
A search fully matches the union of two independent candidate sources: the identities whose fingers
the index ranks highest (every enrolled finger takes part), and the face shortlist. Everyone is
matched when the gallery is small enough for a full search. The face never gates the fingerprints: a
person whose face fails is still found through the index.
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
from .cohort import FaceCohort
from .cylinders import CylinderShape
from .face import FaceTemplate
from .face_index import FaceIndex
from .finger import FingerTemplate
from .finger_index import FingerIndex, IndexShape
from .finger_index import signatures as index_signatures
from .fusion import Evidence, is_hit, weigh
from .iso19794 import TemplateFormatError
from .matcher import Matcher

# Index fingers and thumbs first: they are captured most reliably.
SCREEN_ORDER = (2, 7, 1, 6, 3, 8, 4, 9, 5, 10)


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
    finger_candidates: int = 100  # identities taken from the fingerprint index into full matching
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
    index: IndexShape = IndexShape()


def _many(face: FaceTemplate | Iterable[FaceTemplate] | None) -> list[FaceTemplate]:
    return [] if face is None else [face] if isinstance(face, FaceTemplate) else list(face)


class Gallery:
    def __init__(self, matcher: Matcher, finger_calibration: ScoreCalibration,
                 face_calibrations: Mapping[str, tuple[ScoreCalibration, ScoreCalibration | None]],
                 policy: SearchPolicy = SearchPolicy()):
        """face_calibrations: per face model kept, its raw-distance and (if any) cohort calibration; the
        first is the default model's. Stored templates of other models are ignored."""
        self.matcher = matcher
        self.policy = policy
        self._finger_cal = finger_calibration
        self._faces = {model: FaceIndex(model, raw, cohort, policy.cohort_size, policy.coarse_from)
                       for model, (raw, cohort) in face_calibrations.items()}
        self.default_face_model = next(iter(self._faces))
        self._lock = threading.RLock()
        self._fingers: dict[str, dict[int, bytes]] = {}
        self._prepared: OrderedDict[tuple[str, int], object] = OrderedDict()
        self._fingerprints = FingerIndex(policy.index)

    # -- contents ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._fingers)

    def __contains__(self, reference_id: str) -> bool:
        return reference_id in self._fingers

    def add(self, reference_id: str, face: FaceTemplate | Iterable[FaceTemplate] | None,
            fingers: Iterable[FingerTemplate]) -> None:
        """Enrol (or replace) a reference, with its face templates (one per model, or one, or none).
        Idempotent: adding the same reference twice keeps one."""
        self.add_stored(reference_id, [t.to_bytes() for t in _many(face)],
                        {f.position: f.to_bytes() for f in fingers})

    def add_stored(self, reference_id: str, face: bytes | Iterable[bytes] | None, fingers: Mapping[int, bytes],
                   signatures: np.ndarray | None = None) -> None:
        """Enrol from stored templates (FaceTemplate bytes, ISO/IEC 19794-2 records by finger position):
        the way to rebuild the gallery from the database at start. Each finger is decoded once for its
        index signature (about 1 ms), unless its `signatures` (finger_signatures) are given."""
        for position, record in fingers.items():
            if not 1 <= position <= 10 or record[:8] != b"FMR\x00 20\x00":
                raise TemplateFormatError(f"finger {position}: not an ISO/IEC 19794-2:2005 record")
        blobs = [] if face is None else [face] if isinstance(face, bytes) else list(face)
        templates = [FaceTemplate.from_bytes(blob) for blob in blobs]
        if signatures is None:
            signatures = self.finger_signatures(FingerTemplate.from_bytes(r) for r in fingers.values())
        with self._lock:
            if reference_id in self._fingers:
                self.remove(reference_id)
            self._fingers[reference_id] = dict(fingers)
            self._fingerprints.add(reference_id, signatures)
            for template in templates:
                index = self._faces.get(template.model)
                if index is not None:
                    index.add(reference_id, template.vector)

    def add_many(self, entries: Iterable[tuple[str, bytes | None, Mapping[int, bytes], np.ndarray]]) -> None:
        """Enrol many references not enrolled yet, in bulk (a rebuild, a benchmark's gallery): each entry is
        (reference id, one face template's bytes or None, ISO records by position, finger_signatures)."""
        refs, records, sigs, faces = [], [], [], {}
        for reference_id, face, fingers, signatures in entries:
            for position, record in fingers.items():
                if not 1 <= position <= 10 or record[:8] != b"FMR\x00 20\x00":
                    raise TemplateFormatError(f"finger {position}: not an ISO/IEC 19794-2:2005 record")
            refs.append(reference_id)
            records.append(dict(fingers))
            sigs.append(signatures)
            if face is not None:
                template = FaceTemplate.from_bytes(face)
                faces.setdefault(template.model, ([], []))
                faces[template.model][0].append(reference_id)
                faces[template.model][1].append(template.vector)
        with self._lock:
            if any(ref in self._fingers for ref in refs) or len(set(refs)) != len(refs):
                raise ValueError("add_many enrols new references only; use add_stored to replace one")
            self._fingers.update(zip(refs, records))
            self._fingerprints.add_many(refs, np.stack(sigs) if sigs else np.zeros((0, 10, self.policy.index.words), np.uint64))
            for model, (ids, vectors) in faces.items():
                if model in self._faces:
                    self._faces[model].add_many(ids, np.stack(vectors).astype(np.float32))

    def export(self, reference_id: str) -> tuple[list[bytes], dict[int, bytes], np.ndarray]:
        """A reference's face templates, ISO records and index signatures, to move it to another shard."""
        with self._lock:
            faces = [FaceTemplate(index.vector(reference_id), model=model).to_bytes()
                     for model, index in self._faces.items() if reference_id in index]
            return faces, dict(self._fingers[reference_id]), self._fingerprints.signatures(reference_id)

    def references(self) -> list[str]:
        with self._lock:
            return list(self._fingers)

    def remove(self, reference_id: str) -> None:
        with self._lock:
            fingers = self._fingers.pop(reference_id, None)
            for position in (fingers or {}):
                self._prepared.pop((reference_id, position), None)
            self._fingerprints.remove(reference_id)
            for index in self._faces.values():
                index.remove(reference_id)

    def finger_signatures(self, fingers: Iterable[FingerTemplate]) -> np.ndarray:
        """The fingerprint index's signatures of a person's fingers, (10, words) by ISO position - 1."""
        shape = getattr(self.matcher, "shape", None) or CylinderShape()
        return index_signatures(((f.position, f.cylinders(shape)) for f in fingers), self.policy.index, shape)

    @property
    def index_bytes(self) -> int:
        """Memory held by the fingerprint index."""
        return self._fingerprints.nbytes

    def finger_rank(self, fingers: Sequence[FingerTemplate], reference_id: str) -> int:
        """Where the fingerprint index ranks an enrolled reference for these fingers (1 = first)."""
        with self._lock:
            return self._fingerprints.rank(self.finger_signatures(fingers), reference_id)

    def faces(self, model: str | None = None) -> int:
        """How many references have a face of this model (default: the default model)."""
        with self._lock:
            return len(self._index(model))

    def face_cohort(self, model: str | None = None) -> FaceCohort:
        """Enrolled faces of a model to normalise 1:1 comparisons against (Engine.verify_face)."""
        with self._lock:
            return self._index(model).cohort()

    def _index(self, model: str | None) -> FaceIndex:
        model = model or self.default_face_model
        try:
            return self._faces[model]
        except KeyError:
            raise ValueError(f"this gallery keeps no {model} faces") from None

    def search_faces(self, face: FaceTemplate, k: int) -> list[tuple[str, float]]:
        """The k nearest enrolled faces of the face's model (reference id, distance; cohort-normalised
        once the gallery holds enough faces). A shortlist for review, never a decision."""
        with self._lock:
            return self._index(face.model).search_faces(face, k)

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

    def identify(self, face: FaceTemplate | Sequence[FaceTemplate] | None, fingers: Sequence[FingerTemplate],
                 target_fpir: int | None = None, exclude: Collection[str] = (),
                 only: Collection[str] | None = None, population: int | None = None) -> list[Candidate]:
        """Suspected duplicates for adjudication, best first; empty when there is none. `only`: compare with
        just these references (a re-check against those enrolled during a search), fully.

        The target FPIR (MOSIP style, default the policy's) is shared over the enrolled identities (N:
        `population`, all shards' when this gallery is one; default its own), so each comparison must
        reach a false-match rate of FPIR / N."""
        fpir = fpir_from_target(self.policy.target_fpir if target_fpir is None else target_fpir)
        with self._lock:
            threshold_fmr = fpir / max(population or len(self._fingers), 1)
            ids: set[str] = set()
            # Per reference, the face evidence of the first model (the probe's default first) both have.
            face_score: dict[str, tuple[float, ScoreCalibration]] = {}
            for probe_face in _many(face):
                index = self._faces.get(probe_face.model)
                if index is None or not len(index):
                    continue
                index.ready()
                rows, scores, normalised = index.search(probe_face, self.policy.shortlist)
                face_cal = index.cohort_calibration if normalised else index.raw_calibration
                k = min(self.policy.shortlist, scores.size)
                order = np.argpartition(scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
                ids.update(index.reference(rows[i]) for i in order)
                scored = zip(rows, scores) if rows.size <= self.policy.full_search_limit else \
                    ((rows[i], scores[i]) for i in order)
                for row, score in scored:
                    face_score.setdefault(index.reference(row), (float(score), face_cal))
            if only is not None:
                ids = {ref for ref in only if ref in self._fingers}
            elif len(self._fingers) <= self.policy.full_search_limit:
                ids.update(self._fingers)
            else:
                ids.update(self._fingerprints.candidates(self.finger_signatures(fingers), self.policy.finger_candidates,
                                                  exclude))
            probe = {f.position: self.matcher.prepare(f) for f in fingers}
            hits = []
            for ref in ids.difference(exclude):
                stored = self._fingers[ref]
                distance, face_cal = face_score.get(ref, (None, None))
                face_fmr = None if distance is None else float(face_cal.fmr(distance))
                scores = self._finger_scores(ref, probe, stored)
                evidence: Evidence = weigh([float(self._finger_cal.fmr(s)) for s in scores.values()],
                                           face_fmr, self.policy.face_floor)
                if is_hit(evidence, threshold_fmr, self.policy.finger_support_fmr):
                    hits.append(Candidate(ref, evidence.combined, evidence.fingers, evidence.fingers_compared,
                                          {p: round(s, 4) for p, s in sorted(scores.items())},
                                          distance))
            return sorted(hits, key=lambda c: -c.evidence)
