"""``make samples``: the files the README's curl walk-through sends — a sample applicant (a fresh, valid NIK
every time), scans of the KK and birth certificate, the 4x6 photo, the face and two fingers for the capture.
Faces and fingers come from the test fixtures (public test images, never shipped)."""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from .journey import any_sample_person, passport_photo, scanned_document


def write(folder: Path, rng: random.Random) -> dict:
    person = any_sample_person(rng)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"application.json": json.dumps(person.application, indent=2).encode(),
             "kk.jpg": scanned_document("KARTU KELUARGA"), "akta_kelahiran.jpg": scanned_document("KUTIPAN AKTA KELAHIRAN"),
             "photo.jpg": passport_photo(person.face), "face.jpg": person.face,
             **{f"finger_{position}.png": image for position, image in person.fingers.items()}}
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return person.application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="var/samples", type=Path)
    args = parser.parse_args()
    application = write(args.folder, random.Random())
    print(f"wrote {args.folder}/: application.json (NIK {application['applicant']['nik']}), kk.jpg, akta_kelahiran.jpg, "
          "photo.jpg, face.jpg, finger_1.png, finger_2.png")


if __name__ == "__main__":
    main()
