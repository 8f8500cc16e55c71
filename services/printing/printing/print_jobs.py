"""Print jobs: one card to print for one application, through its attempts.

    queued ──(stock, printer, serial reserved; committed)──▶ sent ──▶ printed ──▶ qc_passed | qc_failed
      ▲                                                        │
      └── not delivered (printer refused; serial released) ────┤
      └── spoiled (jam, chip; serial void), up to a limit ─────┤──▶ failed (waits for an operator)
                                                               └── outcome unknown: stays sent, asked again

Every physical attempt has its own device job id (`<job id>-<attempt>`), recorded and committed before
the card goes to the printer. A job found in `sent` (after a crash, or when the printer stopped
answering) is asked of its printer: printed, spoiled or never received. It is never sent elsewhere
while its outcome is unknown; only an operator's reprint decision (cards.reprint) ends that wait.
So a crash at any point resumes the job and never makes a second good card.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re

from sqlalchemy import case, func, select

from ektp_shared import tracing, transitions
from ektp_shared.contracts.printing import CARD_PRINTED
from ektp_shared.db import new_id
from ektp_shared.uow import UnitOfWork

from . import blank_cards, pickups, policies, printers, temporary_letters
from .context import PrintingContext
from .drivers import JobState as DeviceState
from .drivers import JobStatus, PrintDocument, PrinterDriver, PrinterError, PrinterUnavailable, Submission
from .models import Card, Printer, PrintJob
from .rules.backoff import delay
from .rules.states import CARD, PRINT_JOB, CardState, JobState
from .rules.stock import Admission, admit, priority_of

QUEUED, SENT, PRINTED = JobState.QUEUED, JobState.SENT, JobState.PRINTED
QC_PASSED, QC_FAILED, FAILED = JobState.QC_PASSED, JobState.QC_FAILED, JobState.FAILED
STATES = tuple(state.value for state in JobState)
FIRST, REPRINT, CORRECTION = "first", "reprint", "correction"
IN_PROGRESS_POLL_SECONDS = 2

WAIT_OUT_OF_STOCK = "waiting: the office is out of blank cards"
WAIT_LOW_STOCK = "waiting: stock is low and kept for first-time applicants"
WAIT_NO_PRINTER = "waiting: no printer of the office is in rotation"


class Result(enum.Enum):
    PRINTED = "printed"
    IN_PROGRESS = "in_progress"  # the printer has the job and is still working on it
    SPOILED = "spoiled"  # a blank was used up without a good card
    NOT_DELIVERED = "not_delivered"  # the printer refused the card (its condition): nothing consumed
    NEVER_ARRIVED = "never_arrived"  # asked after a crash, the printer has no record of the attempt
    UNCERTAIN = "uncertain"  # no answer: whether a card came out is unknown


@dataclasses.dataclass(frozen=True)
class Outcome:
    result: Result
    reason: str | None = None
    chip_verified: bool | None = None


@dataclasses.dataclass(frozen=True)
class Target:
    printer_id: str
    uri: str


@dataclasses.dataclass(frozen=True)
class Attempt:
    job_id: str
    device_job_id: str
    uri: str


def create(uow: UnitOfWork, card: Card, purpose: str, now: dt.datetime, requested_by: str | None = None,
           reason: str | None = None) -> PrintJob:
    job = PrintJob(id=new_id(), application_id=card.application_id, office_code=card.office_code,
                   priority=priority_of(card.kind), purpose=purpose, requested_by=requested_by, request_reason=reason,
                   state=QUEUED.value, state_since=now, attempts=0, retries=0, spoiled=0, outcome_unknown=False, next_attempt_at=now,
                   created_at=now, updated_at=now, traceparent=tracing.current_context().get("traceparent"))
    uow.session.add(job)
    return job


def latest(uow: UnitOfWork, application_id: str) -> PrintJob | None:
    return uow.session.scalar(select(PrintJob).where(PrintJob.application_id == application_id)
                              .order_by(PrintJob.created_at.desc(), PrintJob.id.desc()).limit(1))


def of(uow: UnitOfWork, application_id: str) -> list[PrintJob]:
    return list(uow.session.scalars(select(PrintJob).where(PrintJob.application_id == application_id)
                                    .order_by(PrintJob.created_at, PrintJob.id)))


def due(uow: UnitOfWork, now: dt.datetime, limit: int) -> list[tuple[str, str | None]]:
    """Jobs to work on (id, and the trace that queued it): those already at a printer first (their outcome
    decides stock and rotation), then first-time applicants before replacements, oldest first."""
    return [tuple(row) for row in uow.session.execute(
        select(PrintJob.id, PrintJob.traceparent).where(PrintJob.state.in_([QUEUED.value, SENT.value]), PrintJob.next_attempt_at <= now)
        .order_by(case((PrintJob.state == SENT.value, 0), else_=1), PrintJob.priority, PrintJob.created_at)
        .limit(limit))]


def device_job_id(job: PrintJob) -> str:
    return f"{job.id}-{job.attempts}"


def wait(job: PrintJob, reason: str, now: dt.datetime, settings) -> None:
    """Try again later, waiting longer each time."""
    job.retries += 1
    job.reason = reason[:500]
    job.next_attempt_at = now + dt.timedelta(seconds=delay(job.retries, settings.print_retry_seconds,
                                                           settings.print_retry_max_seconds))
    job.updated_at = now


def prepare(uow: UnitOfWork, job: PrintJob, card: Card, now: dt.datetime, settings) -> Target | None:
    """Whether a queued job can go ahead now, and on which printer. When it cannot, the job waits (and,
    out of stock, the applicant gets a temporary letter); the caller commits either way."""
    _ensure_development_stock(uow, job.office_code, now, settings)
    policy = policies.policy_of(uow, job.office_code, settings)
    admission = admit(job.priority, blank_cards.available(uow, job.office_code), policy.low_stock_threshold)
    if admission is Admission.OUT:
        temporary_letters.ensure(uow, card, now, settings.temporary_letter_months)
        wait(job, WAIT_OUT_OF_STOCK, now, settings)
        return None
    if admission is Admission.WAIT_LOW:
        wait(job, WAIT_LOW_STOCK, now, settings)
        return None
    printer = printers.choose(uow, job.office_code)
    if printer is None:
        wait(job, WAIT_NO_PRINTER, now, settings)
        return None
    return Target(printer.id, printer.uri)


def begin(uow: UnitOfWork, job_id: str, target: Target, now: dt.datetime, settings) -> Attempt | None:
    """Record the attempt before the card goes to the printer: state sent, the printer, a reserved
    serial. Only one worker wins a job (the state changes only from queued)."""
    job = uow.session.get(PrintJob, job_id)
    if job is None or not transitions.move(uow.session, PRINT_JOB, job, SENT, now, expected=QUEUED,
                                           attempts=job.attempts + 1, printer_id=target.printer_id,
                                           outcome_unknown=False, updated_at=now):
        return None
    serial = blank_cards.reserve(uow, job.office_code, job.application_id, job.id, now)
    if serial is None:
        transitions.move(uow.session, PRINT_JOB, job, QUEUED, now, printer_id=None)
        wait(job, WAIT_OUT_OF_STOCK, now, settings)
        return None
    job.serial, job.reason = serial, None
    printer = uow.session.get(Printer, target.printer_id)
    printer.last_used_at = now
    return Attempt(job.id, device_job_id(job), target.uri)


def submit(driver: PrinterDriver, device_job_id: str, document: PrintDocument) -> Outcome:
    try:
        submission = driver.submit(device_job_id, document)
    except PrinterUnavailable as exc:
        return Outcome(Result.NOT_DELIVERED, str(exc))
    except PrinterError as exc:
        return Outcome(Result.UNCERTAIN, str(exc))
    return _from_device(submission)


def ask(driver: PrinterDriver, device_job_id: str) -> Outcome:
    """The outcome of an attempt the printer may have: asked, never resubmitted."""
    try:
        status = driver.job_status(device_job_id)
    except PrinterError as exc:
        return Outcome(Result.UNCERTAIN, str(exc))
    return _from_device(status)


def _from_device(answer: Submission | JobStatus) -> Outcome:
    chip = getattr(answer, "chip", None)
    chip_verified = chip.ok if chip is not None else None
    match answer.state:
        case DeviceState.PRINTED:
            return Outcome(Result.PRINTED, None, chip_verified)
        case DeviceState.QUEUED | DeviceState.PRINTING:
            return Outcome(Result.IN_PROGRESS)
        case DeviceState.SPOILED | DeviceState.FAILED:
            return Outcome(Result.SPOILED, answer.reason or answer.state.value, chip_verified)
        case _:
            return Outcome(Result.NEVER_ARRIVED, "the printer has no record of the attempt")


def record(uow: UnitOfWork, job_id: str, outcome: Outcome, now: dt.datetime, context: PrintingContext) -> None:
    """Apply an attempt's outcome to the job, the blank card, the printer's rotation and the card."""
    settings = context.settings
    job = uow.session.get(PrintJob, job_id)
    if job is None or job.state != SENT.value:
        return  # an operator decided meanwhile (reprint), or another worker recorded it
    printer = uow.session.get(Printer, job.printer_id) if job.printer_id else None
    job.updated_at = now
    match outcome.result:
        case Result.PRINTED:
            card = uow.session.get(Card, job.application_id)
            blank_cards.issue(uow, job.serial, now)
            transitions.move_or_refuse(uow.session, PRINT_JOB, job, PRINTED, now, printed_at=now,
                                       chip_verified=outcome.chip_verified, outcome_unknown=False, reason=None)
            card.serial, card.printed_at = job.serial, now
            uow.emit(CARD_PRINTED, {"application_id": card.application_id, "card_serial": job.serial, "printed_at": now},
                     correlation_id=card.application_id)
            if policies.policy_of(uow, job.office_code, settings).qc_by_operator:
                transitions.move_or_refuse(uow.session, CARD, card, CardState.AWAITING_QC, now)
            else:
                # The printer's own checks (a completed print, the chip read back) are the inspection.
                transitions.move_or_refuse(uow.session, PRINT_JOB, job, QC_PASSED, now, qc_by="printer", qc_at=now)
                pickups.announce(uow, card, now, context)
        case Result.IN_PROGRESS:
            job.outcome_unknown = False
            job.next_attempt_at = now + dt.timedelta(seconds=IN_PROGRESS_POLL_SECONDS)
        case Result.SPOILED:
            reason = _short(outcome.reason)
            blank_cards.void(uow, job.serial, f"spoiled in printing: {reason}", now)
            job.serial, job.spoiled, job.outcome_unknown, job.printer_id = None, job.spoiled + 1, False, None
            if printer is not None and reason == "jam":
                printers.take_out(printer, "jam", now)
            if job.spoiled >= settings.max_spoiled_cards:
                transitions.move_or_refuse(uow.session, PRINT_JOB, job, FAILED, now,
                                           reason=f"{job.spoiled} cards spoiled, the last by {reason}: an operator decides")
                transitions.move_or_refuse(uow.session, CARD, uow.session.get(Card, job.application_id),
                                           CardState.PRINT_FAILED, now)
            else:
                transitions.move_or_refuse(uow.session, PRINT_JOB, job, QUEUED, now)
                wait(job, f"card spoiled ({reason}); a new blank follows", now, settings)
        case Result.NOT_DELIVERED:
            if printer is not None:
                printers.take_out(printer, _short(outcome.reason), now)
            blank_cards.release(uow, job.serial, now)
            transitions.move_or_refuse(uow.session, PRINT_JOB, job, QUEUED, now, serial=None, printer_id=None,
                                       outcome_unknown=False)
            if printers.choose(uow, job.office_code) is not None:
                job.reason, job.next_attempt_at = f"rerouted: {_short(outcome.reason)}", now
            else:
                wait(job, f"printer unavailable: {_short(outcome.reason)}", now, settings)
        case Result.NEVER_ARRIVED:
            blank_cards.release(uow, job.serial, now)
            transitions.move_or_refuse(uow.session, PRINT_JOB, job, QUEUED, now, serial=None, printer_id=None,
                                       outcome_unknown=False, next_attempt_at=now,
                                       reason="resumed: the attempt never reached the printer")
        case Result.UNCERTAIN:
            if printer is not None:
                printers.take_out(printer, f"no answer: {_short(outcome.reason)}", now)
            job.outcome_unknown = True
            wait(job, f"outcome unknown, asking the printer again: {_short(outcome.reason)}", now, settings)


def write_off(uow: UnitOfWork, job: PrintJob, actor: str, now: dt.datetime) -> None:
    """An operator decided that an attempt still at a printer made no card it can use: its serial is
    void (should a card come out after all, it carries a void serial and is not issued)."""
    if job.serial:
        blank_cards.void(uow, job.serial, f"attempt written off by {actor[:40]}", now)
    transitions.move_or_refuse(uow.session, PRINT_JOB, job, FAILED, now, serial=None, outcome_unknown=False,
                               reason="written off by an operator", updated_at=now)


def counts_by_state(uow: UnitOfWork) -> dict[str, int]:
    found = dict(uow.session.execute(select(PrintJob.state, func.count()).group_by(PrintJob.state)).all())
    return {state: int(found.get(state, 0)) for state in STATES}


def _ensure_development_stock(uow: UnitOfWork, office_code: str, now: dt.datetime, settings) -> None:
    if settings.development_stock > 0 and not blank_cards.ever_received(uow, office_code):
        prefix = re.sub(r"[^A-Z0-9-]", "", office_code.upper())[:20]
        blank_cards.receive(uow, office_code, "development stock", f"{prefix}-DEV-000001", settings.development_stock,
                       "development", now)


def _short(reason: str | None) -> str:
    return (reason or "unknown")[:200]


def listing(uow: UnitOfWork, state: str | None, office_code: str | None, limit: int,
            scope: frozenset[str] | None = None) -> list[PrintJob]:
    """Print jobs in the order the queue takes them, filtered by state and office (and to ``scope``'s offices)."""
    query = select(PrintJob)
    if scope is not None:
        query = query.where(PrintJob.office_code.in_(sorted(scope)))
    if state:
        query = query.where(PrintJob.state == state)
    if office_code:
        query = query.where(PrintJob.office_code == office_code)
    return list(uow.session.scalars(query.order_by(PrintJob.priority, PrintJob.created_at).limit(limit)))
