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
        self.fields = [e.get("field") for e in body.get("errors", []) if e.get("field")]


class SignedOut(Exception):
    """The service does not accept the token any more (it expired): sign in again."""


class Api:
    def __init__(self, base_url: str, token: str, timeout: float):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, *, params: dict | None = None, json: Any = None) -> Any:
        try:
            response = requests.request(method, self.base_url + path, params=params, json=json, headers=self.headers,
                                        timeout=self.timeout)
        except requests.RequestException as exc:
            raise Unavailable(str(exc)) from exc
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
        return response.json() if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, json=body if body is not None else {})

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
