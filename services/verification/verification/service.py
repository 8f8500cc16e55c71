"""The verification service as the platform sees it (registered under the ``ektp.services`` entry point)."""
from pathlib import Path

from ektp_shared.service import ServiceSpec

from . import api, context, handlers, metrics, models, tasks
from .settings import VerificationSettings

SERVICE = ServiceSpec(
    name="verification",
    title="e-KTP verification",
    default_port=8002,
    settings_class=VerificationSettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=lambda runtime: [api.blueprint(runtime), api.slots_blueprint(runtime), api.appointments_blueprint(runtime),
                                api.dashboard_blueprint(runtime), api.offices_blueprint(runtime),
                                api.admin_blueprint(runtime)],
    tasks=tasks.tasks,
    collectors=lambda runtime: [metrics.CASES.collector(runtime.engine), metrics.BY_PROVINCE.collector(runtime.engine)],
    context=context.build,
)
