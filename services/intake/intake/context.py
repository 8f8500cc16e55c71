"""What intake's handlers, tasks and routes work with, built once per process."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ektp_shared.service import Context, Runtime

from .settings import IntakeSettings


@dataclasses.dataclass(frozen=True)
class IntakeContext(Context):
    settings: IntakeSettings
    lookup_hash: Callable[[str], str]  # the keyed hash a NIK or a token is found by, never the value itself

    def address_key(self, channel: str, address: str) -> str:
        """The keyed hash of a (normalised) phone number or email address."""
        return self.lookup_hash(f"{channel}:{address}")


def build(runtime: Runtime) -> IntakeContext:
    return IntakeContext(runtime.settings, runtime.cipher.lookup_hash)
