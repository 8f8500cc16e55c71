"""Work biometrics' worker repeats: keep its in-memory gallery in step with the database, and move stored
faces to the default face model (face_migration.py)."""
from ektp_shared.service import PeriodicTask, Runtime

from .face_migration import migrate_faces


def sync_gallery(runtime: Runtime) -> None:
    """Load what other replicas enrolled into this worker's gallery; at start, the whole gallery."""
    with runtime.uow() as uow:
        runtime.context.abis.sync(uow.session)


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    return [PeriodicTask("gallery-sync", runtime.settings.gallery_sync_seconds, sync_gallery),
            PeriodicTask("face-migration", runtime.settings.face_migration_seconds, migrate_faces)]
