"""Settings of the biometrics service (environment variables; see README, Configuration)."""
import dataclasses

from ektp_shared.settings import Settings, setting


@dataclasses.dataclass(frozen=True)
class BiometricsSettings(Settings):
    min_fingers: int = setting(2, "Fingers a capture must contain (the chip carries two; offices capture ten).")
    target_fpir: int = setting(30, "1:N decision threshold, MOSIP style: round(-10*log10(FPIR)); 30 = FPIR 0.001.")
