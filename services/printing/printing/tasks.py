"""Work printing's worker repeats: run the print queue, poll the printers, remind the holders of
uncollected cards."""
from __future__ import annotations

from ektp_shared import tracing
from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import card_printing, pickups, print_jobs, printers
from .models import Printer

REMINDER_INTERVAL_SECONDS = 600


def run_print_queue(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        due = print_jobs.due(uow, utcnow(), runtime.settings.print_batch)
    for job_id, traceparent in due:
        with tracing.resumed(runtime.tracer, "print card", traceparent):
            card_printing.print_card(runtime.uow, runtime.context, job_id)


def poll_printers(runtime: Runtime) -> None:
    """Ask every printer for its status: the rotation follows it, and the metrics show it."""
    with runtime.uow() as uow:
        fleet = [(p.id, p.uri) for p in printers.all_printers(uow)]
    for printer_id, uri in fleet:
        status = runtime.context.drivers(uri, timeout=5).printer_status()
        with runtime.uow() as uow:
            printer = uow.session.get(Printer, printer_id)
            if printer is not None:
                printers.record_status(printer, status, utcnow())
                uow.commit()


def remind(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        pickups.remind_and_report(uow, utcnow(), runtime.settings)
        uow.commit()


def shared_fleet(printer_uri: str) -> list[str]:
    return [uri.strip() for uri in printer_uri.split(",") if uri.strip()]


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    settings = runtime.settings
    with runtime.uow() as uow:
        printers.sync_shared(uow, shared_fleet(settings.printer_uri), utcnow())
        uow.commit()
    return [PeriodicTask("print-queue", 0.5, run_print_queue),
            PeriodicTask("printer-status", settings.printer_poll_seconds, poll_printers),
            PeriodicTask("pickup-reminders", REMINDER_INTERVAL_SECONDS, remind)]
