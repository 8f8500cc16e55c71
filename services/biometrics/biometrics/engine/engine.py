"""The engine's facade: what the biometrics service calls. Pure library code, no I/O but reading
the model files once.

Construction is cheap; the face and finger models load on first use (about 1 s and 2 s) and are
then shared. Extraction calls are serialised per model by a lock (the libraries are not documented
as thread-safe), matching is thread-safe, so one Engine per process is the intended use.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import picture
from .calibration import Calibration
from .cohort import FaceCohort
from .face import FaceExtractor, FacePolicy, FaceTemplate, distance
from .finger import FingerExtractor, FingerPolicy, FingerTemplate
from .fusion import fisher_log10
from .gallery import Gallery, SearchPolicy
from .matcher import Matcher, MccMatcher
from .rejection import CaptureRejected

FACE_RAW = "dlib-resnet-v1"
FACE_COHORT = "dlib-resnet-v1+cohort"


@dataclass(frozen=True)
class EngineSettings:
    face: FacePolicy = FacePolicy()
    finger: FingerPolicy = FingerPolicy()
    search: SearchPolicy = SearchPolicy()  # 1:N, including the target FPIR
    face_target_fmr: float = 1e-3  # 1:1 live face against the uploaded photo
    finger_target_fmr: float = 1e-4  # 1:1 fingerprint verification, all compared fingers fused


@dataclass(frozen=True)
class Decision:
    """score: the matcher's score (fingers: fused evidence in decades; face: distance, smaller is more
    alike); fmr: the calibrated chance that an impostor does as well; match: fmr <= the target."""

    score: float
    fmr: float
    match: bool
    method: str
    details: dict = field(default_factory=dict)


class Engine:
    def __init__(self, settings: EngineSettings = EngineSettings(), calibration: Calibration | None = None,
                 matcher: Matcher | None = None):
        self.settings = settings
        self.calibration = calibration or Calibration.load()
        self.matcher = matcher or MccMatcher()
        self._finger_cal = self.calibration[self.matcher.name]
        self._face_raw_cal = self.calibration[FACE_RAW]
        self._face_cohort_cal = self.calibration.matchers.get(FACE_COHORT)
        self._face: FaceExtractor | None = None
        self._finger: FingerExtractor | None = None
        self._load = threading.Lock()

    # -- extraction ---------------------------------------------------------------------------
    def _face_extractor(self) -> FaceExtractor:
        with self._load:
            if self._face is None:
                self._face = FaceExtractor(self.settings.face)
            return self._face

    def _finger_extractor(self) -> FingerExtractor:
        with self._load:
            if self._finger is None:
                self._finger = FingerExtractor(self.settings.finger)
            return self._finger

    def extract_face(self, image: bytes, policy: FacePolicy | None = None) -> FaceTemplate:
        """Raises CaptureRejected (codes face_not_found, face_multiple, face_too_small, face_turned,
        face_tilted, image_unreadable). policy: other capture rules for this image (default: the engine's)."""
        return self._face_extractor().extract(picture.decode(image, "RGB"), policy)

    def extract_finger(self, position: int, image: bytes, ppi: float = 500.0) -> FingerTemplate:
        """position: ISO finger code 1..10. Raises CaptureRejected (finger_blank, finger_too_few_minutiae,
        finger_low_quality, finger_position_invalid, image_unreadable)."""
        return self._finger_extractor().extract(position, picture.decode(image, "L", position), ppi)

    def extract_fingers(self, images: Mapping[int, bytes], ppi: float = 500.0) -> dict[int, FingerTemplate]:
        """All fingers of a capture; if any fails, one CaptureRejected lists every failed finger."""
        templates, reasons = {}, []
        for position, image in sorted(images.items()):
            try:
                templates[position] = self.extract_finger(position, image, ppi)
            except CaptureRejected as rejected:
                reasons.extend(rejected.reasons)
        if reasons:
            raise CaptureRejected(reasons)
        return templates

    # -- 1:1 ----------------------------------------------------------------------------------
    def verify_face(self, probe: FaceTemplate, reference: FaceTemplate, cohort: FaceCohort | None = None,
                    exclude: Sequence[str] = ()) -> Decision:
        """With a cohort of other people's faces (e.g. Gallery.face_cohort()) the distance is
        cohort-normalised, which evens out error rates between demographic groups."""
        target = self.settings.face_target_fmr
        if cohort is not None and self._face_cohort_cal is not None and cohort.usable_for(len(exclude)):
            score = cohort.normalised(probe.vector, reference.vector, exclude)
            cal, method = self._face_cohort_cal, FACE_COHORT
        else:
            score, cal, method = distance(probe, reference), self._face_raw_cal, FACE_RAW
        fmr = float(cal.fmr(score))
        return Decision(round(score, 5), fmr, fmr <= target, method,
                        {"threshold": round(cal.threshold(target), 5), "target_fmr": target})

    def verify_fingers(self, probe: Sequence[FingerTemplate], reference: Sequence[FingerTemplate]) -> Decision:
        """Fingers are paired by position; the per-finger false-match rates are fused (fusion.py)."""
        by_position = {f.position: f for f in reference}
        scores = {p.position: self.matcher.compare(p, by_position[p.position])
                  for p in probe if p.position in by_position}
        fmrs = [float(self._finger_cal.fmr(s)) for s in scores.values()]
        evidence = -fisher_log10(fmrs)
        fmr = 10.0 ** (-evidence) if scores else 1.0
        target = self.settings.finger_target_fmr
        return Decision(round(evidence, 3), fmr, bool(scores) and fmr <= target, self.matcher.name,
                        {"finger_scores": {p: round(s, 4) for p, s in sorted(scores.items())},
                         "target_fmr": target})

    # -- 1:N ----------------------------------------------------------------------------------
    def new_gallery(self) -> Gallery:
        return Gallery(self.matcher, self._finger_cal, self._face_raw_cal, self._face_cohort_cal,
                       self.settings.search)
