"""Use cases of printing: keep the verified card data, queue and run print jobs, announce pickup,
record the handover."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.printing import CARD_COLLECTED, CARD_PRINTED, CARD_READY_FOR_PICKUP
from ektp_shared.db import new_id
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from .card import Issue, render
from .card.chip import chip_record
from .card_data import card_fields, issue_place, pickup_date
from .drivers import JobState, PrintDocument, PrinterDriver
from .models import Card, PrintJob

AWAITING_BIOMETRICS = "AWAITING_BIOMETRICS"
QUEUED_FOR_PRINT = "QUEUED_FOR_PRINT"
READY_FOR_PICKUP = "READY_FOR_PICKUP"
COLLECTED = "COLLECTED"
JOB_QUEUED, JOB_SENT, JOB_PRINTED, JOB_FAILED = "queued", "sent", "printed", "failed"


class HandoverRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def keep_card_data(uow: UnitOfWork, event: CloudEvent, nik_hash: str, now: dt.datetime) -> None:
    application_id = str(event.data["application_id"])
    if uow.session.get(Card, application_id) is None:
        uow.session.add(Card(application_id=application_id, receipt_number=event.data["receipt_number"], nik_hash=nik_hash,
                             card_holder=jsonable(event.data["card_holder"]), office=jsonable(event.data["office"]),
                             state=AWAITING_BIOMETRICS, verified_at=now))


def queue_print(uow: UnitOfWork, event: CloudEvent, printer_uri: str, now: dt.datetime) -> None:
    card = uow.session.get(Card, str(event.data["application_id"]))
    if card is None:
        raise LookupError("enrolled before the verified card data arrived")  # retried until it has
    if card.state != AWAITING_BIOMETRICS:
        return
    card.fingerprint_digests = list(event.data.get("fingerprint_digests") or [])
    card.state = QUEUED_FOR_PRINT
    uow.session.add(PrintJob(id=new_id(), application_id=card.application_id, printer_uri=printer_uri, state=JOB_QUEUED,
                             attempts=0, next_attempt_at=now, created_at=now, updated_at=now))


def due_jobs(uow: UnitOfWork, now: dt.datetime, limit: int) -> list[str]:
    return list(uow.session.scalars(select(PrintJob.id).where(PrintJob.state.in_([JOB_QUEUED, JOB_SENT]),
                                                              PrintJob.next_attempt_at <= now)
                                    .order_by(PrintJob.created_at).limit(limit)))


def document_for(card: Card, portrait: bytes) -> PrintDocument:
    fields = card_fields(card.card_holder)
    front = render(fields, portrait, Issue(issue_place(card.card_holder), card.verified_at.date()),
                   card.card_holder["full_name"])
    digests = card.fingerprint_digests or []
    return PrintDocument(png=front.png, pdf=front.pdf, chip=chip_record(fields, digests) if len(digests) == 2 else None)


def mark_sent(uow: UnitOfWork, job: PrintJob, now: dt.datetime) -> None:
    """Recorded (and committed) before a card goes to the printer. Each physical attempt has its own
    device job id; after a crash the same id is submitted again and the printer, which knows it, prints
    nothing twice."""
    if job.state == JOB_QUEUED:
        job.state, job.attempts = JOB_SENT, job.attempts + 1
    job.updated_at = now


def device_job_id(job: PrintJob) -> str:
    return f"{job.id}-{job.attempts}"


def submit(driver: PrinterDriver, job: PrintJob, document: PrintDocument) -> tuple[JobState, str | None]:
    submission = driver.submit(device_job_id(job), document)
    return submission.state, submission.reason


def complete(uow: UnitOfWork, job: PrintJob, state: JobState, reason: str | None, now: dt.datetime,
             pickup_after_days: int, retry_seconds: int) -> None:
    card = uow.session.get(Card, job.application_id)
    job.updated_at = now
    if state is JobState.PRINTED:
        job.state = JOB_PRINTED
        card.serial = f"BLK-{uuid.uuid4().hex[:12].upper()}"
        card.printed_at = now
        card.pickup_from = pickup_date(now, pickup_after_days, card.office.get("timezone", "Asia/Jakarta"))
        card.state = READY_FOR_PICKUP
        uow.emit(CARD_PRINTED, {"application_id": card.application_id, "card_serial": card.serial, "printed_at": now},
                 correlation_id=card.application_id)
        uow.emit(CARD_READY_FOR_PICKUP, {"application_id": card.application_id, "pickup_from": card.pickup_from,
                                         "office": card.office}, correlation_id=card.application_id)
    elif state in (JobState.QUEUED, JobState.PRINTING):
        job.next_attempt_at = now + dt.timedelta(seconds=2)  # the printer is still working on it: ask again
    else:
        job.state, job.reason = JOB_QUEUED, reason or state.value
        job.next_attempt_at = now + dt.timedelta(seconds=retry_seconds)


def defer(job: PrintJob, reason: str, now: dt.datetime, retry_seconds: int) -> None:
    """Try again later; a job already sent stays sent, so the printer is asked about it first."""
    job.reason = reason[:500]
    job.next_attempt_at = now + dt.timedelta(seconds=retry_seconds)
    job.updated_at = now


def handover(uow: UnitOfWork, card: Card, receipt_number: str, nik_hash: str, collected_by: str, now: dt.datetime) -> None:
    if card.state != READY_FOR_PICKUP:
        raise HandoverRefused("application_id", f"the card is {card.state}, not ready for pickup")
    if receipt_number.strip().upper() != card.receipt_number:
        raise HandoverRefused("receipt_number", "the receipt number does not belong to this card")
    if nik_hash != card.nik_hash:
        raise HandoverRefused("nik", "the NIK does not match the card")
    card.state, card.collected_at, card.collected_by = COLLECTED, now, collected_by
    uow.emit(CARD_COLLECTED, {"application_id": card.application_id, "collected_at": now, "collected_by": collected_by},
             correlation_id=card.application_id)
