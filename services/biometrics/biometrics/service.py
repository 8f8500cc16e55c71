"""The biometrics service as the platform sees it (registered under the ``ektp.services`` entry point)."""
from pathlib import Path

from ektp_shared.service import PeriodicTask, Runtime, ServiceSpec

from . import api, dependencies, handlers, metrics, models
from .settings import BiometricsSettings


def sync_gallery(runtime: Runtime) -> None:
    """Load what other replicas enrolled into this worker's gallery; at start, the whole gallery."""
    with runtime.uow() as uow:
        runtime.deps.abis.sync(uow.session)


SERVICE = ServiceSpec(
    name="biometrics",
    title="e-KTP biometrics",
    default_port=8003,
    settings_class=BiometricsSettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=lambda runtime: [api.blueprint(runtime)],
    tasks=lambda runtime: [PeriodicTask("gallery-sync", runtime.settings.gallery_sync_seconds, sync_gallery)],
    collectors=lambda runtime: [metrics.ENROLMENTS.collector(runtime.engine)],
    dependencies=dependencies.build,
)
