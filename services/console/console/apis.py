"""The services' officer APIs, called with the signed-in officer's own access token: the console holds no
power of its own, so the services' roles and office boundary apply to every page as they apply to curl."""
from __future__ import annotations

from typing import Any

import requests


class Unavailable(Exception):
    """The service did not answer in time (or at all)."""


class Refused(Exception):
    """The service said no (4xx): its status, code and message, shown to the officer as they are."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(body.get("message", ""))
        self.status, self.code, self.message = status, body.get("code", ""), body.get("message", "")
        self.errors = [e for e in body.get("errors", []) if e.get("field")]
        self.fields = [e["field"] for e in self.errors]


class SignedOut(Exception):
    """The service does not accept the token any more (it expired): sign in again."""


class Api:
    def __init__(self, base_url: str, token: str, timeout: float):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
             files: dict[str, tuple[str, bytes]] | None = None, data: dict[str, str] | None = None) -> Any:
        return self._answer(self._send(method, path, params=params, json=json if files is None else None, files=files,
                                       data=data))

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = requests.request(method, self.base_url + path, headers=self.headers, timeout=self.timeout,
                                        **kwargs)
        except requests.RequestException as exc:
            raise Unavailable(str(exc)) from exc
        return response

    @staticmethod
    def _refusal(response: requests.Response) -> None:
        if response.status_code == 401:
            raise SignedOut()
        if 400 <= response.status_code < 500:
            try:
                body = response.json()
            except ValueError:
                body = {"message": response.text[:200]}
            raise Refused(response.status_code, body)
        if response.status_code >= 500:
            raise Unavailable(f"HTTP {response.status_code}")

    def _answer(self, response: requests.Response) -> Any:
        self._refusal(response)
        return response.json() if response.content else None

    def download(self, path: str) -> tuple[bytes, str]:
        """A file the service serves to this officer (an image, a PDF): its bytes and content type."""
        response = self._send("GET", path)
        self._refusal(response)
        return response.content, response.headers.get("Content-Type", "application/octet-stream")

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, json=body if body is not None else {})

    def upload(self, path: str, files: dict[str, tuple[str, bytes]], data: dict[str, str] | None = None,
               method: str = "POST") -> Any:
        """A multipart request of ``{field: (filename, bytes)}`` and form fields ``data``."""
        return self.call(method, path, files=files, data=data)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)


def fetch_bytes(url: str, timeout: float) -> tuple[bytes, str] | None:
    """A document by its short-lived signed link (the signature is the permission); None when it cannot be had."""
    try:
        response = requests.get(url, timeout=timeout)
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    return response.content, response.headers.get("Content-Type", "application/octet-stream")


def of(service: str) -> Api:
    """The officer's client of a service (``verification``, ``biometrics``, ``printing``, ``notify``)."""
    from flask import current_app

    from . import officer

    settings = current_app.extensions["console_settings"]
    return Api(getattr(settings, f"{service}_url"), officer.token(), settings.api_timeout_seconds)
