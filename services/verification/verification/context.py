"""What verification's handlers and tasks work with, built once per process."""
from __future__ import annotations

import dataclasses

from ektp_shared.calendar import WorkingDays, parse_closures
from ektp_shared.service import Context, Runtime

from .registry import RegistryFile
from .settings import VerificationSettings


@dataclasses.dataclass(frozen=True)
class VerificationContext(Context):
    settings: VerificationSettings
    registry: RegistryFile  # the family-card registry (SIAK extract), read again when the file changes
    working_days: WorkingDays  # when offices take appointments


def build(runtime: Runtime) -> VerificationContext:
    settings = runtime.settings
    return VerificationContext(settings, RegistryFile(settings.registry_path),
                               WorkingDays(parse_closures(settings.office_closures)))
