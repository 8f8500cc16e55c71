"""The portal's settings (``EKTP_PORTAL_*`` or ``EKTP_*``); the platform's common ones come with them."""
from __future__ import annotations

import dataclasses

from ektp_shared.settings import DEVELOPMENT_SECRET, Settings, setting


@dataclasses.dataclass(frozen=True)
class PortalSettings(Settings):
    intake_url: str = setting("http://127.0.0.1:8001", "Base URL of intake's API, which the portal calls for the citizen.")
    intake_timeout_seconds: float = setting(15.0, "How long a page waits for intake before it says the service is busy.")
    secret_key: str = setting(DEVELOPMENT_SECRET, "Key signing the portal's session cookie and its forms' CSRF tokens.", secret=True)
    cookie_secure: bool = setting(True, "Send the session cookie over HTTPS only (false only for plain http on one machine).")
    session_hours: int = setting(12, "Lifetime of the session cookie; the sign-in itself lapses sooner when idle (intake's rules).")

    def development_secrets(self) -> list[str]:
        """The portal holds no data and signs no events: its cookie key is its one secret."""
        return ["EKTP_PORTAL_SECRET_KEY"] if self.secret_key == DEVELOPMENT_SECRET else []
