"""Work intake's worker repeats: forget old Idempotency-Keys."""
import datetime as dt

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import idempotency


def forget_idempotency_keys(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        idempotency.forget_older_than(uow, utcnow() - dt.timedelta(seconds=runtime.settings.idempotency_retention_seconds))
        uow.commit()


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    return [PeriodicTask("forget-idempotency-keys", 3600, forget_idempotency_keys)]
