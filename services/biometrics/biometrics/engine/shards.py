"""A partitioned 1:N gallery: N matcher shards, each owning the references whose id hashes to it, searched
in parallel and their candidates merged.

Every shard is a Gallery (fingerprint index, face index, full matching) holding only its partition, in
its own process (ProcessShard) or, for tests and small deployments, in this one (LocalShard). IDENTIFY
asks every shard at once with the population N of all shards, so each applies the same threshold
FPIR / N as one gallery would, and merges their candidates by evidence. A shard that does not answer
is waited for and asked again (`retries`, `retry_seconds`); if it still does not, the search raises
ShardUnavailable: it never answers "no duplicate" from the shards that did (a partial search would
enrol a duplicate). Adding a shard rebalances: the references whose hash now names the new shard move
to it, and no other moves. Whoever owns the shards restarts one that is down (the service's
partitions.py does, reloading its partition from the database); this module never does: a restarted
process is empty unless its factory rebuilds the partition.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .cohort import FaceCohort
from .face import FaceTemplate
from .finger import FingerTemplate
from .gallery import Candidate, Gallery, SearchPolicy


class ShardUnavailable(RuntimeError):
    """A shard did not answer: the search is incomplete and must be retried, never taken as no duplicate."""


def shard_of(reference_id: str, shards: int) -> int:
    """Which of `shards` partitions owns a reference: a hash of its id, the same in every process."""
    return int.from_bytes(hashlib.sha256(reference_id.encode()).digest()[:8], "big") % shards


class LocalShard:
    """A partition held in this process."""

    def __init__(self, gallery: Gallery):
        self.gallery = gallery

    def call(self, method: str, *args, **kwargs):
        return getattr(self.gallery, method)(*args, **kwargs)

    def size(self) -> int:
        return len(self.gallery)


def _serve(factory: Callable[[], Gallery], connection) -> None:
    gallery = factory()
    while True:
        try:
            method, args, kwargs = connection.recv()
        except EOFError:
            return
        try:
            connection.send((True, len(gallery) if method == "__len__" else getattr(gallery, method)(*args, **kwargs)))
        except Exception as exc:  # the caller re-raises it
            connection.send((False, exc))


def default_gallery() -> Gallery:
    """An empty gallery of the default engine (a ProcessShard's factory)."""
    from .engine import Engine

    return Engine().new_gallery()


class ProcessShard:
    """A partition held by its own process (spawned, so it shares nothing with this one): requests and
    answers go over a pipe, one at a time. `factory` builds its empty Gallery (importable, e.g.
    functools.partial(Engine.new_gallery, Engine()))."""

    def __init__(self, factory: Callable[[], Gallery] = default_gallery):
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(factory, child), daemon=True)
        self.process.start()
        # Only the child may hold its end: a child that dies mid-request then ends the pipe, and the
        # waiting call sees it (instead of waiting for an answer that never comes).
        child.close()
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self.process.is_alive()

    def call(self, method: str, *args, **kwargs):
        with self._lock:
            try:
                if not self.process.is_alive():
                    raise ShardUnavailable("the shard's process is not running")
                self._connection.send((method, args, kwargs))
                ok, value = self._connection.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                raise ShardUnavailable("the shard's process went away") from exc
        if not ok:
            raise value
        return value

    def size(self) -> int:
        return self.call("__len__")

    def stop(self) -> None:
        self._connection.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()


class ShardedGallery:
    def __init__(self, shards: Sequence[LocalShard | ProcessShard], retries: int = 3, retry_seconds: float = 2.0,
                 policy: SearchPolicy = SearchPolicy()):
        """policy: the shards' own (the face cohort is cut to its size)."""
        self.shards = list(shards)
        self.retries = retries
        self.retry_seconds = retry_seconds
        self.policy = policy
        self._pool = ThreadPoolExecutor(max_workers=max(2, len(self.shards)))

    def owner(self, reference_id: str) -> LocalShard | ProcessShard:
        return self.shards[shard_of(reference_id, len(self.shards))]

    def __len__(self) -> int:
        return sum(self._ask(lambda shard: shard.size()))

    def __contains__(self, reference_id: str) -> bool:
        return self.owner(reference_id).call("__contains__", reference_id)

    def faces(self, model: str | None = None) -> int:
        """How many references have a face of this model, over all shards."""
        return sum(self._ask(lambda shard: shard.call("faces", model)))

    def face_cohort(self, model: str | None = None) -> FaceCohort:
        """Enrolled faces to normalise 1:1 comparisons: the shards' cohorts in turn, cut to the size one
        gallery's has (a denser cohort would shift the normalised distances its calibration measured)."""
        parts = self._ask(lambda shard: shard.call("face_cohort", model))
        size = self.policy.cohort_size
        return FaceCohort(np.concatenate([part.vectors for part in parts])[:size],
                          [i for part in parts for i in part.ids][:size])

    def add_stored(self, reference_id: str, face: bytes | Iterable[bytes] | None, fingers: Mapping[int, bytes],
                   signatures: np.ndarray | None = None) -> None:
        face = face if face is None or isinstance(face, bytes) else list(face)
        self.owner(reference_id).call("add_stored", reference_id, face, dict(fingers), signatures)

    def add_many(self, entries: Iterable[tuple[str, bytes | None, Mapping[int, bytes], np.ndarray]]) -> None:
        parts: list[list] = [[] for _ in self.shards]
        for entry in entries:
            parts[shard_of(entry[0], len(self.shards))].append(entry)
        list(self._pool.map(lambda pair: pair[0].call("add_many", pair[1]), zip(self.shards, parts)))

    def remove(self, reference_id: str) -> None:
        self.owner(reference_id).call("remove", reference_id)

    def identify(self, face: FaceTemplate | Sequence[FaceTemplate] | None, fingers: Sequence[FingerTemplate],
                 target_fpir: int | None = None, exclude: Iterable[str] = (),
                 only: Iterable[str] | None = None) -> list[Candidate]:
        """Every shard's candidates, best first; ShardUnavailable when a shard cannot be searched. `only`: as
        Gallery.identify (each shard compares those of them it holds)."""
        exclude = set(exclude)
        only = None if only is None else set(only)
        population = len(self)
        found = self._ask(lambda shard: shard.call("identify", face, list(fingers), target_fpir=target_fpir,
                                                   exclude=exclude, only=only, population=population))
        return sorted((c for part in found for c in part), key=lambda c: -c.evidence)

    def _ask(self, request: Callable) -> list:
        """The request answered by every shard, in parallel; a shard that fails is asked again after a wait."""
        for attempt in range(self.retries + 1):
            futures = [self._pool.submit(request, shard) for shard in self.shards]
            try:
                return [f.result() for f in futures]
            except ShardUnavailable:
                for f in futures:  # let the others finish before asking again
                    f.exception()
                if attempt == self.retries:
                    raise
                time.sleep(self.retry_seconds)
        raise AssertionError("unreachable")

    def add_shard(self, shard: LocalShard | ProcessShard) -> int:
        """Take a new, empty shard into the partitioning and move to it the references it now owns; how many."""
        self.shards.append(shard)
        moved = 0
        for old in self.shards[:-1]:
            for reference_id in old.call("references"):
                if self.owner(reference_id) is shard:
                    faces, fingers, signatures = old.call("export", reference_id)
                    shard.call("add_stored", reference_id, faces, fingers, signatures)
                    old.call("remove", reference_id)
                    moved += 1
        self._pool = ThreadPoolExecutor(max_workers=max(2, len(self.shards)))
        return moved
