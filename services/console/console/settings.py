"""The console's settings (``EKTP_CONSOLE_*`` or ``EKTP_*``); the platform's common ones (the officers' token
settings among them) come with them."""
from __future__ import annotations

import dataclasses

from ektp_shared.settings import DEVELOPMENT_SECRET, Settings, setting


@dataclasses.dataclass(frozen=True)
class ConsoleSettings(Settings):
    verification_url: str = setting("http://127.0.0.1:8002", "Base URL of verification's API.")
    biometrics_url: str = setting("http://127.0.0.1:8003", "Base URL of biometrics' API.")
    printing_url: str = setting("http://127.0.0.1:8004", "Base URL of printing's API.")
    api_timeout_seconds: float = setting(15.0, "How long a page waits for a service before it says the service is busy.")
    secret_key: str = setting(DEVELOPMENT_SECRET, "Key signing the console's session cookie and its forms' CSRF tokens.", secret=True)
    cookie_secure: bool = setting(True, "Send the session cookie over HTTPS only (false only for plain http on one machine).")
    session_hours: int = setting(10, "Longest a console session lasts (the provider's access token usually lapses sooner).")
    public_url: str = setting("", "The console's own address as browsers reach it (for the sign-in callback); empty: http://<http_host>:<http_port>.")
    oidc_issuer: str = setting("", "The OpenID Connect provider (Keycloak realm URL); empty: the development sign-in (refused in production).")
    oidc_client_id: str = setting("ektp-console", "The console's client at the provider.")
    oidc_client_secret: str = setting("", "The console's client secret at the provider.", secret=True)

    def development_secrets(self) -> list[str]:
        # The console signs no events, hashes no lookups, signs no links and encrypts no data: of the platform's
        # secrets only the officers' token check concerns it, and with a provider that uses the provider's keys.
        # Without a provider it signs officers in with development tokens: a development credential.
        found = ["EKTP_CONSOLE_SECRET_KEY"] if self.secret_key == DEVELOPMENT_SECRET else []
        if not self.oidc_issuer:
            found.append("EKTP_CONSOLE_OIDC_ISSUER")
        if not self.oidc_client_secret:
            found.append("EKTP_CONSOLE_OIDC_CLIENT_SECRET")
        return found

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")
