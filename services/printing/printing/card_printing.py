"""Printing a card: one step of one print job, across the printer's network round trip.

Either the job has an attempt at a printer (after a crash, or while the printer works on it): the printer is
asked what became of it, never sent it again. Or the job is queued: the stock, a printer and the portrait are
checked, the attempt is recorded and committed (a reserved serial, the printer), the card goes to the printer,
and its outcome is recorded. No transaction is open while a printer is spoken to (print_jobs.py has the
protocol that makes a crash at any point resume the job without a second good card).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from ektp_shared.db import utcnow
from ektp_shared.uow import UnitOfWork

from . import cards, print_jobs
from .context import PrintingContext
from .models import Card, Printer, PrintJob
from .portraits import PortraitUnavailable

log = logging.getLogger(__name__)


def print_card(unit_of_work: Callable[[], UnitOfWork], context: PrintingContext, job_id: str) -> None:
    settings = context.settings
    now = utcnow()
    with unit_of_work() as uow:
        job = uow.session.get(PrintJob, job_id)
        if job is None or job.state not in (print_jobs.QUEUED.value, print_jobs.SENT.value) or job.next_attempt_at > now:
            return
        if job.state == print_jobs.SENT.value:
            pending = (uow.session.get(Printer, job.printer_id).uri, print_jobs.device_job_id(job))
            target = card = None
        else:
            pending = None
            card = uow.session.get(Card, job.application_id)
            target = print_jobs.prepare(uow, job, card, now, settings)
            uow.commit()
            if target is None:
                return
    if pending is not None:
        uri, device_job = pending
        outcome = print_jobs.ask(context.drivers(uri), device_job)
    else:
        driver = context.drivers(target.uri)
        try:
            portrait = cards.portrait_of(card, context.portraits)
        except PortraitUnavailable as exc:
            with unit_of_work() as uow:
                print_jobs.wait(uow.session.get(PrintJob, job_id), f"portrait: {exc}", utcnow(), settings)
                uow.commit()
            return
        document = cards.document_for(card, portrait, driver.encodes_chip)
        with unit_of_work() as uow:
            attempt = print_jobs.begin(uow, job_id, target, utcnow(), settings)
            uow.commit()
        if attempt is None:
            return
        outcome = print_jobs.submit(driver, attempt.device_job_id, document)
    if outcome.result not in (print_jobs.Result.PRINTED, print_jobs.Result.IN_PROGRESS):
        log.warning("print attempt did not print", extra={"result": outcome.result.value})
    with unit_of_work() as uow:
        print_jobs.record(uow, job_id, outcome, utcnow(), context)
        uow.commit()
