"""The worker's gallery split over matcher shards (EKTP_MATCHER_SHARDS > 1): one process per shard, each
loading from the database only the references whose id hashes to it (`shard_of`), searched in parallel
by the engine's ShardedGallery.

A shard's process is started by the first gallery load that finds it not running: every shard at the
worker's first load, and after that a shard whose process died (a crash, the kernel's OOM killer), which
the worker's shard-watch task notices within a second (tasks.py). Until then every search fails
(ShardUnavailable), so the decision fails and the bus retries it: never "no duplicate" from the shards
that answered. Restarting from the next load, not in the middle of a search, is
what keeps Abis' watermark true: a decision's search and its re-check of what was enrolled meanwhile are
then both made on shards whose contents the watermark describes.

A started shard holds every entry committed up to the highest sequence number read just before it
started (its own load reads at least those); entries after that are loaded by the caller from there on,
so what the dead process held of an enrolment not yet committed comes back when it commits, or at once
in the transaction that made it. Until then a restarted shard lacks it, so a search fails when a shard
was started after its thread last loaded the gallery (a decision takes its watermark at that load).
"""
from __future__ import annotations

import functools
import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ektp_shared import db
from ektp_shared.crypto import Cipher

from . import metrics
from .engine import Candidate, Engine, EngineSettings, Gallery
from .engine.shards import ProcessShard, ShardedGallery, ShardUnavailable, shard_of
from .models import GalleryEntry
from .settings import BiometricsSettings

CHUNK = 500  # references whose templates are read per query while a shard loads


def load_partition(settings: BiometricsSettings, engine_settings: EngineSettings, shard: int, shards: int) -> Gallery:
    """A shard's gallery, built in the shard's own process: every committed gallery entry whose reference id
    hashes to `shard` of `shards`, with its stored templates (the ids of all are read, the templates of its own)."""
    from .abis import stored_templates  # abis imports this module

    gallery = Engine(engine_settings).new_gallery()
    database = db.make_engine(settings.database_url, Cipher.from_settings(settings), 1)
    try:
        with db.session_factory(database)() as session:
            mine = [ref for ref in session.scalars(select(GalleryEntry.reference_id).order_by(GalleryEntry.seq))
                    if shard_of(ref, shards) == shard]
            for start in range(0, len(mine), CHUNK):
                chunk = mine[start:start + CHUNK]
                stored = stored_templates(session, chunk)
                for ref in chunk:
                    faces, fingers = stored.get(ref, ([], {}))
                    gallery.add_stored(ref, faces, fingers)
    finally:
        database.dispose()  # the shard keeps no connection: it is asked, it does not ask
    return gallery


class StoppedShard:
    """A shard whose process has not been started yet (the API's processes never start one)."""

    running = False

    def call(self, method: str, *args, **kwargs):
        raise ShardUnavailable("the shard's process has not been started")

    def size(self) -> int:
        return self.call("__len__")

    def stop(self) -> None:
        pass


class Partitions(ShardedGallery):
    def __init__(self, settings: BiometricsSettings, engine_settings: EngineSettings):
        # No retry inside a search: a process that died stays dead until the next load restarts it, so the
        # waiting is the bus's retry of the whole decision.
        super().__init__([StoppedShard() for _ in range(settings.matcher_shards)], retries=0,
                         policy=engine_settings.search)
        self._load_partition = functools.partial(load_partition, settings, engine_settings)
        self.generation = 0  # how many times shards were started
        self._loaded = threading.local()  # per thread: the generation at its last load

    def revive(self, session: Session, seen: int) -> int:
        """Start the shards that are not running, each loading its partition itself; returns the sequence number
        after which the caller goes on loading entries (`seen`, the caller's, unless some shards started)."""
        down = self.down()
        if not down:
            self._loaded.generation = self.generation
            return seen
        with session.get_bind().connect() as connection:  # what is committed, not what this transaction added
            committed = connection.scalar(select(func.max(GalleryEntry.seq))) or 0
        self.generation += 1  # first: a search running meanwhile in another thread must fail
        for i in down:
            self.shards[i].stop()
            self.shards[i] = ProcessShard(functools.partial(self._load_partition, i, len(self.shards)))
            metrics.SHARD_STARTS.inc()
        self._loaded.generation = self.generation
        # The shards that kept running hold what `seen` says, the started ones everything up to `committed`.
        return committed if len(down) == len(self.shards) else min(seen, committed)

    def identify(self, *args, **kwargs) -> list[Candidate]:
        found = super().identify(*args, **kwargs)
        if getattr(self._loaded, "generation", None) != self.generation:
            raise ShardUnavailable("a shard was started after this thread loaded the gallery; search again after a load")
        return found

    def down(self) -> list[int]:
        """The shards whose process is not running."""
        return [i for i, shard in enumerate(self.shards) if not shard.running]

    def remove(self, reference_id: str) -> None:
        try:
            super().remove(reference_id)
        except ShardUnavailable:
            pass  # its memory went with its process; the shard that replaces it loads committed entries only

    def stop(self) -> None:
        """Stop every shard's process (a test, a runtime that is let go)."""
        for shard in self.shards:
            shard.stop()
        self.shards = [StoppedShard() for _ in self.shards]
