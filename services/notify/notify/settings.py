"""Settings of the notify service (environment variables; see README, Configuration and docs/notify.md)."""
import dataclasses

from ektp_shared.settings import Settings, setting


@dataclasses.dataclass(frozen=True)
class NotifySettings(Settings):
    email_providers: str = setting("folder", "Email providers in failover order: `smtp`, `folder`.")
    sms_providers: str = setting("folder", "SMS providers in failover order: `smpp`, `gateway`, `folder`.")
    outbox_dir: str = setting("{data_dir}/outbox", "Folder of the `folder` provider (the embedded profile's message outbox).")
    email_from: str = setting("noreply@dukcapil.go.id", "Sender address of the emails.")
    smtp_host: str = setting("", "SMTP server.")
    smtp_port: int = setting(587, "SMTP port.")
    smtp_security: str = setting("starttls", "`starttls`, `tls` (implicit) or `none`.")
    smtp_username: str = setting("", "SMTP login (empty: none).")
    smtp_password: str = setting("", "SMTP password.", secret=True)
    smtp_ca_file: str = setting("", "CA bundle to verify the SMTP server with (empty: the system's).")
    sms_gateway_url: str = setting("", "HTTP SMS gateway endpoint (userkey/passkey/number/message API).")
    sms_gateway_userkey: str = setting("", "HTTP SMS gateway user key.", secret=True)
    sms_gateway_passkey: str = setting("", "HTTP SMS gateway pass key.", secret=True)
    smpp_host: str = setting("", "SMSC host (SMPP 3.4).")
    smpp_port: int = setting(2775, "SMSC port.")
    smpp_system_id: str = setting("", "SMPP system_id.")
    smpp_password: str = setting("", "SMPP password.", secret=True)
    smpp_source_addr: str = setting("DUKCAPIL", "Sender id shown on the handset.")
    smpp_tls: bool = setting(False, "SMPP over TLS (the SMSC's TLS port, often 3550), its certificate verified against smpp_host; use it where the provider offers it.")
    smpp_ca_file: str = setting("", "CA bundle to verify the SMSC with over TLS (empty: the system's).")
    portal_url: str = setting("http://127.0.0.1:8000", "The citizens' portal as they reach it; messages about a fee link to the application's status page there (`…/permohonan/<application id>`: no personal data).")
    send_batch: int = setting(20, "Messages the sender takes per round.")
    send_retry_delays: str = setting("10,60,300,1800,7200", "Seconds before retrying a message no provider took; then it is failed.")
    send_claim_seconds: int = setting(300, "How long a sender holds a message it is sending; a message held longer (its sender died) is sent again.")
    rate_limit_per_recipient: int = setting(10, "Messages one phone number or email address receives at most per rate_limit_window_seconds; more wait.")
    rate_limit_window_seconds: int = setting(3600, "The window of the per-recipient rate limit.")
