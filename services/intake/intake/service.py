"""The intake service as the platform sees it (registered under the ``ektp.services`` entry point)."""
import datetime as dt
from pathlib import Path

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime, ServiceSpec

from . import api, handlers, idempotency, metrics, models
from .settings import IntakeSettings


def _forget_idempotency_keys(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        idempotency.forget_older_than(uow, utcnow() - dt.timedelta(seconds=runtime.settings.idempotency_retention_seconds))
        uow.commit()


SERVICE = ServiceSpec(
    name="intake",
    title="e-KTP intake",
    default_port=8001,
    settings_class=IntakeSettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=lambda runtime: [api.blueprint(runtime), api.documents_blueprint(runtime), api.nik_blueprint(runtime)],
    tasks=lambda runtime: [PeriodicTask("forget-idempotency-keys", 3600, _forget_idempotency_keys)],
    collectors=lambda runtime: [metrics.STAGES.collector(runtime.engine)],
)
