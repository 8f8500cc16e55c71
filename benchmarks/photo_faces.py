"""Intake's photo check against the Haar cascade it used before: in how many 4x6 photos built from the
team's LFW subset does each detector find the face?

    python benchmarks/photo_faces.py

The photos: the first picture of each of the 60 LFW identities (../shared/data/biometrics), set on a 4x6
red background the way launcher.journey builds an applicant's photo; once whole (some news photos show
bystanders at their edges) and once cut to their middle (as journey_bench does); and the 150 px news
photo as it is, without the 4x6 frame. A detector "finds the
face" when it counts at least one; "exactly one" is what the check accepts. The Haar cascade is OpenCV's
bundled frontal-face model, with the settings intake used until issue 17. Prints what it measured.
"""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from journey_bench import centre
from PIL import Image

from ektp_launcher.journey import passport_photo
from intake.rules.photo import count_faces

SHELF = Path(__file__).resolve().parents[2] / "shared" / "data" / "biometrics" / "faces" / "lfw_subset"


def haar_faces(rgb: np.ndarray) -> int:
    """The cascade as intake ran it: a 600 px tall copy, faces of at least 15 % of the shorter side, and
    boxes inside a bigger box ignored."""
    scale = min(1.0, 600 / rgb.shape[0])
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    side = max(24, int(min(grey.shape) * 0.15))
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    boxes = [tuple(int(v) for v in b) for b in cascade.detectMultiScale(grey, 1.1, 5, minSize=(side, side))]

    def inside(box, other):
        x, y, w, h = box
        ox, oy, ow, oh = other
        return ow * oh > w * h and ox <= x + w / 2 <= ox + ow and oy <= y + h / 2 <= oy + oh

    return sum(1 for b in boxes if not any(inside(b, o) for o in boxes if o != b))


def main() -> None:
    if not SHELF.is_dir():
        raise SystemExit(f"this benchmark needs the team's shelf at {SHELF}")
    folders = sorted(p for p in SHELF.iterdir() if p.is_dir())
    print(f"{len(folders)} LFW identities, picture _0001 of each, on a 400x600 red 4x6 photo")
    for variant in ("as-is", "whole", "middle"):
        counts = {"yunet (intake now)": [], "haar (intake before)": []}
        times = {name: [] for name in counts}
        for folder in folders:
            raw = (folder / f"{folder.name}_0001.jpg").read_bytes()
            photo = raw if variant == "as-is" else passport_photo(centre(raw) if variant == "middle" else raw)
            rgb = np.asarray(Image.open(io.BytesIO(photo)).convert("RGB"))
            for name, detect in (("yunet (intake now)", count_faces), ("haar (intake before)", haar_faces)):
                started = time.perf_counter()
                counts[name].append(detect(rgb))
                times[name].append((time.perf_counter() - started) * 1000)
        for name, found in counts.items():
            found = np.array(found)
            print(f"  {variant:6} picture, {name:20}: face found in {int((found >= 1).sum())}/{len(found)}, "
                  f"exactly one in {int((found == 1).sum())}/{len(found)}; median {np.median(times[name]):.1f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
