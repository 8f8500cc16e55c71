"""The printing service as the platform sees it (registered under the ``ektp.services`` entry point)."""
from pathlib import Path

from ektp_shared.service import ServiceSpec

from . import api, context, handlers, metrics, models, tasks
from .settings import PrintingSettings

SERVICE = ServiceSpec(
    name="printing",
    title="e-KTP printing",
    default_port=8004,
    settings_class=PrintingSettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=lambda runtime: api.blueprints(runtime),
    tasks=tasks.tasks,
    collectors=lambda runtime: [metrics.collector(runtime), metrics.CARDS.collector(runtime.engine),
                                metrics.BY_PROVINCE.collector(runtime.engine)],
    context=context.build,
)
