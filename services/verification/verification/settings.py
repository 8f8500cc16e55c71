"""Settings of the verification service (environment variables; see README, Configuration)."""
import dataclasses

from ektp_shared.settings import Settings, setting


@dataclasses.dataclass(frozen=True)
class VerificationSettings(Settings):
    office_daily_capacity: int = setting(30, "Biometric-capture appointments an office takes per working day.")
