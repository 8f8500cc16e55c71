"""Settings of the intake service (environment variables; see README, Configuration)."""
import dataclasses

from ektp_shared.settings import Settings, setting


@dataclasses.dataclass(frozen=True)
class IntakeSettings(Settings):
    photo_background_policy: str = setting("red", "4x6 photo background rule: `red`, or `birth-year-parity` (red for odd birth years, blue for even).")
    correction_cap: int = setting(3, "Correction rounds a citizen may go through before the case goes to a supervisor.")
