"""Work biometrics' worker repeats: keep its in-memory gallery in step with the database (and its matcher
shards running), and move stored faces to the default face model (face_migration.py)."""
from ektp_shared.service import PeriodicTask, Runtime

from .face_migration import migrate_faces
from .partitions import Partitions

SHARD_WATCH_SECONDS = 1.0


def sync_gallery(runtime: Runtime) -> None:
    """Load what other replicas enrolled into this worker's gallery; at start, the whole gallery."""
    with runtime.uow() as uow:
        runtime.context.abis.sync(uow.session)


def watch_shards(runtime: Runtime) -> None:
    """A matcher shard whose process died is restarted now (a load starts it), not at the next sync or decision:
    until it runs, every decision fails and waits for the bus's retry."""
    gallery = runtime.context.abis.gallery
    if isinstance(gallery, Partitions) and gallery.down():
        sync_gallery(runtime)


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    sharded = [PeriodicTask("shard-watch", SHARD_WATCH_SECONDS, watch_shards)] if runtime.settings.matcher_shards > 1 else []
    return [PeriodicTask("gallery-sync", runtime.settings.gallery_sync_seconds, sync_gallery),
            PeriodicTask("face-migration", runtime.settings.face_migration_seconds, migrate_faces), *sharded]
