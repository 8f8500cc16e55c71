"""The intake service as the platform sees it (registered under the ``ektp.services`` entry point)."""
from pathlib import Path

from ektp_shared.service import ServiceSpec

from . import api, context, handlers, metrics, models, tasks
from .settings import IntakeSettings

SERVICE = ServiceSpec(
    name="intake",
    title="e-KTP intake",
    default_port=8001,
    settings_class=IntakeSettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=api.blueprints,
    tasks=tasks.tasks,
    collectors=lambda runtime: [metrics.STAGES.collector(runtime.engine)],
    context=context.build,
)
