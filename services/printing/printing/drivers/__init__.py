"""Printer drivers. A printer is configured by a URI; its scheme picks the driver."""

from urllib.parse import urlsplit

from .base import (
    BLOCKING,
    ChipCheck,
    Condition,
    JobState,
    JobStatus,
    PrintDocument,
    PrinterDriver,
    PrinterError,
    PrinterStatus,
    PrinterUnavailable,
    ProtocolError,
    Submission,
)
from .cardprinter import CardPrinterDriver
from .ipp import IppDriver

DRIVERS: dict[str, type] = {
    "ipp": IppDriver,
    "ipps": IppDriver,
    "cardprinter": CardPrinterDriver,
}


def driver_for(uri: str, **options: object) -> PrinterDriver:
    """The driver for a printer URI, e.g. ipp://cups:631/printers/KTP1 or cardprinter://10.0.0.7:9100."""
    scheme = urlsplit(uri).scheme
    if scheme not in DRIVERS:
        raise ValueError(f"no printer driver for scheme {scheme!r}; known: {', '.join(sorted(DRIVERS))}")
    return DRIVERS[scheme](uri, **options)


__all__ = [
    "BLOCKING", "DRIVERS", "CardPrinterDriver", "ChipCheck", "Condition", "IppDriver", "JobState", "JobStatus",
    "PrintDocument", "PrinterDriver", "PrinterError", "PrinterStatus", "PrinterUnavailable", "ProtocolError",
    "Submission", "driver_for",
]
