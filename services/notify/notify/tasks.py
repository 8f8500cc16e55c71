"""Work notify's worker repeats: send the messages that are due, collect SMSC delivery receipts."""
from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import deliveries, metrics


def send_due(runtime: Runtime) -> None:
    settings = runtime.settings
    delays = tuple(int(d) for d in settings.send_retry_delays.split(",") if d.strip())
    with runtime.uow() as uow:
        deliveries.send_due(uow, runtime.deps.by_name(), delays, utcnow(), settings.send_batch)
        uow.commit()


def collect_receipts(runtime: Runtime) -> None:
    smpp = runtime.deps.smpp
    if smpp is None:
        return
    receipts = smpp.poll_receipts(timeout=1.0)
    if not receipts:
        return
    with runtime.uow() as uow:
        for receipt in receipts:
            delivered = receipt.outcome == "delivered"
            if receipt.outcome == "pending":
                continue
            if deliveries.record_receipt(uow, receipt.message_id, delivered, receipt.reason, utcnow()):
                metrics.RECEIPTS.labels(receipt.outcome).inc()
        uow.commit()


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    return [PeriodicTask("send", 0.5, send_due), PeriodicTask("receipts", 1.0, collect_receipts)]
