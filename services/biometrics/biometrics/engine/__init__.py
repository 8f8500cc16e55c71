"""The biometrics engine: capture quality, templates, 1:1 verification and 1:N search.

Pure library code (no database, bus or HTTP); the service wires it. See docs/biometrics.md.
"""
from .calibration import Calibration, ScoreCalibration, fpir_from_target, target_from_fpir
from .cohort import FaceCohort
from .engine import Decision, Engine, EngineSettings
from .face import FacePolicy, FaceTemplate
from .finger import FingerPolicy, FingerTemplate
from .gallery import Candidate, Gallery, SearchPolicy
from .iso19794 import TemplateFormatError
from .matcher import Matcher, MccMatcher
from .rejection import CaptureRejected, Reason

__all__ = ["Calibration", "Candidate", "CaptureRejected", "Decision", "Engine", "EngineSettings", "FaceCohort",
           "FacePolicy", "FaceTemplate", "FingerPolicy", "FingerTemplate", "Gallery", "Matcher", "MccMatcher",
           "Reason", "ScoreCalibration", "SearchPolicy", "TemplateFormatError", "fpir_from_target",
           "target_from_fpir"]
