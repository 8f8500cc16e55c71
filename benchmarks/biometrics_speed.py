"""Speed of the biometrics engine (part of `make bench`): prints what it measured and on what machine.

    python benchmarks/biometrics_speed.py [--identities 100000] [--faces 1000000]

Not a test: it asserts nothing, it measures. Real templates come from the engine's test fixtures
(services/biometrics/tests/fixtures, see NOTICE.md there). The synthetic galleries are made so that
they cost the engine what real ones would, not to say anything about accuracy:
  * synthetic fingers (biometrics/engine/synthetic.py): ISO/IEC 19794-2 records with N(42, 10) minutiae (clipped to 15..90; LEADER
    finds a median of 42 on FVC), positions uniform in a 300 x 380 px ellipse, directions following
    a whorl-shaped orientation field plus noise, endings and bifurcations at random;
  * synthetic faces: drawn from the Gaussian (mean and covariance) of the real descriptors that
    `python -m biometrics.evaluate` measured, saved as benchmarks/biometrics/face_descriptor_gaussian.npz
    (from the LFW subset of the team's test data); without that file, the fixture faces' mean plus
    isotropic noise (sd 0.05), which is less realistic and says so in the output.
A person in the 1:N gallery has ten fingers and a face. The probes are the fixture people captured
again (their mates are enrolled, and must be found) and new synthetic people (no hit expected).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import machine
import numpy as np

from biometrics.engine import Engine, FaceTemplate, FingerTemplate
from biometrics.engine.face import SFACE
from biometrics.engine.synthetic import recaptured, synthetic_finger

FIXTURES = Path(__file__).resolve().parent.parent / "services" / "biometrics" / "tests" / "fixtures"
FACE_MODEL = Path(__file__).resolve().parent / "biometrics" / "face_descriptor_gaussian.npz"


class FaceSource:
    """Synthetic faces of the engine's default model (SFace descriptors have unit length, so draws are
    scaled to it as the model scales its own)."""

    def __init__(self, fixture_faces: list[FaceTemplate], rng: np.random.Generator):
        self.rng = rng
        self.model = fixture_faces[0].model
        saved = np.load(FACE_MODEL) if FACE_MODEL.exists() else None
        if saved is not None and str(saved.get("model", "")) == self.model:
            self.mean, self.chol = saved["mean"].astype(np.float64), np.linalg.cholesky(
                saved["cov"].astype(np.float64) + 1e-9 * np.eye(128))
            self.kind = f"Gaussian of {int(saved['count'])} measured {self.model} descriptors ({FACE_MODEL.name})"
        else:
            self.mean, self.chol = np.mean([f.vector for f in fixture_faces], axis=0), 0.05 * np.eye(128)
            self.kind = f"fixture mean + isotropic noise sd 0.05 (no {self.model} face_descriptor_gaussian.npz)"

    def draw(self) -> bytes:
        v = self.mean + self.chol @ self.rng.standard_normal(128)
        if self.model == SFACE:
            v /= np.linalg.norm(v)
        return FaceTemplate(v.astype(np.float16), model=self.model).to_bytes()


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, (time.perf_counter() - start) * 1000


def timed_cpu(fn, *args):
    """Wall and CPU milliseconds: on a machine shared with other jobs the CPU time is what the
    engine itself spent, the wall time what a caller waited."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--identities", type=int, default=100_000)
    ap.add_argument("--faces", type=int, default=1_000_000)
    ap.add_argument("--seconds", type=float, default=5.0, help="how long to time 1:1 matching")
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    print(machine.banner("biometrics engine speed"), flush=True)
    report: dict = {"machine": {**machine.describe(), "glibc": platform.libc_ver()[1],
                                "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"),
                                "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}}
    engine = Engine()

    # -- extraction -------------------------------------------------------------------------
    fingers, faces, finger_ms, face_ms, face_cpu_ms = {}, {}, [], [], []
    for person in ("101", "102", "103"):
        for impression in (1, 2):
            pair = []
            for position, db in ((2, "fvc2000_db1"), (7, "fvc2002_db1")):
                data = (FIXTURES / "fingerprints" / f"{db}_{person}_{impression}.png").read_bytes()
                template, ms = timed(engine.extract_finger, position, data)
                finger_ms.append(ms)
                pair.append(template)
            fingers[(person, impression)] = pair
    for name in ("obama_1", "obama_2", "biden_1", "biden_2", "harington_1", "leslie_1"):
        faces[name], ms, cpu_ms = timed_cpu(engine.extract_face, (FIXTURES / "faces" / f"{name}.jpg").read_bytes())
        face_ms.append(ms)
        face_cpu_ms.append(cpu_ms)
    report["extract_ms_median"] = {"finger (LEADER + NFIQ 2)": round(statistics.median(finger_ms[2:]), 1),
                                   f"face ({engine.settings.face_model}: detect, align, descriptor)":
                                       round(statistics.median(face_ms[1:]), 1),
                                   "face, CPU time": round(statistics.median(face_cpu_ms[1:]), 1)}

    # -- 1:1 fingerprint matching per core -------------------------------------------------
    templates = [t for pair in fingers.values() for t in pair]
    templates += [FingerTemplate.from_bytes(synthetic_finger(rng, 1)) for _ in range(20)]
    prepared, prepare_ms = [], []
    for t in templates:
        p, ms = timed(engine.matcher.prepare, t)
        prepared.append(p)
        prepare_ms.append(ms)
    pairs = [(a, b) for i, a in enumerate(prepared) for b in prepared[i + 1:]]
    count, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < args.seconds:
        for a, b in pairs:
            engine.matcher.compare_prepared(a, b)
        count += len(pairs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    report["fingerprint_match"] = {"matches": count, "per_second_wall": round(count / wall),
                                   "per_cpu_second": round(count / cpu),
                                   "prepare_ms_median": round(statistics.median(prepare_ms), 2),
                                   "note": "compare of two prepared templates (cylinders built once per "
                                           "template, as the gallery keeps them); one thread"}

    # -- ten fingers + face IDENTIFY against N synthetic identities ------------------------
    synthetic = FaceSource(list(faces.values()), rng)
    report["synthetic_faces"] = synthetic.kind
    gallery = engine.new_gallery()
    start = time.perf_counter()
    base_records = {}
    for i in range(args.identities):
        records = {p: synthetic_finger(rng, p) for p in range(1, 11)}
        gallery.add_stored(f"syn-{i}", synthetic.draw(), records)
    # The fixture people: real fingers at positions 2 and 7, synthetic ones at the other eight.
    for person, face in (("101", "obama_1"), ("102", "biden_1")):
        records = {p: synthetic_finger(rng, p) for p in (1, 3, 4, 5, 6, 8, 9, 10)}
        base_records[person] = records
        records = {**records, **{t.position: t.to_bytes() for t in fingers[(person, 1)]}}
        gallery.add_stored(f"mate-{person}", faces[face].to_bytes(), records)
    build_s = time.perf_counter() - start
    _, first_ms = timed(gallery.search_faces, faces["leslie_1"], 1)  # cohort and index set up once
    probes = []
    for person, face in (("101", "obama_2"), ("102", "biden_2")):
        ten = [recaptured(r, rng) for r in base_records[person].values()] + fingers[(person, 2)]
        probes.append((f"mate-{person}", faces[face], ten))
    for _ in range(3):
        ten = [FingerTemplate.from_bytes(synthetic_finger(rng, p)) for p in range(1, 11)]
        probes.append((None, FaceTemplate.from_bytes(synthetic.draw()), ten))
    identify = []
    for expected, face, ten in probes:
        candidates, ms, cpu_ms = timed_cpu(gallery.identify, face, ten)
        identify.append({"ms": round(ms), "cpu_ms": round(cpu_ms), "expected": expected,
                         "found": [c.reference_id for c in candidates]})
    report["identify"] = {"identities": len(gallery), "fingers_per_identity": 10,
                          "gallery_build_s": round(build_s, 1), "first_search_setup_ms": round(first_ms),
                          "median_ms": round(statistics.median(i["ms"] for i in identify)),
                          "max_ms": max(i["ms"] for i in identify),
                          "median_cpu_ms": round(statistics.median(i["cpu_ms"] for i in identify)),
                          "probes": identify,
                          "shortlist": gallery.policy.shortlist}
    del gallery

    # -- face 1:N over many synthetic descriptors ------------------------------------------
    gallery = engine.new_gallery()
    start = time.perf_counter()
    for i in range(args.faces):
        gallery.add_stored(f"f-{i}", synthetic.draw(), {})
    for name in ("obama_1", "biden_1"):
        gallery.add_stored(f"real-{name}", faces[name].to_bytes(), {})
    build_s = time.perf_counter() - start
    _, setup_ms = timed(gallery.search_faces, faces["leslie_1"], 50)
    times, cpu_times, found = [], [], []
    queries = [faces["obama_2"], faces["biden_2"]] + [FaceTemplate.from_bytes(synthetic.draw())
                                                      for _ in range(48)]
    for q in queries:
        top, ms, cpu_ms = timed_cpu(gallery.search_faces, q, 50)
        times.append(ms)
        cpu_times.append(cpu_ms)
        found.append(top[0][0])
    report["face_search"] = {"faces": args.faces + 2, "k": 50, "queries": len(queries),
                             "median_ms": round(statistics.median(times), 1),
                             "p95_ms": round(float(np.percentile(times, 95)), 1),
                             "median_cpu_ms": round(statistics.median(cpu_times), 1),
                             "gallery_build_s": round(build_s, 1), "first_search_setup_ms": round(setup_ms),
                             "real_mates_ranked_first": found[:2] == ["real-obama_1", "real-biden_1"]}
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
