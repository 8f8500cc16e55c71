"""Faces: capture rules, the template every face model produces, and the rules' verdict on what a
model's detector found. The models themselves are `sface.py` (the default) and `dlib_face.py` (legacy).

A template records the model that made it; two templates are compared only when their models agree
(`same_model`), because one model's distances mean nothing in another's space.
"""
from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from .rejection import CaptureRejected, Reason

DESCRIPTOR_SIZE = 128
SFACE = "sface-2021dec"
DLIB = "dlib-resnet-v1"
_LEGACY_MAGIC = b"EKF1"  # dlib templates written before templates named their model
_MAGIC = b"EKF2"
_HEADER = struct.Struct(">4sHHh")  # magic, eye distance px, |yaw| x1000, roll x100 degrees


@dataclass(frozen=True)
class FacePolicy:
    """Capture rules. min_eye_distance_px follows the ISO/IEC 19794-5 token frontal image (60 px
    between the eye centres); yaw is the nose's sideways offset from the eyes' midpoint as a
    fraction of the eye distance (about 0.35 at 30 degrees of head turn); roll is the eye line's tilt."""

    min_eye_distance_px: float = 60.0
    max_yaw: float = 0.35
    max_roll_degrees: float = 25.0
    max_side_px: int = 1024
    # "reject": a second face at least half as large refuses the capture (the counter camera).
    # "nearest_centre": keep the face nearest the centre (web photos in public test sets).
    multiple_faces: Literal["reject", "nearest_centre"] = "reject"


@dataclass(frozen=True)
class FaceTemplate:
    """A face descriptor (float16 as stored, compared as float32), the model that made it, and the
    capture's measurements."""

    descriptor: np.ndarray = field(repr=False)
    eye_distance_px: float = 0.0
    yaw: float = 0.0
    roll_degrees: float = 0.0
    model: str = SFACE

    def to_bytes(self) -> bytes:
        model = self.model.encode("ascii")
        head = _HEADER.pack(_MAGIC, min(int(round(self.eye_distance_px)), 65535),
                            min(int(round(abs(self.yaw) * 1000)), 65535), int(round(self.roll_degrees * 100)))
        return head + bytes([len(model)]) + model + np.asarray(self.descriptor, dtype=">f2").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "FaceTemplate":
        magic = data[:4]
        if magic == _LEGACY_MAGIC:
            offset, model = _HEADER.size, DLIB
        elif magic == _MAGIC and len(data) > _HEADER.size:
            size = data[_HEADER.size]
            offset, model = _HEADER.size + 1 + size, data[_HEADER.size + 1:_HEADER.size + 1 + size].decode("ascii")
        else:
            raise ValueError("not a face template")
        if len(data) != offset + 2 * DESCRIPTOR_SIZE:
            raise ValueError("not a face template")
        _, eye, yaw, roll = _HEADER.unpack_from(data, 0)
        vec = np.frombuffer(data, dtype=">f2", offset=offset).astype(np.float16)
        return cls(vec, float(eye), yaw / 1000.0, roll / 100.0, model)

    @property
    def vector(self) -> np.ndarray:
        return self.descriptor.astype(np.float32)


class FaceModel(Protocol):
    """A face model: its id (stored with every template it makes) and its extraction."""

    id: str

    def extract(self, rgb: np.ndarray, policy: FacePolicy) -> FaceTemplate: ...


def same_model(a: FaceTemplate, b: FaceTemplate) -> None:
    if a.model != b.model:
        raise ValueError(f"a {a.model} face cannot be compared with a {b.model} face")


def distance(a: FaceTemplate, b: FaceTemplate) -> float:
    """Euclidean distance of the descriptors (smaller is more alike); both of one model."""
    same_model(a, b)
    return float(np.linalg.norm(a.vector - b.vector))


@dataclass(frozen=True)
class Measured:
    """A detected face in the picture's pixels, measured from its eyes and nose; `handle` is what the
    model needs to align it (dlib's shape, YuNet's row)."""

    eye_distance: float
    yaw: float
    roll_degrees: float
    centre_offset: float
    handle: object = field(repr=False)


def measure(right_eye: np.ndarray, left_eye: np.ndarray, nose: np.ndarray, centre: np.ndarray,
            picture_centre: np.ndarray, handle: object, scale: float = 1.0) -> Measured:
    """Points in the detector's pixels; `scale`: the detector's picture over the captured one."""
    eye_a, eye_b = (right_eye, left_eye) if right_eye[0] <= left_eye[0] else (left_eye, right_eye)
    axis = eye_b - eye_a
    eyes = float(np.hypot(*axis))
    unit = axis / max(eyes, 1e-6)
    yaw = float(np.dot(nose - (eye_a + eye_b) / 2, unit) / max(eyes, 1e-6))
    roll = float(np.degrees(np.arctan2(axis[1], axis[0])))
    return Measured(eyes / scale, yaw, roll, float(np.hypot(*(centre - picture_centre))), handle)


def judge(faces: Sequence[Measured], policy: FacePolicy) -> Measured:
    """The one face the capture rules accept, or CaptureRejected with every reason. Sizes are in the
    pixels of the picture as captured."""
    if not faces:
        raise CaptureRejected([Reason("face_not_found", "No face was found in the photo.")])
    if policy.multiple_faces == "nearest_centre":
        faces = [min(faces, key=lambda f: f.centre_offset)]
    # Faces under half the size of the largest are bystanders far behind; anyone closer counts.
    largest = max(f.eye_distance for f in faces)
    present = [f for f in faces if f.eye_distance >= 0.5 * largest]
    if len(present) > 1:
        raise CaptureRejected([Reason(
            "face_multiple", f"{len(present)} faces are in the photo; exactly one is required.")])
    if largest < policy.min_eye_distance_px:
        raise CaptureRejected([Reason(
            "face_too_small",
            f"The face is too small: {largest:.0f} px between the eyes, "
            f"{policy.min_eye_distance_px:.0f} px required.")])
    face = present[0]
    reasons = []
    if abs(face.yaw) > policy.max_yaw:
        reasons.append(Reason("face_turned", "The head is turned sideways; face the camera."))
    if abs(face.roll_degrees) > policy.max_roll_degrees:
        reasons.append(Reason("face_tilted", "The head is tilted; hold it upright."))
    if reasons:
        raise CaptureRejected(reasons)
    return face
