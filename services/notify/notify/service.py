"""The notify service as the platform sees it (registered under the ``ektp.services`` entry point)."""
from pathlib import Path

from ektp_shared.service import ServiceSpec

from . import api, context, handlers, models, tasks
from .settings import NotifySettings

SERVICE = ServiceSpec(
    name="notify",
    title="e-KTP notify",
    default_port=8005,
    settings_class=NotifySettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=lambda runtime: [api.blueprint(runtime)],
    tasks=tasks.tasks,
    context=context.build,
)
