"""The payment-provider adapter for Midtrans Snap, over its HTTP API.

- Create a transaction: ``POST {snap_url}/snap/v1/transactions`` with HTTP Basic auth (the server key as user,
  an empty password) and ``{"transaction_details": {"order_id", "gross_amount"}, "item_details": [...]}``;
  201 answers ``{"token", "redirect_url"}``, the page where the citizen pays. The header
  ``X-Override-Notification`` tells Midtrans where to POST this transaction's notifications.
- Its status: ``GET {api_url}/v2/{order_id}/status`` (same auth), read before a notification is trusted.
- A refund of a settled transaction: ``POST {api_url}/v2/{order_id}/refund`` with ``{"refund_key", "amount",
  "reason"}``; a repeated ``refund_key`` refunds once. Midtrans answers HTTP 200 with the outcome in the body's
  ``status_code`` ("200": approved; "412": the transaction cannot be refunded, …).

Errors of the gateway (unreachable, 5xx, a body that is not what Midtrans sends) raise ``GatewayError``.
"""
from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

import requests

TIMEOUT_SECONDS = 10


class GatewayError(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Checkout:
    token: str
    redirect_url: str


@dataclasses.dataclass(frozen=True)
class Refund:
    approved: bool
    status_code: str  # the body's, as Midtrans answers errors with HTTP 200
    message: str


@dataclasses.dataclass(frozen=True)
class Midtrans:
    snap_url: str  # e.g. https://app.sandbox.midtrans.com (production: https://app.midtrans.com)
    api_url: str  # e.g. https://api.sandbox.midtrans.com (production: https://api.midtrans.com)
    server_key: str
    notification_url: str  # intake's webhook as the gateway reaches it

    @property
    def configured(self) -> bool:
        return bool(self.snap_url and self.api_url and self.server_key)

    def create(self, order_id: str, rupiah: int, item: str, finish_url: str | None = None) -> Checkout:
        body: dict[str, Any] = {
            "transaction_details": {"order_id": order_id, "gross_amount": rupiah},
            "item_details": [{"id": "fee", "price": rupiah, "quantity": 1, "name": item[:50]}],
        }
        if finish_url:
            body["callbacks"] = {"finish": finish_url}
        headers = {"X-Override-Notification": self.notification_url} if self.notification_url else {}
        answer = self._call("POST", f"{self.snap_url.rstrip('/')}/snap/v1/transactions", json=body, headers=headers)
        found = self._json(answer)
        if answer.status_code != 201 or not {"token", "redirect_url"} <= found.keys():
            raise GatewayError(f"create transaction: HTTP {answer.status_code} {answer.text[:200]}")
        return Checkout(found["token"], found["redirect_url"])

    def status(self, order_id: str) -> dict[str, Any]:
        """The transaction as the gateway knows it (``status_code`` "404" when it knows none)."""
        answer = self._call("GET", f"{self.api_url.rstrip('/')}/v2/{quote(order_id, safe='')}/status")
        found = self._json(answer)
        if answer.status_code >= 500 or "status_code" not in found:
            raise GatewayError(f"transaction status: HTTP {answer.status_code} {answer.text[:200]}")
        return found

    def refund(self, order_id: str, refund_key: str, rupiah: int, reason: str) -> Refund:
        answer = self._call("POST", f"{self.api_url.rstrip('/')}/v2/{quote(order_id, safe='')}/refund",
                            json={"refund_key": refund_key, "amount": rupiah, "reason": reason})
        found = self._json(answer)
        code = str(found.get("status_code") or "")
        if answer.status_code >= 500 or not code or code.startswith("5"):
            raise GatewayError(f"refund: HTTP {answer.status_code} {answer.text[:200]}")
        return Refund(code == "200", code, str(found.get("status_message") or "")[:200])

    def _call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return requests.request(method, url, auth=(self.server_key, ""), timeout=TIMEOUT_SECONDS,
                                    headers={"Accept": "application/json", **kwargs.pop("headers", {})}, **kwargs)
        except requests.RequestException as error:
            raise GatewayError(f"{method} {url}: {type(error).__name__}") from error

    @staticmethod
    def _json(answer: requests.Response) -> dict[str, Any]:
        try:
            found = answer.json()
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}
