"""Work intake's worker repeats: expire old drafts and applications whose fee was never paid (reminding their
citizens first), refund fees paid too late, delete the documents of ended applications after the retention
period, forget old Idempotency-Keys and ended sign-ins."""
import datetime as dt
import logging

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import citizens, idempotency, retention
from .payment import payments

log = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 3600


def forget_idempotency_keys(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        idempotency.forget_older_than(uow, utcnow() - dt.timedelta(seconds=runtime.settings.idempotency_retention_seconds))
        citizens.forget_ended(uow, utcnow(), runtime.settings.session_max_seconds)
        uow.commit()


def keep_only_what_is_needed(runtime: Runtime) -> None:
    settings = runtime.settings
    with runtime.uow() as uow:
        expired = retention.expire_drafts(uow, utcnow(), settings.draft_days)
        uow.commit()
    with runtime.uow() as uow:
        due = retention.ended_with_documents(uow, utcnow(), settings.document_retention_days)
    purged = 0
    for application_id in due:
        with runtime.uow() as uow:
            purged += retention.purge_documents(uow, runtime.objects, application_id, utcnow())
            uow.commit()
    if expired or purged:
        log.info("retention", extra={"drafts_expired": expired, "documents_purged": purged})


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    return [PeriodicTask("forget-idempotency-keys", HOUSEKEEPING_SECONDS, forget_idempotency_keys),
            PeriodicTask("retention", HOUSEKEEPING_SECONDS, keep_only_what_is_needed),
            PeriodicTask("unpaid", HOUSEKEEPING_SECONDS, payments.expire_unpaid_task),
            PeriodicTask("payment-reminders", HOUSEKEEPING_SECONDS, payments.remind_unpaid_task),
            PeriodicTask("refunds", runtime.settings.payment_refund_seconds, payments.refund_due_task)]
