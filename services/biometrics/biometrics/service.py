"""The biometrics service as the platform sees it (registered under the ``ektp.services`` entry point)."""
from pathlib import Path

from ektp_shared.service import ServiceSpec

from . import api, context, evidence_api, handlers, metrics, models, tasks
from .settings import BiometricsSettings

SERVICE = ServiceSpec(
    name="biometrics",
    title="e-KTP biometrics",
    default_port=8003,
    settings_class=BiometricsSettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=lambda runtime: [api.blueprint(runtime), evidence_api.blueprint(runtime)],
    tasks=tasks.tasks,
    collectors=lambda runtime: [metrics.ENROLMENTS.collector(runtime.engine)],
    context=context.build,
)
