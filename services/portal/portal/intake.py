"""The portal's client of intake's public API: one method per call a page makes. It sends the citizen's token
and address (intake counts its rate limits per client address: the portal is a proxy in front of it), and
turns intake's answers into values or exceptions a page can show."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, BinaryIO

import requests


class IntakeError(Exception):
    """Intake said no (4xx): its error body names the rule (``code``) and the fields at fault."""

    def __init__(self, status: int, body: dict[str, Any], retry_after: str | None = None):
        super().__init__(f"intake answered {status}: {body.get('code')}")
        self.status = status
        self.body = body
        self.retry_after = retry_after

    @property
    def code(self) -> str:
        return str(self.body.get("code") or "")

    @property
    def errors(self) -> list[dict[str, str]]:
        return [e for e in self.body.get("errors") or [] if isinstance(e, dict)]

    @property
    def findings(self) -> list[dict[str, str]]:
        return [f for f in self.body.get("findings") or [] if isinstance(f, dict)]


class SignedOut(IntakeError):
    """401: the citizen's sign-in lapsed or was never there."""


class Unavailable(Exception):
    """Intake did not answer (network, timeout, 5xx): the page asks the citizen to try again shortly."""


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str


class Intake:
    """The connection to intake; ``on_behalf(client, token)`` gives the calls of one citizen's request."""

    def __init__(self, base_url: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()  # a requests.Session per serving thread (pooled connections)

    def on_behalf(self, client: str | None, token: str | None = None) -> "Calls":
        return Calls(self, client, token)

    def _http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def call(self, method: str, path: str, *, token: str | None, client: str | None,
             headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Accept": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if client:
            headers["X-Forwarded-For"] = client
        try:
            response = self._http().request(method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise Unavailable(f"intake unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise Unavailable(f"intake answered {response.status_code}")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"code": "error", "message": response.text[:200]}
            error = SignedOut if response.status_code == 401 else IntakeError
            raise error(response.status_code, body if isinstance(body, dict) else {}, response.headers.get("Retry-After"))
        return response


@dataclass(frozen=True)
class Calls:
    """Intake's API as one citizen's request uses it (their address; their token once signed in)."""

    intake: Intake
    client: str | None
    token: str | None

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.intake.call(method, path, token=self.token, client=self.client, **kwargs)
        return response.json() if response.content else None

    def _download(self, path: str) -> Download:
        response = self.intake.call("GET", path, token=self.token, client=self.client)
        return Download(response.content, response.headers.get("Content-Type", "application/octet-stream"))

    # -- signing in ------------------------------------------------------------------------------------

    def request_code(self, nik: str, channel: str, address: str, language: str) -> dict[str, Any]:
        """A code to the address; with a token, for adding the address to that sign-in."""
        return self._json("POST", "/v1/citizen/codes",
                          json={"nik": nik, "channel": channel, "address": address, "language": language})

    def sign_in(self, request_id: str, nik: str, code: str) -> dict[str, Any]:
        return self._json("POST", "/v1/citizen/sessions", json={"request_id": request_id, "nik": nik, "code": code})

    def add_address(self, request_id: str, code: str) -> None:
        self._json("POST", "/v1/citizen/session/addresses", json={"request_id": request_id, "code": code})

    def session_state(self) -> dict[str, Any]:
        return self._json("GET", "/v1/citizen/session")

    def sign_out(self) -> None:
        self._json("DELETE", "/v1/citizen/session")

    # -- the citizen's applications --------------------------------------------------------------------

    def mine(self) -> list[dict[str, Any]]:
        return self._json("GET", "/v1/citizen/applications")

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._json("POST", "/v1/applications", json=body)

    def update(self, application_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json("PUT", f"/v1/applications/{application_id}", json=body)

    def read(self, application_id: str) -> dict[str, Any]:
        return self._json("GET", f"/v1/applications/{application_id}")

    def review(self, application_id: str) -> dict[str, Any]:
        return self._json("GET", f"/v1/applications/{application_id}/review")

    def upload(self, application_id: str, kind: str, stream: BinaryIO, filename: str, content_type: str) -> dict[str, Any]:
        return self._json("PUT", f"/v1/applications/{application_id}/documents/{kind}",
                          files={"file": (filename or kind, stream, content_type or "application/octet-stream")})

    def document(self, application_id: str, kind: str) -> Download:
        return self._download(f"/v1/applications/{application_id}/documents/{kind}")

    def submit(self, application_id: str, key: str) -> dict[str, Any]:
        # The same Idempotency-Key for a form sent twice (a double tap, a retry): one submission.
        return self._json("POST", f"/v1/applications/{application_id}/submit", headers={"Idempotency-Key": key})

    def receipt(self, application_id: str, suffix: str) -> Download:
        return self._download(f"/v1/applications/{application_id}/receipt.{suffix}")

    def pay_link(self, application_id: str) -> dict[str, Any]:
        return self._json("POST", f"/v1/applications/{application_id}/payment")

    def reschedule(self, application_id: str, not_before: str | None) -> dict[str, Any]:
        return self._json("POST", f"/v1/applications/{application_id}/appointment/reschedule",
                          json={"not_before": not_before})

    # -- without signing in ----------------------------------------------------------------------------

    def track(self, receipt_number: str, nik: str) -> dict[str, Any]:
        return self._json("POST", "/v1/applications/track", json={"receipt_number": receipt_number, "nik": nik})

    def validate_nik(self, nik: str, birth_date: str | None = None, gender: str | None = None) -> dict[str, Any]:
        body = {"nik": nik, **({"birth_date": birth_date} if birth_date else {}), **({"gender": gender} if gender else {})}
        return self._json("POST", "/v1/nik/validate", json=body)
