"""Decoding uploaded image bytes into pixel arrays, refusing what is not a usable picture."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .rejection import CaptureRejected, Reason

MAX_PIXELS = 40_000_000  # far above any camera or scanner at the counter; stops decompression bombs


def decode(data: bytes, mode: str, position: int | None = None) -> np.ndarray:
    """Pixels as uint8, mode "L" (grey, H x W) or "RGB" (H x W x 3), upright per EXIF orientation."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise CaptureRejected([Reason("image_too_large", "The image has too many pixels.", position)])
            img = ImageOps.exif_transpose(img)
            return np.asarray(img.convert(mode))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise CaptureRejected([Reason("image_unreadable", "The file is not a readable image.", position)]) from exc
