"""The card's portrait as an ISO/IEC 19794-5 token frontal image, derived from a capture's eye centres (no I/O).

Token geometry (ISO/IEC 19794-5, as ICAO 9303 uses it): for an image W wide, H = 4W/3 high, the eyes lie on a
horizontal line, their midpoint at (0.5 W, 0.6 W) from the top left and 0.25 W apart. The capture is rotated so
the eye line is level, scaled and cropped to that frame; what falls outside the capture is white.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

WIDTH = 480  # px: 20 mm of card photo box at 600 dpi
EYE_DISTANCE = 0.25  # of W
EYE_LINE = 0.6  # of W, from the top
BACKGROUND = (255, 255, 255)


def token_size(width: int = WIDTH) -> tuple[int, int]:
    return width, round(width * 4 / 3)


def token_image(rgb: np.ndarray, left_eye: np.ndarray, right_eye: np.ndarray, width: int = WIDTH) -> Image.Image:
    """`left_eye`, `right_eye`: (x, y) eye centres in the capture, left as seen in the picture."""
    size = token_size(width)
    axis = np.asarray(right_eye, float) - np.asarray(left_eye, float)
    scale = float(np.hypot(*axis)) / (EYE_DISTANCE * width)  # capture px per token px
    angle = float(np.arctan2(axis[1], axis[0]))
    cos, sin = scale * np.cos(angle), scale * np.sin(angle)
    mid_in = (np.asarray(left_eye, float) + np.asarray(right_eye, float)) / 2
    mid_out = np.array([0.5 * width, EYE_LINE * width])
    # PIL maps each output pixel (u, v) to the input (a u + b v + c, d u + e v + f).
    a, b, d, e = cos, -sin, sin, cos
    c = mid_in[0] - a * mid_out[0] - b * mid_out[1]
    f = mid_in[1] - d * mid_out[0] - e * mid_out[1]
    return Image.fromarray(rgb).transform(size, Image.Transform.AFFINE, (a, b, c, d, e, f),
                                          resample=Image.Resampling.BICUBIC, fillcolor=BACKGROUND)
