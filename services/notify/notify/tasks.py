"""Work notify's worker repeats: send the messages that are due, collect SMSC delivery receipts."""
import datetime as dt

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import deliveries, metrics


def send_due(runtime: Runtime) -> int:
    """Claim what is due, send each message with no transaction open, record each outcome."""
    settings = runtime.settings
    delays = tuple(int(d) for d in settings.send_retry_delays.split(",") if d.strip())
    limit = deliveries.RateLimit(settings.rate_limit_per_recipient, dt.timedelta(seconds=settings.rate_limit_window_seconds))
    with runtime.uow() as uow:
        claimed = deliveries.claim(uow, utcnow(), settings.send_batch, dt.timedelta(seconds=settings.send_claim_seconds),
                                   limit)
        uow.commit()
    channels = runtime.context.channels.by_name()
    for delivery_id in claimed:
        with runtime.uow() as uow:
            message = deliveries.message_for(uow, delivery_id, utcnow())
            uow.commit()
        if message is None:
            continue
        outcome = channels[message.channel].send(message)
        with runtime.uow() as uow:
            deliveries.record_outcome(uow, delivery_id, outcome, delays, utcnow())
            uow.commit()
    return len(claimed)


def collect_receipts(runtime: Runtime) -> None:
    smpp = runtime.context.channels.smpp
    if smpp is None:
        return
    receipts = [receipt for receipt in smpp.poll_receipts(timeout=1.0) if receipt.outcome != "pending"]
    if not receipts:
        return
    with runtime.uow() as uow:
        for receipt in receipts:
            deliveries.record_receipt(uow, smpp.name, receipt.message_id, receipt.outcome == "delivered", receipt.reason,
                                      utcnow())
            metrics.RECEIPTS.labels(receipt.outcome).inc()
        uow.commit()


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    return [PeriodicTask("send", 0.5, send_due), PeriodicTask("receipts", 1.0, collect_receipts)]
