"""Work printing's worker repeats: run the print queue. In the embedded and local profiles the worker
also serves the card-printer emulator the queue prints to."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import cards
from .drivers import PrinterError, driver_for
from .emulator import CardPrinterEmulator
from .models import Card, PrintJob
from .portrait import PortraitUnavailable, fetch_portrait

log = logging.getLogger(__name__)


def print_job(runtime: Runtime, job_id: str) -> None:
    settings = runtime.settings
    with runtime.uow() as uow:
        job = uow.session.get(PrintJob, job_id)
        if job is None or job.state not in (cards.JOB_QUEUED, cards.JOB_SENT):
            return
        card = uow.session.get(Card, job.application_id)
        try:
            document = cards.document_for(card, fetch_portrait(settings.biometrics_url, runtime.links, card.application_id))
        except (PortraitUnavailable, requests.RequestException) as exc:
            cards.defer(job, f"portrait: {type(exc).__name__}", utcnow(), settings.print_retry_seconds)
            uow.commit()
            return
        cards.mark_sent(uow, job, utcnow())
        uow.commit()
    try:
        state, reason = cards.submit(driver_for(job.printer_uri), job, document)
    except PrinterError as exc:
        with runtime.uow() as uow:
            cards.defer(uow.session.get(PrintJob, job_id), str(exc), utcnow(), settings.print_retry_seconds)
            uow.commit()
        log.warning("printer unavailable", extra={"error": type(exc).__name__})
        return
    with runtime.uow() as uow:
        job = uow.session.get(PrintJob, job_id)
        cards.complete(uow, job, state, reason, utcnow(), settings.pickup_after_days, settings.print_retry_seconds)
        uow.commit()


def run_print_queue(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        due = cards.due_jobs(uow, utcnow(), runtime.settings.print_batch)
    for job_id in due:
        print_job(runtime, job_id)


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    settings = runtime.settings
    if settings.printer_emulator:
        address = urlsplit(settings.printer_uri)
        CardPrinterEmulator(address.hostname or "127.0.0.1", address.port or 9631,
                            output_dir=Path(settings.data_dir) / "printed-cards").start()
    return [PeriodicTask("print-queue", 0.5, run_print_queue)]
