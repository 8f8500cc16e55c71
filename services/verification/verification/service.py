"""The verification service as the platform sees it (registered under the ``ektp.services`` entry point)."""
from pathlib import Path

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime, ServiceSpec

from . import api, appointments, cases, handlers, metrics, models
from .settings import VerificationSettings

APPOINTMENT_SWEEP_SECONDS = 300


def sweep_appointments(runtime: Runtime) -> None:
    """No-shows free their slot and start the countdown; countdowns that ran out expire the application."""
    now = utcnow()
    with runtime.uow() as uow:
        for case in appointments.mark_no_shows(uow, now, runtime.settings):
            cases.audit(uow, cases.SYSTEM, "appointment.no_show", case, now,
                        after={"state": case.state, "expires_at": case.expires_at.isoformat()})
        for case in appointments.expire_due(uow, now):
            cases.audit(uow, cases.SYSTEM, "case.expired", case, now, after={"state": case.state, "reason": "no_show"})
        uow.commit()


SERVICE = ServiceSpec(
    name="verification",
    title="e-KTP verification",
    default_port=8002,
    settings_class=VerificationSettings,
    metadata=models.metadata,
    messaging=models.messaging,
    handlers=handlers.handlers,
    migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
    blueprints=lambda runtime: [api.blueprint(runtime), api.offices_blueprint(runtime), api.admin_blueprint(runtime)],
    tasks=lambda runtime: [PeriodicTask("appointments", APPOINTMENT_SWEEP_SECONDS, sweep_appointments)],
    collectors=lambda runtime: [metrics.CASES.collector(runtime.engine)],
)
