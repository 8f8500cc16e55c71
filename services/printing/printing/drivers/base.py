"""What every printer driver offers the print-job logic, whatever the device speaks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

# Job ids travel in protocol lines and IPP job names: one short token, never personal data.
_JOB_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def check_job_id(job_id: str) -> str:
    if not _JOB_ID.fullmatch(job_id):
        raise ValueError("job_id: 1-64 characters of A-Z a-z 0-9 . _ : -")
    return job_id


class Condition(StrEnum):
    """Why a printer is not simply ready. Names follow IPP printer-state-reasons where one exists."""

    FEEDER_EMPTY = "feeder_empty"  # IPP media-empty
    HOPPER_FULL = "hopper_full"  # IPP output-area-full
    COVER_OPEN = "cover_open"  # IPP cover-open / door-open
    JAM = "jam"  # IPP media-jam
    RIBBON_OUT = "ribbon_out"  # IPP marker-supply-empty
    RIBBON_LOW = "ribbon_low"  # IPP marker-supply-low: a warning, still prints
    BUSY = "busy"  # another session holds a card in the printer
    STOPPED = "stopped"  # IPP printer-state stopped or not accepting jobs
    OFFLINE = "offline"  # no answer


# Everything but a warning stops a new card from being printed.
BLOCKING = frozenset(Condition) - {Condition.RIBBON_LOW}


class JobState(StrEnum):
    UNKNOWN = "unknown"  # the device has no record of the job: it never arrived
    QUEUED = "queued"  # accepted by the device, not started
    PRINTING = "printing"
    PRINTED = "printed"  # a good card (or page) came out
    SPOILED = "spoiled"  # a card was used up and is not valid: its serial must be voided
    FAILED = "failed"  # the device gave up (IPP aborted/canceled); whether media was used is unknown


@dataclass(frozen=True)
class PrintDocument:
    """A rendered card front. `chip` is the record to personalise the chip with, for printers that encode."""

    png: bytes
    pdf: bytes
    chip: bytes | None = None


@dataclass(frozen=True)
class ChipCheck:
    """The chip step: the record was written, read back and compared. Digests, never the content."""

    written_sha256: str
    read_sha256: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.read_sha256 == self.written_sha256


@dataclass(frozen=True)
class Submission:
    job_id: str
    state: JobState
    device_job_id: str | None = None
    reason: str | None = None  # why a card was spoiled, as the device or the chip check said
    chip: ChipCheck | None = None
    # The device already knew this job id: this call printed nothing new.
    already_known: bool = False


@dataclass(frozen=True)
class JobStatus:
    job_id: str
    state: JobState
    device_job_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    conditions: frozenset[Condition] = field(default_factory=frozenset)
    ribbon_remaining: int | None = None  # prints left on the ribbon; None when the device does not say
    ribbon_capacity: int | None = None
    cards_in_feeder: int | None = None
    feeder_capacity: int | None = None
    cards_in_hopper: int | None = None
    hopper_capacity: int | None = None
    message: str = ""

    @property
    def ready(self) -> bool:
        return self.online and not (self.conditions & BLOCKING)


class PrinterError(Exception):
    """The driver could not complete a request."""


class PrinterUnavailable(PrinterError):
    """The printer cannot take a card now, and nothing was consumed: retry later or reroute."""

    def __init__(self, conditions: frozenset[Condition], message: str = "") -> None:
        self.conditions = conditions
        names = ",".join(sorted(conditions))
        super().__init__(f"printer unavailable ({names}){': ' + message if message else ''}")


class ProtocolError(PrinterError):
    """The device answered something the driver does not understand."""


class PrinterDriver(Protocol):
    """A printer as the print-job logic sees it.

    `submit` is idempotent by `job_id` where the device can tell: submitting a job id the device
    already has returns that job's state with `already_known=True` and prints nothing.
    """

    uri: str
    encodes_chip: bool

    def submit(self, job_id: str, document: PrintDocument) -> Submission: ...

    def job_status(self, job_id: str) -> JobStatus: ...

    def printer_status(self) -> PrinterStatus: ...
