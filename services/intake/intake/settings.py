"""Settings of the intake service (environment variables; see README, Configuration)."""
import dataclasses

from ektp_shared.settings import DEVELOPMENT_SECRET, Settings, SettingsError, setting

from .rules.photo import BackgroundPolicy


@dataclasses.dataclass(frozen=True)
class IntakeSettings(Settings):
    link_secret: str = setting(DEVELOPMENT_SECRET, "HMAC key of the short-lived links to its documents (officers' browsers, biometrics), which it checks (its own: no other document service shares it).", secret=True)
    photo_background_policy: str = setting("red", "4x6 photo background rule: `red` (what the online service asks), or `birth-year-parity` (red for odd birth years, blue for even, as Dukcapil stated in 2025).")
    max_image_pixels: int = setting(12_000_000, "Largest picture accepted (width × height), checked from its header before any decoding.")
    idempotency_retention_seconds: int = setting(86400, "How long an Idempotency-Key is remembered (a client's retries come within it).")
    code_seconds: int = setting(300, "How long a one-time sign-in code is valid.")
    code_tries: int = setting(5, "Wrong entries a one-time code allows before it is spent.")
    code_resend_seconds: int = setting(60, "Shortest wait before another code is sent to the same address.")
    session_idle_seconds: int = setting(900, "A citizen's sign-in lapses after this long without a request; every request renews it.")
    session_max_seconds: int = setting(12 * 3600, "A citizen's sign-in lapses this long after the code, however active.")
    draft_days: int = setting(30, "Days after which a draft that was never submitted expires.")
    document_retention_days: int = setting(90, "Days after an application was rejected or expired before its documents (and their objects) are deleted.")
    limit_code_requests: str = setting("30 per hour", "Code requests per client address (Flask-Limiter syntax: `N per minute|hour|day`, `;` between several).")
    limit_code_requests_per_nik: str = setting("5 per hour", "Code requests per NIK.")
    limit_code_checks: str = setting("60 per hour", "Code entries per client address (generous: many phones share one carrier address).")
    limit_code_checks_per_nik: str = setting("10 per 15 minutes", "Code entries per NIK.")
    limit_drafts: str = setting("30 per hour", "New drafts per client address.")
    limit_drafts_per_nik: str = setting("5 per day", "New drafts per NIK.")
    limit_tracking: str = setting("20 per minute; 300 per day", "Tracking requests (receipt number and NIK) per client address.")
    limit_tracking_per_nik: str = setting("10 per hour", "Tracking requests per NIK.")
    payment_snap_url: str = setting("", "Midtrans Snap base URL (`https://app.midtrans.com`; sandbox `https://app.sandbox.midtrans.com`); empty = no payment gateway, and no fee other than Rp0 can be set.")
    payment_api_url: str = setting("", "Midtrans API base URL for transaction status (`https://api.midtrans.com`; sandbox `https://api.sandbox.midtrans.com`).")
    payment_server_key: str = setting("", "Midtrans server key: authenticates intake to the gateway and checks the signature of its notifications.", secret=True)
    payment_notification_url: str = setting("", "Intake's payment webhook as the gateway reaches it (`https://…/v1/payments/midtrans/notification`), sent with each transaction.")
    payment_days: int = setting(14, "Days an application waits for its regional fee before it expires unpaid (the citizen may then apply again).")
    payment_reminder_days: int = setting(3, "Days before the pay-by date that a citizen who has not paid is reminded, once (0 = no reminder).")
    payment_refund_seconds: int = setting(300, "How often a refund of a late payment that the gateway did not take is tried again.")
    payment_finish_url: str = setting("", "Where the gateway sends the citizen after paying (the portal's page of their applications); empty = the gateway's own page.")

    def __post_init__(self) -> None:
        policies = [p.value for p in BackgroundPolicy]
        if self.photo_background_policy not in policies:
            raise SettingsError(f"EKTP_INTAKE_PHOTO_BACKGROUND_POLICY: {self.photo_background_policy!r} is not one of "
                                f"{', '.join(policies)}")
        if not 0 <= self.payment_reminder_days < self.payment_days:
            raise SettingsError(f"EKTP_INTAKE_PAYMENT_REMINDER_DAYS: {self.payment_reminder_days} must be at least 0 "
                                f"and less than EKTP_INTAKE_PAYMENT_DAYS ({self.payment_days})")
