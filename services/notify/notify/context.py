"""What notify's handlers and tasks work with, built once per process: the providers of each channel in
their failover order, and the keyed hash that names a recipient for the rate limit."""
from __future__ import annotations

import dataclasses

from ektp_shared.service import Context, Runtime

from .channels import Channels, build_channels
from .deliveries import RecipientKey
from .settings import NotifySettings


@dataclasses.dataclass(frozen=True)
class NotifyContext(Context):
    settings: NotifySettings
    channels: Channels
    recipient_key: RecipientKey


def build(runtime: Runtime) -> NotifyContext:
    cipher = runtime.cipher
    return NotifyContext(runtime.settings, build_channels(runtime.settings),
                         lambda channel, address: cipher.lookup_hash(f"{channel}:{address}"))
