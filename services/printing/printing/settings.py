"""Settings of the printing service (environment variables; see README, Configuration and docs/printing.md)."""
import dataclasses

from ektp_shared.settings import DEVELOPMENT_SECRET, Settings, setting


@dataclasses.dataclass(frozen=True)
class PrintingSettings(Settings):
    printer_uri: str = setting("cardprinter://127.0.0.1:9631", "The shared fleet: printers for every office without printers of its own, comma separated (`cardprinter://host:port`, `ipp://host:631/printers/NAME`); registered as `shared-1`, `shared-2`, ...")
    printer_ca_file: str = setting("", "CAs (PEM) that sign the `ipps://` printers' certificates (empty: the system's); a printer whose certificate does not verify gets no card.")
    printer_poll_seconds: float = setting(15.0, "How often the worker asks every printer for its status (rotation and metrics).")
    biometrics_url: str = setting("http://127.0.0.1:8003", "Base URL of the biometrics API (the portrait for the card).")
    biometrics_link_secret: str = setting(DEVELOPMENT_SECRET, "biometrics's link key (biometrics's EKTP_LINK_SECRET): signs the links to the portrait it fetches.", secret=True)
    intake_url: str = setting("http://127.0.0.1:8001", "Base URL of the intake API (a child's card, KIA: the photo uploaded with the application is its portrait).")
    intake_link_secret: str = setting(DEVELOPMENT_SECRET, "intake's link key (intake's EKTP_LINK_SECRET): signs the links to a KIA's photo it fetches.", secret=True)
    pickup_after_days: int = setting(1, "Working days after printing from which a card can be collected.")
    print_batch: int = setting(5, "Print jobs the worker takes per round.")
    print_retry_seconds: int = setting(30, "First wait before retrying a print job that could not go ahead; it doubles with each retry.")
    print_retry_max_seconds: int = setting(900, "Longest wait between retries of a print job.")
    max_spoiled_cards: int = setting(3, "Spoiled cards (jam, chip failure) one print job may use before it waits for an operator's reprint decision.")
    representative_policy: str = setting("power_of_attorney", "Who may collect a card for the applicant, for offices without a policy of their own: `none`, `same_kk` (a family member on the same KK) or `power_of_attorney` (also anyone with an uploaded surat kuasa).")
    low_stock_threshold: int = setting(50, "Blank cards left at which an office's stock is low (first-time applicants first), for offices without a policy of their own.")
    qc_by_operator: bool = setting(False, "Whether an operator must pass each printed card before pickup is announced, for offices without a policy of their own (otherwise the printer's checks pass it).")
    development_stock: int = setting(1000, "Blank cards an office that never received a batch is given on its first print (development and demos; 0 in production).")
    temporary_letter_months: int = setting(6, "Validity of the temporary identity letter (Surat Keterangan) issued when an office is out of blank cards.")
    reminder_after_days: int = setting(14, "Days after the pickup date before the first reminder to collect the card.")
    reminder_every_days: int = setting(14, "Days between pickup reminders.")
    reminders_max: int = setting(3, "Reminders sent for one uncollected card.")
    uncollected_report_days: int = setting(60, "Days after the pickup date from which an uncollected card is reported.")
