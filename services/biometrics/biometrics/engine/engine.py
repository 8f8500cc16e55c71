"""The engine's facade: what the biometrics service calls. Pure library code, no I/O but reading
the model files once.

Construction is cheap; the face and finger models load on first use (about 1 s and 2 s) and are
then shared. Faces are extracted with the default face model (`EngineSettings.face_model`) and, while
stored templates of older models are being migrated, with those too (`legacy_face_models`); every
face comparison is between two templates of one model, scored with that model's calibration. Extraction calls are serialised per model by a lock (the libraries are not documented
as thread-safe), matching is thread-safe, so one Engine per process is the intended use.
"""
from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ektp_shared.face_detection import detect_faces

from . import picture
from .calibration import Calibration
from .cohort import FaceCohort
from .dlib_face import DlibFaceModel
from .face import DLIB, SFACE, FaceModel, FacePolicy, FaceTemplate, distance, same_model
from .finger import FingerExtractor, FingerPolicy, FingerTemplate
from .fusion import fisher_log10
from .gallery import Gallery, SearchPolicy
from .matcher import Matcher, MccMatcher
from .portrait import token_image
from .rejection import CaptureRejected, Reason
from .sface import SFaceModel

FACE_MODELS: dict[str, type] = {SFACE: SFaceModel, DLIB: DlibFaceModel}
# Models whose distances are cohort-normalised (cohort.py). dlib needs it: its East/South-East Asian faces
# sit closer together. SFace's raw distances made no error on the evaluation's development part either way,
# and need no cohort of the right density, so its comparisons are scored raw.
COHORT_NORMALISED = frozenset({DLIB})


def cohort_method(model: str) -> str:
    """The calibration name of a face model's cohort-normalised distances (its raw ones: the model id)."""
    return f"{model}+cohort"


@dataclass(frozen=True)
class EngineSettings:
    face: FacePolicy = FacePolicy()
    finger: FingerPolicy = FingerPolicy()
    search: SearchPolicy = SearchPolicy()  # 1:N, including the target FPIR
    face_target_fmr: float = 1e-3  # 1:1 live face against the uploaded photo
    finger_target_fmr: float = 1e-4  # 1:1 fingerprint verification, all compared fingers fused
    face_model: str = SFACE  # every new face is extracted with it
    # Older models whose stored templates are still searched (until migrated): a capture is extracted
    # with them too, so it can be compared with references not yet migrated, each within its model.
    legacy_face_models: tuple[str, ...] = ()

    @property
    def face_models(self) -> tuple[str, ...]:
        return (self.face_model, *(m for m in self.legacy_face_models if m != self.face_model))


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
        for model in settings.face_models:
            if model not in FACE_MODELS:
                raise ValueError(f"unknown face model {model!r}; known: {', '.join(FACE_MODELS)}")
            self.calibration[model]  # noqa: B018 - fail at start, not at the first capture, when uncalibrated
        self._faces: dict[str, FaceModel] = {}
        self._finger: FingerExtractor | None = None
        self._load = threading.Lock()

    # -- extraction ---------------------------------------------------------------------------
    def face_model(self, model: str) -> FaceModel:
        with self._load:
            if model not in self._faces:
                self._faces[model] = FACE_MODELS[model]()
            return self._faces[model]

    def _finger_extractor(self) -> FingerExtractor:
        with self._load:
            if self._finger is None:
                self._finger = FingerExtractor(self.settings.finger)
            return self._finger

    def extract_face(self, image: bytes, policy: FacePolicy | None = None, model: str | None = None) -> FaceTemplate:
        """Raises CaptureRejected (codes face_not_found, face_multiple, face_too_small, face_turned,
        face_tilted, image_unreadable). policy: other capture rules for this image (default: the engine's);
        model: a face model id (default: the engine's default model)."""
        return self.face_model(model or self.settings.face_model).extract(
            picture.decode(image, "RGB"), policy or self.settings.face)

    def extract_faces(self, image: bytes, policy: FacePolicy | None = None) -> list[FaceTemplate]:
        """A template per face model in use, the default's first. The default model's capture rules
        decide (CaptureRejected); a legacy model that cannot find the face adds no template."""
        rgb = picture.decode(image, "RGB")
        policy = policy or self.settings.face
        templates = [self.face_model(self.settings.face_model).extract(rgb, policy)]
        for model in self.settings.face_models[1:]:
            try:
                templates.append(self.face_model(model).extract(rgb, policy))
            except CaptureRejected:
                pass
        return templates

    def portrait(self, image: bytes) -> bytes:
        """The card's token portrait (PNG) from a face capture: eyes level, 0.25 W apart, at 0.6 W from the top
        (ISO/IEC 19794-5). Raises CaptureRejected (face_not_found, image_unreadable)."""
        rgb = picture.decode(image, "RGB")
        faces = detect_faces(rgb)
        if not faces:
            raise CaptureRejected([Reason("face_not_found", "No face was found in the photo.")])
        middle = np.array([rgb.shape[1] / 2, rgb.shape[0] / 2])
        face = min(faces, key=lambda f: float(np.hypot(*(np.array(f.centre) - middle))))
        left, right = sorted((face.landmarks[0], face.landmarks[1]), key=lambda eye: eye[0])  # as seen
        out = io.BytesIO()
        token_image(rgb, left, right).save(out, "PNG")
        return out.getvalue()

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
        """Both templates must be of one model (ValueError otherwise). With a cohort of other people's
        faces of that model (e.g. Gallery.face_cohort(model)) the distance is cohort-normalised when
        the model has a cohort calibration, which evens out error rates between demographic groups."""
        same_model(probe, reference)
        target = self.settings.face_target_fmr
        cohort_cal = self.calibration.matchers.get(cohort_method(probe.model))
        if cohort is not None and cohort_cal is not None and cohort.usable_for(len(exclude)):
            score = cohort.normalised(probe.vector, reference.vector, exclude)
            cal, method = cohort_cal, cohort_method(probe.model)
        else:
            score, cal, method = distance(probe, reference), self.calibration[probe.model], probe.model
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
    def new_gallery(self, policy: SearchPolicy | None = None) -> Gallery:
        """An empty in-memory 1:N gallery keeping the faces of every model in use (policy: the engine's)."""
        faces = {m: (self.calibration[m], self.calibration.matchers.get(cohort_method(m)))
                 for m in self.settings.face_models}
        return Gallery(self.matcher, self._finger_cal, faces, policy or self.settings.search)
