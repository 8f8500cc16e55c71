"""4x6 photo checks: ratio, size, exactly one face, background colour.

The background colour is configuration: `red` (what the online service asks) or `birth-year-parity`
(red for odd birth years, blue for even ones, as Dukcapil stated in 2025).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np
from PIL import Image, ImageOps

from ektp_shared.face_detection import detect_faces
from ektp_shared.identity.finding import Finding

RATIO = 4 / 6
RATIO_TOLERANCE = 0.05
MIN_WIDTH, MIN_HEIGHT = 400, 600
# In a 4x6 photo the face spans about half the width; smaller detections are background patterns.
_MIN_FACE_FRACTION = 0.10
# Share of border pixels that must have the required colour (hair or shoulders may touch the border).
_BACKGROUND_SHARE = 0.6


class BackgroundPolicy(StrEnum):
    RED = "red"
    BIRTH_YEAR_PARITY = "birth-year-parity"


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"
    WHITE = "white"
    OTHER = "other"

    @property
    def indonesian(self) -> str:
        return {"red": "merah", "blue": "biru", "white": "putih", "other": "warna lain"}[self.value]

    @property
    def english(self) -> str:
        return "another colour" if self is Colour.OTHER else self.value


@dataclass(frozen=True, slots=True)
class PhotoCheck:
    width: int | None
    height: int | None
    faces: int | None
    background: Colour | None
    errors: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def required_background(policy: BackgroundPolicy | str, birth_year: int | None = None) -> Colour:
    policy = BackgroundPolicy(policy)
    if policy is BackgroundPolicy.RED:
        return Colour.RED
    if birth_year is None:
        raise ValueError("the birth-year-parity policy needs the applicant's birth year")
    return Colour.RED if birth_year % 2 else Colour.BLUE


def check_photo(data: bytes, *, policy: BackgroundPolicy | str = BackgroundPolicy.RED,
                birth_year: int | None = None) -> PhotoCheck:
    """Every reason the photo does not meet the 4x6 rules (empty `errors` when it does)."""
    expected = required_background(policy, birth_year)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            # Phones store portrait photos sideways with an EXIF rotation; judge what the citizen sees.
            rgb = np.asarray(ImageOps.exif_transpose(opened).convert("RGB"))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return PhotoCheck(None, None, None, None, (_UNREADABLE,))
    height, width = rgb.shape[:2]
    errors = []
    if abs((width / height) / RATIO - 1) > RATIO_TOLERANCE:
        errors.append(_ratio(width, height))
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        errors.append(_too_small(width, height))
    faces = count_faces(rgb)
    if faces == 0:
        errors.append(_NO_FACE)
    elif faces > 1:
        errors.append(_many_faces(faces))
    background = background_colour(rgb)
    if background is not expected:
        errors.append(_background(expected, background))
    return PhotoCheck(width, height, faces, background, tuple(errors))


def count_faces(rgb: np.ndarray) -> int:
    """Faces YuNet finds (ektp_shared.face_detection), leaving out ones too small to be the subject."""
    side = min(rgb.shape[:2]) * _MIN_FACE_FRACTION
    return sum(1 for face in detect_faces(rgb) if face.box[2] >= side)


def background_colour(rgb: np.ndarray) -> Colour:
    """The colour most of the border shows: a strip along the top and along both sides of the upper half."""
    height, width = rgb.shape[:2]
    band_w, band_h = max(2, width // 16), max(2, height // 16)
    border = np.concatenate([
        rgb[:band_h].reshape(-1, 3),
        rgb[band_h:height // 2, :band_w].reshape(-1, 3),
        rgb[band_h:height // 2, -band_w:].reshape(-1, 3),
    ])
    hsv = cv2.cvtColor(border.reshape(-1, 1, 3), cv2.COLOR_RGB2HSV).reshape(-1, 3).astype(int)
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]  # OpenCV hue is 0–179
    vivid = (sat >= 90) & (val >= 60)
    shares = {
        Colour.RED: np.mean(vivid & ((hue <= 10) | (hue >= 170))),
        Colour.BLUE: np.mean(vivid & (hue >= 90) & (hue <= 130)),
        Colour.WHITE: np.mean((sat < 40) & (val >= 180)),
    }
    colour, share = max(shares.items(), key=lambda item: item[1])
    return colour if share >= _BACKGROUND_SHARE else Colour.OTHER


_UNREADABLE = Finding(
    "photo.unreadable",
    "Foto tidak dapat dibuka; unggah foto JPEG atau PNG.",
    "The photo cannot be opened; upload a JPEG or PNG photo.",
)
_NO_FACE = Finding(
    "photo.no_face",
    "Wajah tidak terlihat pada foto. Gunakan foto wajah menghadap ke depan.",
    "No face can be seen in the photo. Use a photo of your face, looking at the camera.",
)


def _ratio(width: int, height: int) -> Finding:
    return Finding(
        "photo.ratio",
        f"Perbandingan foto harus 4x6 (lebar:tinggi = 2:3); foto ini {width}×{height} piksel.",
        f"The photo must have a 4x6 ratio (width:height = 2:3); this one is {width}×{height} pixels.",
    )


def _too_small(width: int, height: int) -> Finding:
    return Finding(
        "photo.too_small",
        f"Foto minimal {MIN_WIDTH}×{MIN_HEIGHT} piksel; foto ini {width}×{height} piksel.",
        f"The photo must be at least {MIN_WIDTH}×{MIN_HEIGHT} pixels; this one is {width}×{height} pixels.",
    )


def _many_faces(faces: int) -> Finding:
    return Finding(
        "photo.multiple_faces",
        f"Foto harus berisi satu wajah saja; terlihat {faces} wajah.",
        f"The photo must show one face only; {faces} faces can be seen.",
    )


def _background(expected: Colour, found: Colour) -> Finding:
    return Finding(
        "photo.background",
        f"Latar belakang foto harus {expected.indonesian}; foto ini berlatar {found.indonesian}.",
        f"The photo background must be {expected.english}; this one is {found.english}.",
    )
