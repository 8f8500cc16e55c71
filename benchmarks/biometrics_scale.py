"""The 1:N scale table (part of `make bench`): IDENTIFY latency and throughput at 10k, 100k and 1M identities
(ten fingers and a face each), with 1 and 2 matcher shards, and memory per identity.

    OPENBLAS_NUM_THREADS=1 python benchmarks/biometrics_scale.py [--sizes 10000,100000,1000000] [--probes 12]

Not a test: it measures. Synthetic identities (biometrics/engine/synthetic.py): each draws its ten fingers
from a pool of 200 synthetic fingers per position, whose fingerprint-index signatures are computed once
(a million identities would otherwise cost a million cylinders to build), and its face from the Gaussian
of measured SFace descriptors (benchmarks/biometrics/face_descriptor_gaussian.npz). They cost what real
ones cost to search and say nothing about accuracy. Probes: 4 enrolled people captured again (ten
recaptured fingers and a stranger's face: the fingerprint index must find them) and new people.
With 2 shards every shard is its own process building its half of the gallery; IDENTIFY asks both at
once. Decisions per second: two clients sending IDENTIFY back to back for `--seconds`.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

import biometrics_capacity as capacity
import machine
import numpy as np

from biometrics.engine import Engine, FaceTemplate
from biometrics.engine.shards import LocalShard, ProcessShard, ShardedGallery, shard_of
from biometrics.engine.synthetic import FingerPool, recaptured, synthetic_finger

OUT = Path(__file__).resolve().parent / "biometrics"
FACE_MODEL = OUT / "face_descriptor_gaussian.npz"
MATES = 4


def faces(rng: np.random.Generator, n: int) -> np.ndarray:
    saved = np.load(FACE_MODEL)
    chol = np.linalg.cholesky(saved["cov"].astype(np.float64) + 1e-9 * np.eye(128))
    out = saved["mean"][None, :] + rng.standard_normal((n, 128)) @ chol.T
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float16)


def people(seed: int) -> tuple[dict, list]:
    """The enrolled mates (ten synthetic fingers each) and their recaptures, the same in every process."""
    rng = np.random.default_rng(seed)
    mates = {f"mate-{i}": {p: synthetic_finger(rng, p) for p in range(1, 11)} for i in range(MATES)}
    again = [(ref, [recaptured(r, rng) for r in records.values()]) for ref, records in mates.items()]
    return mates, again


def build(size: int, shard: int = 0, shards: int = 1, seed: int = 2026):
    """The gallery of one shard: its part of `size` synthetic identities and of the mates."""
    gallery = Engine().new_gallery()
    rng = np.random.default_rng(seed)
    pool = FingerPool(gallery, rng, per_position=200)
    vectors = faces(rng, size)
    mine = [i for i in range(size) if shard_of(f"syn-{i}", shards) == shard]

    def entries():
        for i in mine:
            records, signatures = pool.draw()
            yield f"syn-{i}", FaceTemplate(vectors[i]).to_bytes(), records, signatures

    gallery.add_many(entries())
    mates, _ = people(seed + 1)
    face = FaceTemplate(vectors[0]).to_bytes()
    for ref, records in mates.items():
        if shard_of(ref, shards) == shard:
            gallery.add_stored(ref, face, records)
    return gallery


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def probes(seed: int) -> list:
    rng = np.random.default_rng(seed + 99)
    stranger = FaceTemplate(faces(rng, 1)[0])
    _, again = people(seed + 1)
    new = [(None, [recaptured(synthetic_finger(rng, p), rng) for p in range(1, 11)]) for _ in range(MATES)]
    return [(ref, stranger, fingers) for ref, fingers in again + new]


def measure(gallery: ShardedGallery, size: int, rounds: int, seconds: float, seed: int = 2026) -> dict:
    wall, cpu, found = [], [], []
    probe_list = probes(seed)
    gallery.identify(*probe_list[0][1:])  # the first search sets up the face cohort and projections
    for r in range(rounds):
        for expected, face, fingers in probe_list:
            w, c = time.perf_counter(), time.process_time()
            result = gallery.identify(face, fingers)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
            if r == 0:
                found.append((expected, [x.reference_id for x in result]))
    done, stop = [0], time.perf_counter() + seconds

    def client():
        i = 0
        while time.perf_counter() < stop:
            _, face, fingers = probe_list[i % len(probe_list)]
            gallery.identify(face, fingers)
            done[0] += 1
            i += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"identities": size + MATES, "identify_p50_ms": round(1000 * statistics.median(wall)),
            "identify_p95_ms": round(1000 * float(np.percentile(wall, 95))),
            "cpu_ms_p50_this_process": round(1000 * statistics.median(cpu)),
            "decisions_per_s_two_clients": round(done[0] / (time.perf_counter() - started), 2),
            "mates_found": sum(e is not None and e in f[:1] for e, f in found),
            "mates": MATES, "false_candidates_for_new_people": sum(len(f) for e, f in found if e is None)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--shards", default="1,2")
    ap.add_argument("--rounds", type=int, default=2, help="times each of the 8 probes is searched")
    ap.add_argument("--seconds", type=float, default=10.0, help="how long two clients send IDENTIFY")
    args = ap.parse_args()
    print(machine.banner("biometrics 1:N scale"), flush=True)
    rows = []
    for size in map(int, args.sizes.split(",")):
        for shards in map(int, args.shards.split(",")):
            before = rss_mb()
            started = time.perf_counter()
            if shards == 1:
                local = build(size)
                gallery = ShardedGallery([LocalShard(local)])
                memory = {"index_bytes_per_identity": round(local.index_bytes / len(local)),
                          "rss_growth_mb": round(rss_mb() - before)}
            else:
                gallery = ShardedGallery([ProcessShard(functools.partial(build, size, i, shards))
                                          for i in range(shards)], retries=0)
                memory = {}
            len(gallery)  # waits for the shards to be built
            row = {"shards": shards, "build_s": round(time.perf_counter() - started, 1), **memory,
                   **measure(gallery, size, args.rounds, args.seconds)}
            if shards == 1:
                row["per_core_identify_per_s"] = round(1000 / max(row["cpu_ms_p50_this_process"], 1), 2)
            for shard in gallery.shards:
                if isinstance(shard, ProcessShard):
                    shard.stop()
            del gallery
            print(json.dumps(row), flush=True)
            rows.append(row)
    print("\n| identities | shards | IDENTIFY p50 | p95 | decisions/s (2 clients) | per-core IDENTIFY/s | index B/identity "
          "| mates found | false candidates |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['identities']:,} | {r['shards']} | {r['identify_p50_ms']} ms | {r['identify_p95_ms']} ms | "
              f"{r['decisions_per_s_two_clients']} | {r.get('per_core_identify_per_s', '')} | "
              f"{r.get('index_bytes_per_identity', '')} | {r['mates_found']}/{r['mates']} | "
              f"{r['false_candidates_for_new_people']} |")
    print(f"load average at end: {os.getloadavg()}")
    (OUT / "scale.json").write_text(json.dumps({"machine": machine.describe(), "rows": rows,
                                                "load_average_at_end": os.getloadavg()}, indent=1) + "\n")
    capacity.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
