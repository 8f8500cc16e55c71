"""Settings of the intake service (environment variables; see README, Configuration)."""
import dataclasses

from ektp_shared.settings import Settings, SettingsError, setting

from .rules.photo import BackgroundPolicy


@dataclasses.dataclass(frozen=True)
class IntakeSettings(Settings):
    photo_background_policy: str = setting("red", "4x6 photo background rule: `red` (what the online service asks), or `birth-year-parity` (red for odd birth years, blue for even, as Dukcapil stated in 2025).")
    max_image_pixels: int = setting(12_000_000, "Largest picture accepted (width × height), checked from its header before any decoding.")
    idempotency_retention_seconds: int = setting(86400, "How long an Idempotency-Key is remembered (a client's retries come within it).")

    def __post_init__(self) -> None:
        policies = [p.value for p in BackgroundPolicy]
        if self.photo_background_policy not in policies:
            raise SettingsError(f"EKTP_INTAKE_PHOTO_BACKGROUND_POLICY: {self.photo_background_policy!r} is not one of "
                                f"{', '.join(policies)}")
