"""IPP driver: the card PDF goes to an IPP printer or CUPS queue with Print-Job; state comes from
Get-Jobs and Get-Printer-Attributes.

Idempotency: the job id is sent as the IPP job-name, and before printing the driver asks the
printer for a job of that name from its own user. A job the printer still remembers is not sent
again. (CUPS keeps completed jobs in its history; a device that forgets them cannot be asked.)
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from typing import Any

from pyipp import IPP
from pyipp.enums import IppJobState, IppOperation, IppPrinterState
from pyipp.exceptions import IPPConnectionError, IPPError

from .base import (
    BLOCKING,
    Condition,
    JobState,
    JobStatus,
    PrintDocument,
    PrinterError,
    PrinterStatus,
    PrinterUnavailable,
    Submission,
    check_job_id,
)

_JOB_STATES = {
    IppJobState.PENDING: JobState.QUEUED,
    IppJobState.HELD: JobState.QUEUED,
    IppJobState.PROCESSING: JobState.PRINTING,
    IppJobState.STOPPED: JobState.PRINTING,
    IppJobState.CANCELED: JobState.FAILED,
    IppJobState.ABORTED: JobState.FAILED,
    IppJobState.COMPLETED: JobState.PRINTED,
}

# printer-state-reasons keywords (RFC 8011 §5.4.12, PWG 5100.9) without their -error/-warning/-report suffix.
_REASONS = {
    "media-empty": Condition.FEEDER_EMPTY,
    "media-needed": Condition.FEEDER_EMPTY,
    "input-tray-missing": Condition.FEEDER_EMPTY,
    "output-area-full": Condition.HOPPER_FULL,
    "cover-open": Condition.COVER_OPEN,
    "door-open": Condition.COVER_OPEN,
    "interlock-open": Condition.COVER_OPEN,
    "media-jam": Condition.JAM,
    "marker-supply-empty": Condition.RIBBON_OUT,
    "toner-empty": Condition.RIBBON_OUT,
    "marker-supply-low": Condition.RIBBON_LOW,
    "toner-low": Condition.RIBBON_LOW,
    "paused": Condition.STOPPED,
    "shutdown": Condition.OFFLINE,
    "offline": Condition.OFFLINE,
}
# pyipp sends `attributes-natural-language: en-US`, which CUPS 2.4 (Debian 12, 2.4.2-3+deb12u10) refuses with
# client-error-bad-request: RFC 8011 natural languages are lowercase. pyipp lets a request override its
# defaults (it deep-merges our operation attributes into its own, keeping their required order), so every
# request the driver makes states both attributes itself.
REQUEST_LANGUAGE = {"attributes-charset": "utf-8", "attributes-natural-language": "en"}
_JOB_ATTRIBUTES = ["job-id", "job-name", "job-state", "job-state-reasons"]
_PRINTER_ATTRIBUTES = ["printer-state", "printer-state-reasons", "printer-state-message",
                       "printer-is-accepting-jobs", "marker-levels"]


class IppDriver:
    encodes_chip = False

    def __init__(self, uri: str, *, user: str = "ektp-printing", timeout: float = 10.0,
                 media: str | None = None, ca_file: str = "") -> None:
        """`uri`: ipp://host:port/printers/QUEUE (or ipps://: TLS, the printer's certificate verified against
        its host name and ``ca_file``'s CAs, or the system's). `user` is the requesting-user-name the
        driver finds its own jobs by. `media`, when set, is sent with each job (e.g. a card size
        name); otherwise the queue's default applies, which for a card printer is the card."""
        self.uri = uri
        # pyipp does not verify by default: a card with personal data must not go to whoever answers.
        self._tls: ssl.SSLContext | bool = (ssl.create_default_context(cafile=ca_file or None)
                                            if uri.startswith("ipps://") else False)
        self._user = user
        self._timeout = timeout
        self._media = media

    def submit(self, job_id: str, document: PrintDocument) -> Submission:
        check_job_id(job_id)
        if document.chip is not None:
            raise ValueError("an IPP printer has no chip encoder: send the chip record to a card printer")
        known = self._find(job_id)
        if known is not None:
            return Submission(job_id, known.state, known.device_job_id, known.reason, already_known=True)
        status = self.printer_status()
        if status.conditions & BLOCKING:
            raise PrinterUnavailable(status.conditions & BLOCKING, status.message)
        attributes: dict[str, Any] = {
            "requesting-user-name": self._user,
            "job-name": job_id,
            "document-format": "application/pdf",
        }
        request: dict[str, Any] = {"operation-attributes-tag": attributes, "data": document.pdf}
        if self._media:
            request["job-attributes-tag"] = {"media": self._media}
        response = self._execute(IppOperation.PRINT_JOB, request)
        job = _first(response["jobs"])
        return Submission(job_id, _JOB_STATES.get(job.get("job-state"), JobState.QUEUED), str(job["job-id"]))

    def job_status(self, job_id: str) -> JobStatus:
        check_job_id(job_id)
        return self._find(job_id) or JobStatus(job_id, JobState.UNKNOWN)

    def printer_status(self) -> PrinterStatus:
        try:
            response = self._execute(IppOperation.GET_PRINTER_ATTRIBUTES,
                                     {"operation-attributes-tag": {"requested-attributes": _PRINTER_ATTRIBUTES}})
        except PrinterError as exc:
            # A poller wants an answer, not an exception: an unreachable or unknown queue is not up.
            return PrinterStatus(online=False, conditions=frozenset({Condition.OFFLINE}), message=str(exc))
        printer = _first(response["printers"])
        conditions = conditions_of(printer)
        levels = [level for level in _values(printer.get("marker-levels")) if isinstance(level, int) and level >= 0]
        # IPP reports supply levels in percent: capacity 100.
        ribbon = min(levels) if levels else None
        return PrinterStatus(
            online=Condition.OFFLINE not in conditions,
            conditions=conditions,
            ribbon_remaining=ribbon,
            ribbon_capacity=100 if ribbon is not None else None,
            message=str(printer.get("printer-state-message") or ""),
        )

    def _find(self, job_id: str) -> JobStatus | None:
        response = self._execute(IppOperation.GET_JOBS, {"operation-attributes-tag": {
            "requesting-user-name": self._user,
            "which-jobs": "all",
            "my-jobs": True,
            "requested-attributes": _JOB_ATTRIBUTES,
        }})
        # Newest first: if an operator resubmitted by hand, the latest attempt is the one that counts.
        for job in sorted(response["jobs"], key=lambda j: j.get("job-id", 0), reverse=True):
            if "job-name" not in job:
                # CUPS leaves the name out of Get-Jobs for a job it has just unloaded from memory after
                # it finished; asking for that one job loads it again.
                job = self._job_attributes(job["job-id"])
            if job.get("job-name") == job_id:
                reasons = [r for r in _keywords(job.get("job-state-reasons")) if r != "none"]
                return JobStatus(job_id, _JOB_STATES.get(job.get("job-state"), JobState.QUEUED),
                                 str(job["job-id"]), ",".join(reasons) or None)
        return None

    def _job_attributes(self, device_job_id: int) -> dict[str, Any]:
        response = self._execute(IppOperation.GET_JOB_ATTRIBUTES, {"operation-attributes-tag": {
            "requesting-user-name": self._user,
            "job-id": device_job_id,
            "requested-attributes": _JOB_ATTRIBUTES,
        }})
        return _first(response["jobs"])

    def _execute(self, operation: IppOperation, message: dict[str, Any]) -> dict[str, Any]:
        message = {**message, "operation-attributes-tag": {**REQUEST_LANGUAGE, **message["operation-attributes-tag"]}}

        async def call() -> dict[str, Any]:
            async with IPP(self.uri, request_timeout=self._timeout, verify_ssl=self._tls) as ipp:
                return await ipp.execute(operation, message)

        try:
            return asyncio.run(call())
        except IPPConnectionError as exc:
            raise PrinterUnavailable(frozenset({Condition.OFFLINE}), str(exc)) from exc
        except IPPError as exc:
            raise PrinterError(f"IPP {operation.name} failed: {exc}") from exc


def conditions_of(printer: dict[str, Any]) -> frozenset[Condition]:
    """Conditions from a printer's IPP attributes (printer-state, -state-reasons, -is-accepting-jobs)."""
    conditions = {_REASONS[reason] for reason in _keywords(printer.get("printer-state-reasons")) if reason in _REASONS}
    if printer.get("printer-state") == IppPrinterState.STOPPED or not printer.get("printer-is-accepting-jobs", True):
        conditions.add(Condition.STOPPED)
    return frozenset(conditions)


def _first(groups: list[dict[str, Any]]) -> dict[str, Any]:
    if not groups:
        raise PrinterError("IPP response without the expected attribute group")
    return groups[0]


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _keywords(value: Any) -> Iterable[str]:
    for keyword in _values(value):
        for suffix in ("-error", "-warning", "-report"):
            if keyword.endswith(suffix):
                keyword = keyword[: -len(suffix)]
                break
        yield keyword
