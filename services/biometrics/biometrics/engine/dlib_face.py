"""The legacy face model: dlib 20 (`dlib-bin` wheel) with the `face_recognition_models` files (HOG
frontal detector, the 5-point landmark model, the ResNet descriptor). Kept while stored dlib templates
are migrated to the default model (docs/biometrics.md, "Face models"); the 68-point model's training
data forbids commercial use, so only the 5-point one is loaded.
"""
from __future__ import annotations

import importlib.util
import os
import threading

import dlib
import numpy as np
from PIL import Image

from .face import DLIB, FacePolicy, FaceTemplate, judge, measure


def models_dir() -> str:
    # find_spec does not run the package's __init__, which imports pkg_resources.
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the face_recognition_models package is not installed")
    return os.path.join(list(spec.submodule_search_locations)[0], "models")


class DlibFaceModel:
    """Loads the models once (about 1 s). dlib objects are not documented as thread-safe, so calls
    are serialised by a lock; use processes to extract in parallel."""

    id = DLIB

    def __init__(self, models: str | None = None):
        folder = models or models_dir()
        self._detector = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(os.path.join(folder, "shape_predictor_5_face_landmarks.dat"))
        self._network = dlib.face_recognition_model_v1(
            os.path.join(folder, "dlib_face_recognition_resnet_model_v1.dat"))
        self._lock = threading.Lock()

    def extract(self, rgb: np.ndarray, policy: FacePolicy) -> FaceTemplate:
        h, w = rgb.shape[:2]
        scale = min(1.0, policy.max_side_px / max(h, w))
        if scale < 1.0:
            rgb = np.asarray(Image.fromarray(rgb).resize((round(w * scale), round(h * scale)), Image.BILINEAR))
        middle = np.array([rgb.shape[1] / 2, rgb.shape[0] / 2])
        # The HOG window is 80 px; small pictures need one upsampling to find faces of about 60 px.
        upsample = 1 if max(rgb.shape[:2]) <= 640 else 0
        with self._lock:
            faces = []
            for rect in self._detector(rgb, upsample):
                shape = self._landmarks(rgb, rect)
                pts = np.array([(shape.part(i).x, shape.part(i).y) for i in range(5)], dtype=np.float64)
                # 5-point model: 0-1 one eye's corners, 2-3 the other's, 4 the base of the nose.
                centre = np.array([(rect.left() + rect.right()) / 2, (rect.top() + rect.bottom()) / 2])
                faces.append(measure(pts[0:2].mean(0), pts[2:4].mean(0), pts[4], centre, middle, shape, scale))
            face = judge(faces, policy)
            # The mean of the aligned chip's descriptor and its mirror image's: measured on LFW it cuts
            # the EER from 2.5 % to 2.2 % for twice the descriptor time.
            chip = dlib.get_face_chip(rgb, face.handle, size=150, padding=0.25)
            pair = self._network.compute_face_descriptor([chip, np.ascontiguousarray(chip[:, ::-1])])
            descriptor = np.mean(np.asarray(pair, dtype=np.float32), axis=0)
        return FaceTemplate(descriptor.astype(np.float16), face.eye_distance, face.yaw, face.roll_degrees, DLIB)
