"""Work printing's worker repeats: run the print queue, poll the printers, remind the holders of
uncollected cards. In the embedded and local profiles the worker also serves card-printer emulators
at the shared fleet's local addresses."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import cards, fleet, pickups, printjobs
from .drivers import driver_for
from .emulator import CardPrinterEmulator
from .models import Card, Printer, PrintJob
from .portrait import PortraitUnavailable, portrait_for

log = logging.getLogger(__name__)
REMINDER_INTERVAL_SECONDS = 600
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def print_job(runtime: Runtime, job_id: str) -> None:
    """One step of one job: ask the printer about an attempt it has, or start the next attempt."""
    settings = runtime.settings
    now = utcnow()
    with runtime.uow() as uow:
        job = uow.session.get(PrintJob, job_id)
        if job is None or job.state not in (printjobs.QUEUED, printjobs.SENT) or job.next_attempt_at > now:
            return
        if job.state == printjobs.SENT:
            pending = (uow.session.get(Printer, job.printer_id).uri, printjobs.device_job_id(job))
            target = card = None
        else:
            pending = None
            card = uow.session.get(Card, job.application_id)
            target = printjobs.prepare(uow, job, card, now, settings)
            uow.commit()
            if target is None:
                return
    if pending is not None:
        uri, device_job = pending
        outcome = printjobs.ask(driver_for(uri), device_job)
    else:
        driver = driver_for(target.uri)
        try:
            portrait = portrait_for(runtime.objects, settings.biometrics_url, runtime.links, card.application_id)
        except PortraitUnavailable as exc:
            with runtime.uow() as uow:
                printjobs.wait(uow.session.get(PrintJob, job_id), f"portrait: {exc}", utcnow(), settings)
                uow.commit()
            return
        document = cards.document_for(card, portrait, driver.encodes_chip)
        with runtime.uow() as uow:
            attempt = printjobs.begin(uow, job_id, target, utcnow(), settings)
            uow.commit()
        if attempt is None:
            return
        outcome = printjobs.submit(driver, attempt.device_job_id, document)
    if outcome.result is not printjobs.Result.PRINTED and outcome.result is not printjobs.Result.IN_PROGRESS:
        log.warning("print attempt did not print", extra={"result": outcome.result.value})
    with runtime.uow() as uow:
        printjobs.record(uow, job_id, outcome, utcnow(), settings)
        uow.commit()


def run_print_queue(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        due = printjobs.due(uow, utcnow(), runtime.settings.print_batch)
    for job_id in due:
        print_job(runtime, job_id)


def poll_printers(runtime: Runtime) -> None:
    """Ask every printer for its status: the rotation follows it, and the metrics show it."""
    with runtime.uow() as uow:
        printers = [(p.id, p.uri) for p in fleet.all_printers(uow)]
    for printer_id, uri in printers:
        status = driver_for(uri, timeout=5).printer_status()
        with runtime.uow() as uow:
            printer = uow.session.get(Printer, printer_id)
            if printer is not None:
                fleet.record_status(printer, status, utcnow())
                uow.commit()


def remind(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        pickups.remind_and_report(uow, utcnow(), runtime.settings)
        uow.commit()


def shared_fleet(printer_uri: str) -> list[str]:
    return [uri.strip() for uri in printer_uri.split(",") if uri.strip()]


def start_emulators(uris: list[str], output_dir: Path) -> list[CardPrinterEmulator]:
    started = []
    for uri in uris:
        address = urlsplit(uri)
        if address.scheme == "cardprinter" and address.hostname in LOCAL_HOSTS:
            started.append(CardPrinterEmulator(address.hostname, address.port or 9100, output_dir=output_dir).start())
    return started


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    settings = runtime.settings
    uris = shared_fleet(settings.printer_uri)
    with runtime.uow() as uow:
        fleet.sync_shared(uow, uris, utcnow())
        uow.commit()
    if settings.printer_emulator:
        start_emulators(uris, Path(settings.data_dir) / "printed-cards")
    return [PeriodicTask("print-queue", 0.5, run_print_queue),
            PeriodicTask("printer-status", settings.printer_poll_seconds, poll_printers),
            PeriodicTask("pickup-reminders", REMINDER_INTERVAL_SECONDS, remind)]
