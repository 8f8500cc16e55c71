"""The providers of each channel, built from the settings in the configured failover order."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .providers import (
    EMAIL,
    SMS,
    Failover,
    FolderProvider,
    GatewayConfig,
    HttpSmsGatewayProvider,
    Provider,
    SmppConfig,
    SmppSmsProvider,
    SmtpConfig,
    SmtpEmailProvider,
    failover,
)
from .settings import NotifySettings


@dataclasses.dataclass
class Channels:
    email: Failover
    sms: Failover
    smpp: SmppSmsProvider | None

    def by_name(self) -> dict[str, Failover]:
        return {EMAIL: self.email, SMS: self.sms}

    def close(self) -> None:
        for chain in (self.email, self.sms):
            for provider in chain.providers:
                provider.close()


def _wanted(order: str) -> set[str]:
    return {name.strip() for name in order.split(",") if name.strip()}


def build_channels(settings: NotifySettings) -> Channels:
    outbox = Path(settings.outbox_dir)
    email: dict[str, Provider] = {}
    sms: dict[str, Provider] = {}
    smpp = None
    if "folder" in _wanted(settings.email_providers):
        email["folder"] = FolderProvider(outbox, EMAIL, sender=settings.email_from)
    if "smtp" in _wanted(settings.email_providers):
        email["smtp"] = SmtpEmailProvider(SmtpConfig(
            host=settings.smtp_host, sender=settings.email_from, port=settings.smtp_port, security=settings.smtp_security,
            username=settings.smtp_username, password=settings.smtp_password, ca_file=settings.smtp_ca_file))
    if "folder" in _wanted(settings.sms_providers):
        sms["folder"] = FolderProvider(outbox, SMS)
    if "gateway" in _wanted(settings.sms_providers):
        sms["gateway"] = HttpSmsGatewayProvider(GatewayConfig(url=settings.sms_gateway_url,
                                                              userkey=settings.sms_gateway_userkey,
                                                              passkey=settings.sms_gateway_passkey))
    if "smpp" in _wanted(settings.sms_providers):
        smpp = SmppSmsProvider(SmppConfig(host=settings.smpp_host, port=settings.smpp_port,
                                          system_id=settings.smpp_system_id, password=settings.smpp_password,
                                          source_addr=settings.smpp_source_addr, tls=settings.smpp_tls,
                                          ca_file=settings.smpp_ca_file))
        sms["smpp"] = smpp
    return Channels(failover(EMAIL, settings.email_providers, email), failover(SMS, settings.sms_providers, sms), smpp)
