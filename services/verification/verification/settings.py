"""Settings of the verification service (environment variables; see README, Configuration)."""
import dataclasses

from ektp_shared.settings import DEVELOPMENT_SECRET, Settings, SettingsError, setting

from .rules.offices import parse_hours


@dataclasses.dataclass(frozen=True)
class VerificationSettings(Settings):
    office_daily_capacity: int = setting(30, "Biometric-capture appointments an office takes per working day, unless the office is configured otherwise (`PUT /v1/offices/<code>`).")
    office_hours: str = setting("08:00-15:00", "Opening hours (office local time) in which appointments are given, unless the office is configured otherwise.")
    appointment_search_days: int = setting(60, "How many days ahead an appointment is searched for before booking fails.")
    correction_cap: int = setting(3, "Correction rounds a verifier may ask for; past the cap the case goes to a supervisor.")
    claim_lease_seconds: int = setting(900, "How long an officer's claim on a case lasts without a decision (an abandoned case returns to the queue).")
    no_show_grace_minutes: int = setting(60, "Minutes after the office closes on the appointment day before a missing capture counts as a no-show.")
    no_show_expiry_days: int = setting(14, "Days after a no-show before the application expires, unless the citizen books another appointment.")
    interview_reminder_hours: int = setting(24, "Hours before an interview when the citizen is reminded (once; not for an interview booked later than that).")
    interview_max_no_shows: int = setting(2, "Interviews a citizen may miss; at this many the case goes to a supervisor instead of a new interview.")
    registry_path: str = setting("", "Family-card registry (SIAK extract), CSV or JSON; empty = the synthetic registry shipped for development.")
    document_link_seconds: int = setting(300, "Lifetime of the signed links to documents and face images an officer is given.")
    intake_url: str = setting("http://127.0.0.1:8001", "Base URL of the intake service as officers' browsers reach it (document links).")
    biometrics_url: str = setting("http://127.0.0.1:8003", "Base URL of the biometrics service as officers' browsers reach it (face image links).")
    intake_link_secret: str = setting(DEVELOPMENT_SECRET, "intake's link key (intake's EKTP_LINK_SECRET): signs the links to documents an officer is given.", secret=True)
    biometrics_link_secret: str = setting(DEVELOPMENT_SECRET, "biometrics's link key (biometrics's EKTP_LINK_SECRET): signs the links to face images an officer is given.", secret=True)

    def __post_init__(self) -> None:
        try:
            parse_hours(self.office_hours)
        except ValueError as exc:
            raise SettingsError(f"EKTP_VERIFICATION_OFFICE_HOURS: {exc}") from exc
        if self.office_daily_capacity < 1 or self.correction_cap < 0:
            raise SettingsError("EKTP_VERIFICATION_OFFICE_DAILY_CAPACITY must be ≥ 1 and EKTP_VERIFICATION_CORRECTION_CAP ≥ 0")
