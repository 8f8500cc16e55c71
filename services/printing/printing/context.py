"""What printing's handlers, tasks and routes work with, built once per process: the drivers that reach a
printer by its URI, the working days that decide pickup dates, and where the holder's portrait comes from."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ektp_shared.calendar import WorkingDays, parse_closures
from ektp_shared.links import LinkSigner
from ektp_shared.service import Context, Runtime

from .drivers import PrinterDriver, driver_for
from .portraits import Portraits
from .settings import PrintingSettings

DriverFor = Callable[..., PrinterDriver]  # (uri, **options) -> the driver of that printer


@dataclasses.dataclass(frozen=True)
class PrintingContext(Context):
    settings: PrintingSettings
    drivers: DriverFor
    working_days: WorkingDays
    portraits: Portraits
    lookup_hash: Callable[[str], str]  # the keyed hash a NIK or No. KK is found by, never the number itself


def drivers_of(settings: PrintingSettings) -> DriverFor:
    """The driver factory: an ``ipps://`` printer is verified against ``printer_ca_file``."""

    def driver(uri: str, **options: object) -> PrinterDriver:
        if uri.startswith("ipps://"):
            options = {"ca_file": settings.printer_ca_file, **options}
        return driver_for(uri, **options)

    return driver


def build(runtime: Runtime) -> PrintingContext:
    settings = runtime.settings
    return PrintingContext(settings, drivers_of(settings), WorkingDays(parse_closures(settings.office_closures)),
                           Portraits(runtime.objects, settings.biometrics_url, LinkSigner(settings.biometrics_link_secret),
                                     settings.intake_url, LinkSigner(settings.intake_link_secret)),
                           runtime.cipher.lookup_hash)
