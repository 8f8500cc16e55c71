"""Settings of the printing service (environment variables; see README, Configuration and docs/printing.md)."""
import dataclasses

from ektp_shared.settings import Settings, setting


@dataclasses.dataclass(frozen=True)
class PrintingSettings(Settings):
    printer_uri: str = setting("cardprinter://127.0.0.1:9631", "The card printer (`cardprinter://host:port`) or IPP queue (`ipp://host:631/printers/NAME`).")
    printer_emulator: bool = setting(True, "Start a card-printer emulator at printer_uri inside the worker (embedded and local profiles).")
    biometrics_url: str = setting("http://127.0.0.1:8003", "Base URL of the biometrics API (the portrait for the card).")
    pickup_after_days: int = setting(1, "Working days after printing from which a card can be collected.")
    print_batch: int = setting(5, "Print jobs the worker takes per round.")
    print_retry_seconds: int = setting(30, "Wait before retrying a job whose printer was unavailable.")
