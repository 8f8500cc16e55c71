"""Work biometrics' worker repeats: keep its in-memory gallery in step with the database."""
from ektp_shared.service import PeriodicTask, Runtime


def sync_gallery(runtime: Runtime) -> None:
    """Load what other replicas enrolled into this worker's gallery; at start, the whole gallery."""
    with runtime.uow() as uow:
        runtime.context.abis.sync(uow.session)


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    return [PeriodicTask("gallery-sync", runtime.settings.gallery_sync_seconds, sync_gallery)]
